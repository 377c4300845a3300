#include "matcher/identifier_file.h"

#include <catch2/catch.hpp>

#include "matcher/canonical.h"

using namespace leakmon;

namespace {
SecretKey TestKey() {
  return *SecretKey::Parse("leakmon-key v1 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n");
}

HashedIdentifier Hashed(const KeyedHasher& h, Kind kind, const std::string& value) {
  return *HashIdentifier(kind, value, h);
}

std::string SampleFile(const KeyedHasher& h) {
  HashedIdentifier name = Hashed(h, Kind::kName, "Liisa Mäkinen");
  std::vector<std::uint64_t> vocab;
  for (const std::string& w : name.words) vocab.push_back(h.VocabTag(w));
  return IdentifierFileHeader(h, 2) + IdentifierFileLine(Hashed(h, Kind::kEmail, "a@example.fi"), "P-1") +
         IdentifierFileLine(name, "P-1") + IdentifierFileLine(Hashed(h, Kind::kTerm, "Nightjar"), "") +
         VocabularyLines(vocab);
}
}  // namespace

TEST_CASE("Identifier files round-trip") {
  KeyedHasher h(TestKey());
  std::string text = SampleFile(h);
  CHECK(text.rfind("#leakmon-identifiers format=2 scheme=hmac-sha256+siphash-v2 key=888b857dd7157c61 max_words=2\n"
                   "kind,hash,tags,folded,ref\n",
                   0) == 0);
  auto set = ParseIdentifierFile(text, "ids.csv", h);
  REQUIRE(set.ok());
  CHECK(set->size() == 3);
  CHECK(set->max_words() == 2);
  CHECK(set->postings() == 1 + 2 + 2 + 1);  // email; name: 2 rotations, 2 folded; term
  CHECK(set->vocabulary_size() == 3);         // liisa, mäkinen, makinen
  CHECK(set->InVocabulary(h.VocabTag("makinen")));
  CHECK_FALSE(set->InVocabulary(h.VocabTag("virtanen")));

  // "mäkinen liisa" is rotation 1 of the name.
  std::uint64_t words[2] = {h.WordTag("mäkinen"), h.WordTag("liisa")};
  std::vector<IdentifierSet::Posting> hits;
  set->ForEachPosting(GramTagOf(words, 2), [&](const IdentifierSet::Posting& p) { hits.push_back(p); });
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].rotation == 1);
  CHECK_FALSE(hits[0].folded);
  IdentifierView id = set->identifier(hits[0].id);
  CHECK(id.kind == Kind::kName);
  CHECK(id.ref == "P-1");
  CHECK(id.hash == h.Hash("liisa mäkinen"));
  REQUIRE(set->folded_hash(hits[0].id) != nullptr);
  CHECK(*set->folded_hash(hits[0].id) == h.Hash("liisa makinen"));

  hits.clear();
  set->ForEachPosting(h.Tag(Kind::kEmail, "a@example.fi"), [&](const IdentifierSet::Posting& p) { hits.push_back(p); });
  REQUIRE(hits.size() == 1);
  CHECK(set->identifier(hits[0].id).hash == h.Hash("a@example.fi"));
}

TEST_CASE("The parser takes its input in chunks of any size") {
  KeyedHasher h(TestKey());
  std::string text = SampleFile(h);
  auto size = GENERATE(1, 7, 64, 100000);
  IdentifierFileParser parser("ids.csv", h);
  for (std::size_t i = 0; i < text.size(); i += static_cast<std::size_t>(size)) {
    REQUIRE(parser.Feed(std::string_view(text).substr(i, static_cast<std::size_t>(size))).ok());
  }
  auto set = parser.Finish();
  REQUIRE(set.ok());
  CHECK(set->size() == 3);
}

TEST_CASE("The wrong key is a clear error, not an empty result") {
  KeyedHasher right(TestKey());
  auto other = SecretKey::Generate();
  REQUIRE(other.ok());
  KeyedHasher wrong(*other);
  auto r = ParseIdentifierFile(SampleFile(right), "ids.csv", wrong);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("ids.csv:1: the identifiers were hashed with a different key") == 0);
}

