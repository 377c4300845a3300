// Fuzzes the scanner (matcher/scanner.h) over arbitrary page text, with a
// fixed identifier set holding every kind. Checks the
// shape of the result, and that an email planted on its own line after the
// hostile text is still found: no input may blind the scanner to what
// follows it.
#include <algorithm>

#include "fuzz/fuzz_check.h"
#include "fuzz/fuzz_key.h"
#include "matcher/canonical.h"
#include "matcher/scanner.h"

namespace {
using namespace leakmon;

constexpr const char* kPlantedEmail = "planted.person@example.fi";

struct World {
  IdentifierSet ids;
  std::unique_ptr<Scanner> scanner;
  std::uint32_t planted = 0;

  World() {
    static constexpr std::pair<Kind, const char*> kIds[] = {
        {Kind::kEmail, kPlantedEmail},
        {Kind::kEmail, "Matti.Virtanen@Example.fi"},
        {Kind::kEmail, "liisa.makinen@gmail.com"},
        {Kind::kName, "Matti Virtanen"},
        {Kind::kName, "Liisa Mäkinen"},
        {Kind::kName, "Anna-Liisa Korhonen"},
        {Kind::kTerm, "Project Nightjar"},
        {Kind::kTerm, "Mannerheimintie 12 B 34"},
        {Kind::kEmailDomain, "acme.fi"},
        {Kind::kPhone, "040 123 4567"},
        {Kind::kPhone, "+46 70 123 45 67"},
        {Kind::kNationalId, "131052-308T"},
        {Kind::kNationalId, "811228-9841"},
        {Kind::kNationalId, "151086 95088"},
        {Kind::kIban, "FI21 1234 5600 0007 85"},
        {Kind::kPaymentCard, "4111 1111 1111 1111"},
    };
    CanonicalOptions options;
    options.phone = &fuzz::FuzzPhone();
    for (const auto& [kind, value] : kIds) {
      Result<HashedIdentifier> h = HashIdentifier(kind, value, fuzz::FuzzHasher(), options);
      FUZZ_CHECK(h.ok());
      std::uint32_t id = ids.Add(kind, h->hash, h->tags, "P-1", h->folded_hash, h->folded_tags);
      for (const std::string& w : h->words) ids.AddVocabulary(fuzz::FuzzHasher().VocabTag(w));
      ids.set_max_words(std::max(ids.max_words(), h->word_count));
      if (std::string_view(value) == kPlantedEmail) planted = id;
    }
    ids.Finalize();
    Result<std::unique_ptr<Scanner>> s = Scanner::Create(fuzz::FuzzHasher(), ids);
    FUZZ_CHECK(s.ok());
    scanner = std::move(*s);
  }
};

void CheckShape(const std::vector<Match>& matches, const IdentifierSet& ids) {
  for (std::size_t i = 0; i < matches.size(); ++i) {
    FUZZ_CHECK(matches[i].id < ids.size());
    FUZZ_CHECK(matches[i].count >= 1);
    if (i > 0) FUZZ_CHECK(matches[i - 1].id < matches[i].id);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World* world = new World();
  std::string text(reinterpret_cast<const char*>(data), size);
  CheckShape(world->scanner->Scan(text), world->ids);

  text += std::string("\n") + kPlantedEmail + "\n";
  std::vector<Match> matches = world->scanner->Scan(text);
  CheckShape(matches, world->ids);
  FUZZ_CHECK(std::any_of(matches.begin(), matches.end(),
                         [&](const Match& m) { return m.id == world->planted; }));
  return 0;
}
