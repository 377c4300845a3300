// Fuzzes the scanner (matcher/scanner.h) over arbitrary page text, with a
// fixed identifier set holding every kind this build can hash. Checks the
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
    // (kind name, value, ref); kinds this build does not know are skipped.
    static constexpr const char* kIds[][3] = {
        {"email", kPlantedEmail, "P-0"},
        {"email", "Matti.Virtanen@Example.fi", "P-1"},
        {"name", "Matti Virtanen", "P-1"},
        {"name", "Liisa Mäkinen", "P-2"},
        {"term", "Project Nightjar", ""},
        {"term", "Mannerheimintie 12 B 34", "P-2"},
        {"email_domain", "example.org", ""},
        {"phone", "+358401234567", "P-1"},
        {"national_id", "131052-308T", "P-1"},
        {"iban", "FI21 1234 5600 0007 85", "P-2"},
        {"payment_card", "4111 1111 1111 1111", "P-2"},
    };
    std::uint32_t next = 0;
    for (const auto& row : kIds) {
      std::optional<Kind> kind = ParseKind(row[0]);
      Result<std::string> canon = kind ? Canonicalize(*kind, row[1]) : Status::InvalidArgument("unknown kind");
      if (!canon.ok()) {  // a kind this build cannot hash yet
        FUZZ_CHECK(std::string_view(row[1]) != kPlantedEmail);
        continue;
      }
      std::size_t words = 1 + static_cast<std::size_t>(std::count(canon->begin(), canon->end(), ' '));
      if (std::string_view(row[1]) == kPlantedEmail) planted = next;
      ids.Add(*kind, {fuzz::FuzzHasher().Hash(*canon)}, row[2], words);
      ++next;
    }
    ids.Finalize();
    scanner = std::make_unique<Scanner>(fuzz::FuzzHasher(), ids);
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