TEST_CASE("Malformed identifier files are refused with the line number") {
  KeyedHasher h(TestKey());
  std::string header = IdentifierFileHeader(h, 1);
  std::string hash = std::string(64, 'a');
  std::string tag = std::string(16, 'b');
  std::string first_line = header.substr(0, header.find('\n') + 1);
  struct Case {
    std::string text;
    std::string message;
  };
  auto c = GENERATE_COPY(values<Case>({
      {"kind,value,ref\nemail,a@b.fi,\n", "ids.csv:1: not a leakmon identifier file (write one with `leakmon hash-ids`)"},
      {"", "ids.csv:1: empty; not a leakmon identifier file (write one with `leakmon hash-ids`)"},
      {"#leakmon-identifiers format=1 scheme=hmac-sha256-v1 key=x max_words=1\n",
       "ids.csv:1: unsupported format \"1\"; this leakmon reads format 2 (hash the identifiers again with "
       "`leakmon hash-ids`)"},
      {"#leakmon-identifiers format=2 scheme=md5 key=x max_words=1\n", "ids.csv:1: unsupported hash scheme \"md5\""},
      {header + "email," + hash + "," + tag + ",,P-1\nbogus," + hash + "," + tag + ",,P-2\n",
       "ids.csv:4: unknown kind \"bogus\""},
      {header + "email,abc," + tag + ",,P-1\n", "ids.csv:3: hash must be 64 lowercase hex digits"},
      {header + "email," + hash + ",xyz,,P-1\n", "ids.csv:3: tags must be 16 hex digits each, separated by ;"},
      {header + "email," + hash + "," + tag + ";" + tag + ",,P-1\n",
       "ids.csv:3: tags must be 16 hex digits each, separated by ;"},  // one tag for non-name kinds
      {header + "email," + hash + "," + tag + "," + hash + ";" + tag + ",P-1\n", "ids.csv:3: malformed folded variant"},
      {header + "email," + hash + "," + tag + ",,has space\n", "ids.csv:3: ref is not a valid opaque id"},
      {header + "email," + hash + "\n", "ids.csv:3: expected 5 fields: kind,hash,tags,folded,ref"},
      {header + "vocab,," + hash + ",,\n", "ids.csv:3: malformed vocab line"},
      {first_line + "kind,hash,ref\n", "ids.csv:2: expected the header kind,hash,tags,folded,ref"},
      {first_line, "ids.csv:2: expected the header kind,hash,tags,folded,ref"},
  }));
  auto r = ParseIdentifierFile(c.text, "ids.csv", h);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == c.message);
}

TEST_CASE("Opaque refs") {
  CHECK(IsValidRef(""));
  CHECK(IsValidRef("P-1001"));
  CHECK(IsValidRef("crm:4711/a#b_c.d"));
  CHECK_FALSE(IsValidRef("Matti Virtanen"));
  CHECK_FALSE(IsValidRef("a,b"));
  CHECK_FALSE(IsValidRef(std::string(65, 'a')));
}

TEST_CASE("Folded hashes are found by id, across blocks of ids") {
  // Every third identifier of 2,000 has a folded variant; the lookup index
  // works in blocks of 256 ids, so this crosses several, with gaps.
  IdentifierSet set;
  auto digest = [](std::uint32_t n) {
    Digest d{};
    d[0] = static_cast<std::uint8_t>(n);
    d[1] = static_cast<std::uint8_t>(n >> 8);
    return d;
  };
  const std::uint64_t tags[] = {1};
  for (std::uint32_t i = 0; i < 2000; ++i) {
    std::optional<Digest> folded;
    if (i % 3 == 0) folded = digest(i + 7);
    REQUIRE(set.Add(Kind::kName, digest(i), tags, "", folded, tags) == i);
  }
  set.Finalize();
  for (std::uint32_t i = 0; i < 2000; ++i) {
    const Digest* f = set.folded_hash(i);
    if (i % 3 == 0) {
      REQUIRE(f != nullptr);
      CHECK(*f == digest(i + 7));
    } else {
      CHECK(f == nullptr);
    }
  }
  CHECK(set.folded_hash(2000) == nullptr);
  CHECK(set.folded_hash(1u << 26) == nullptr);
}

TEST_CASE("The vocabulary finds every word it holds, and few others") {
  // Tags as SipHash gives them: spread over all 64 bits.
  auto tag = [](std::uint64_t n) {
    std::uint64_t x = n * 0x9E3779B97F4A7C15ULL;
    x ^= x >> 29;
    return x * 0xBF58476D1CE4E5B9ULL;
  };
  for (std::uint64_t words : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{3129}, std::uint64_t{20000}}) {
    IdentifierSet set;
    for (std::uint64_t i = 0; i < words; ++i) set.AddVocabulary(tag(i));
    set.Finalize();
    CHECK(set.vocabulary_size() == words);
    for (std::uint64_t i = 0; i < words; ++i) REQUIRE(set.InVocabulary(tag(i)));
    std::size_t false_positives = 0;
    for (std::uint64_t i = words; i < words + 100000; ++i) false_positives += set.InVocabulary(tag(i));
    CHECK(false_positives == 0);  // past the bitmap, the table compares 32 bits of the tag
  }
}
