// The binary identifier file (matcher/identifier_set_file.h): a set written
// and read back answers every lookup as the set it came from, and the
// scanner finds the same matches with it; every kind of damage is refused
// with the file's name and the part that is wrong.
#include "matcher/identifier_set_file.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <cstring>
#include <functional>

#include "matcher/canonical.h"
#include "matcher/identifier_file.h"
#include "matcher/scanner.h"

using namespace leakmon;

namespace {

SecretKey TestKey() {
  return *SecretKey::Parse("leakmon-key v1 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n");
}

// "Mäkinen" and a three-letter suffix from n: distinct names with diacritics.
std::string NameNumber(std::size_t n) {
  std::string s = "Liisa Mäkinen";
  for (int i = 0; i < 3; ++i, n /= 26) s.push_back(static_cast<char>('a' + n % 26));
  return s;
}

// A set of 700 names (folded variants in several blocks of ids), emails,
// phones, a term and an id without a ref, as hash-ids builds it.
IdentifierSet SampleSet(const KeyedHasher& h) {
  IdentifierSet set;
  std::vector<std::uint64_t> vocab;
  std::size_t max_words = 0;
  PhoneCanonicalizer phone = *PhoneCanonicalizer::Create("FI");
  CanonicalOptions options;
  options.phone = &phone;
  auto add = [&](Kind kind, const std::string& value, const std::string& ref) {
    HashedIdentifier id = *HashIdentifier(kind, value, h, options);
    set.Add(kind, id.hash, id.tags, ref, id.folded_hash, id.folded_tags);
    for (const std::string& w : id.words) vocab.push_back(h.VocabTag(w));
    max_words = std::max(max_words, id.word_count);
  };
  for (std::size_t i = 0; i < 700; ++i) {
    add(Kind::kName, NameNumber(i), "P-" + std::to_string(i));
    add(Kind::kEmail, "p" + std::to_string(i) + "@example.fi", "P-" + std::to_string(i));
  }
  add(Kind::kPhone, "+358401234567", "P-1");
  add(Kind::kTerm, "Project Nightjar", "");
  set.set_max_words(max_words);
  for (std::uint64_t v : vocab) set.AddVocabulary(v);
  set.Finalize();
  return set;
}

// The file's bytes at an address aligned to 64, as a mapping gives them.
struct AlignedBytes {
  std::shared_ptr<char> owner;
  std::span<const char> bytes;
};
AlignedBytes Aligned(const std::string& file) {
  char* p = static_cast<char*>(std::aligned_alloc(64, (file.size() + 63) / 64 * 64 + 64));
  std::memcpy(p, file.data(), file.size());
  return {std::shared_ptr<char>(p, std::free), std::span<const char>(p, file.size())};
}

Result<IdentifierSet> Parse(const std::string& file, const KeyedHasher& h, bool verify_checksum = true) {
  AlignedBytes b = Aligned(file);
  IdentifierSetFileOptions options;
  options.verify_checksum = verify_checksum;
  return ParseIdentifierSetFile(b.bytes, b.owner, "ids.lmids", h, options);
}

template <class T>
void Poke(std::string* file, std::size_t offset, T value) {
  std::memcpy(file->data() + offset, &value, sizeof value);
}
template <class T>
T Peek(const std::string& file, std::size_t offset) {
  T v;
  std::memcpy(&v, file.data() + offset, sizeof v);
  return v;
}

// Offsets of the header's fields and of the first tables (identifier_set_file.h).
constexpr std::size_t kFormatAt = 16, kChecksumAt = 64, kIdentifiersAt = 72, kPostingsAt = 128;

}  // namespace

TEST_CASE("A binary identifier file reads back as the set that was written") {
  KeyedHasher h(TestKey());
  IdentifierSet built = SampleSet(h);
  const std::string file = IdentifierSetFile(built, h);
  CHECK(IsIdentifierSetFile(file));
  CHECK(Peek<std::uint32_t>(file, kFormatAt) == kIdentifierSetFormat);
  CHECK(file.find("Liisa") == std::string::npos);
  CHECK(file.find("example.fi") == std::string::npos);

  Result<IdentifierSet> read = Parse(file, h);
  REQUIRE(read.ok());
  REQUIRE(read->size() == built.size());
  CHECK(read->postings() == built.postings());
  CHECK(read->vocabulary_size() == built.vocabulary_size());
  CHECK(read->max_words() == built.max_words());
  CHECK(read->MemoryBytes() == built.MemoryBytes());
  for (Kind k : kAllKinds) CHECK(read->HasKind(k) == built.HasKind(k));
  std::size_t folded = 0;
  for (std::uint32_t i = 0; i < built.size(); ++i) {
    CHECK(read->identifier(i).kind == built.identifier(i).kind);
    CHECK(read->identifier(i).hash == built.identifier(i).hash);
    CHECK(read->identifier(i).ref == built.identifier(i).ref);
    const Digest* a = built.folded_hash(i);
    const Digest* b = read->folded_hash(i);
    REQUIRE((a == nullptr) == (b == nullptr));
    if (a) {
      CHECK(*a == *b);
      ++folded;
    }
  }
  CHECK(folded == 700);
  // Writing the read set gives the same bytes.
  CHECK(IdentifierSetFile(*read, h) == file);

  // The scanner finds the same identifiers through either.
  std::string folded_name = NameNumber(600);
  folded_name.replace(folded_name.find("ä"), 2, "a");
  const std::string page = "Potilas " + NameNumber(5) + ", p3@example.fi, puh. 040 123 4567; " + folded_name +
                           ". Project Nightjar dump.";
  auto built_scanner = Scanner::Create(h, built);
  auto read_scanner = Scanner::Create(h, *read);
  REQUIRE(built_scanner.ok());
  REQUIRE(read_scanner.ok());
  std::vector<Match> a = (*built_scanner)->Scan(page), b = (*read_scanner)->Scan(page);
  REQUIRE(a.size() == 5);  // two names (one folded), the email, the phone, the term
  REQUIRE(b.size() == a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].id == b[i].id);
    CHECK(a[i].count == b[i].count);
    CHECK(a[i].strength == b[i].strength);
  }
}

TEST_CASE("An empty set writes and reads back") {
  KeyedHasher h(TestKey());
  IdentifierSet empty;
  empty.Finalize();
  Result<IdentifierSet> read = Parse(IdentifierSetFile(empty, h), h);
  REQUIRE(read.ok());
  CHECK(read->size() == 0);
  CHECK(read->postings() == 0);
}

TEST_CASE("The text and the binary format of one identifier list hold the same set") {
  KeyedHasher h(TestKey());
  HashedIdentifier name = *HashIdentifier(Kind::kName, "Liisa Mäkinen", h);
  HashedIdentifier email = *HashIdentifier(Kind::kEmail, "a@example.fi", h);
  std::vector<std::uint64_t> vocab;
  for (const std::string& w : name.words) vocab.push_back(h.VocabTag(w));
  std::sort(vocab.begin(), vocab.end());
  auto text = ParseIdentifierFile(IdentifierFileHeader(h, 2) + IdentifierFileLine(name, "P-1") +
                                      IdentifierFileLine(email, "P-1") + VocabularyLines(vocab),
                                  "ids.csv", h);
  REQUIRE(text.ok());
  IdentifierSet built;
  built.Add(name.kind, name.hash, name.tags, "P-1", name.folded_hash, name.folded_tags);
  built.Add(email.kind, email.hash, email.tags, "P-1");
  built.set_max_words(2);
  for (std::uint64_t v : vocab) built.AddVocabulary(v);
  built.Finalize();
  CHECK(IdentifierSetFile(*text, h) == IdentifierSetFile(built, h));
}

TEST_CASE("Damaged or foreign binary identifier files are refused, naming the file and the part") {
  KeyedHasher h(TestKey());
  const std::string good = IdentifierSetFile(SampleSet(h), h);
  const std::size_t n = Peek<std::uint64_t>(good, kIdentifiersAt);
  struct Case {
    const char* what;
    std::function<void(std::string*)> damage;
    bool past_checksum;  // the expected message is that of the checks after the checksum
    std::string message;
  };
  auto c = GENERATE_COPY(values<Case>({
      {"a text file", [](std::string* f) { *f = "#leakmon-identifiers format=2\n"; }, false,
       "ids.lmids: not a binary leakmon identifier file"},
      {"a newer format", [](std::string* f) { Poke<std::uint32_t>(f, kFormatAt, 4); }, false,
       "ids.lmids: unsupported binary format 4; this leakmon reads format 3 (hash the identifiers again with "
       "`leakmon hash-ids`)"},
      {"another scheme", [](std::string* f) { (*f)[24] = 'x'; }, false, "ids.lmids: unsupported hash scheme"},
      {"truncated", [](std::string* f) { f->resize(f->size() - 8); }, false, "truncated or damaged"},
      {"one more byte", [](std::string* f) { f->push_back('\0'); }, false, "truncated or damaged"},
      {"a huge count", [](std::string* f) { Poke<std::uint64_t>(f, kIdentifiersAt, ~std::uint64_t{0}); }, false,
       "ids.lmids: header counts out of range: damaged"},
      {"a flipped bit in a hash", [](std::string* f) { (*f)[f->size() / 2] ^= 1; }, false,
       "ids.lmids: checksum mismatch: damaged (write it again with `leakmon hash-ids`)"},
      {"a posting naming no identifier",
       [n](std::string* f) { Poke<std::uint64_t>(f, kPostingsAt, (Peek<std::uint64_t>(*f, kPostingsAt) & ~0xFFFFFFFFull) | (n << 4)); },
       true, "ids.lmids: inconsistent identifier set: postings"},
      {"postings out of order",
       [](std::string* f) { Poke<std::uint64_t>(f, kPostingsAt, ~std::uint64_t{0} >> 33); }, true,
       "ids.lmids: inconsistent identifier set: postings"},
  }));
  INFO(c.what);
  std::string file = good;
  c.damage(&file);
  if (c.past_checksum) {
    // The checksum catches the damage first; a parse that skips it (as the
    // fuzzer's does) reaches the check that names the damaged table.
    Result<IdentifierSet> unchecked = Parse(file, h, /*verify_checksum=*/false);
    REQUIRE_FALSE(unchecked.ok());
    CHECK(unchecked.status().message() == c.message);
    Result<IdentifierSet> checked = Parse(file, h);
    REQUIRE_FALSE(checked.ok());
    CHECK(checked.status().message().find("checksum mismatch") != std::string::npos);
    return;
  }
  Result<IdentifierSet> r = Parse(file, h);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("ids.lmids: ") == 0);
  CHECK(r.status().message().find(c.message) != std::string::npos);
}

TEST_CASE("A binary identifier file hashed with another key names the key mismatch") {
  KeyedHasher right(TestKey());
  auto other = SecretKey::Generate();
  REQUIRE(other.ok());
  KeyedHasher wrong(*other);
  Result<IdentifierSet> r = Parse(IdentifierSetFile(SampleSet(right), right), wrong);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("ids.lmids: the identifiers were hashed with a different key (fingerprint " +
                                  right.fingerprint()) == 0);
}

TEST_CASE("FromTables refuses tables that break the set's invariants") {
  KeyedHasher h(TestKey());
  IdentifierSet built = SampleSet(h);
  const IdentifierSet::Tables good = built.tables();
  REQUIRE(IdentifierSet::FromTables(good, nullptr).ok());

  std::vector<std::uint8_t> kinds(good.kinds.begin(), good.kinds.end());
  std::vector<std::uint32_t> offsets(good.ref_offsets.begin(), good.ref_offsets.end());
  std::vector<std::uint32_t> index(good.index.begin(), good.index.end());
  std::vector<std::uint32_t> folded_index(good.folded_index.begin(), good.folded_index.end());
  std::vector<IdentifierSet::FoldedHash> folded(good.folded_hashes.begin(), good.folded_hashes.end());
  std::vector<std::uint64_t> vocab(good.vocab_tags.begin(), good.vocab_tags.end());
  struct Case {
    const char* expected;
    std::function<void(IdentifierSet::Tables*)> damage;
  };
  auto c = GENERATE_REF(values<Case>({
      {"unknown kind", [&](IdentifierSet::Tables* t) { kinds[5] = 8; t->kinds = kinds; }},
      {"one hash per identifier", [&](IdentifierSet::Tables* t) { t->hashes = t->hashes.first(1); }},
      {"ref offsets", [&](IdentifierSet::Tables* t) { offsets[3] = offsets[4] + 1; t->ref_offsets = offsets; }},
      {"ref offsets", [&](IdentifierSet::Tables* t) { t->refs = t->refs.first(t->refs.size() - 1); }},
      {"posting index", [&](IdentifierSet::Tables* t) { index[7] = index[8] + 1; t->index = index; }},
      {"posting index", [&](IdentifierSet::Tables* t) { t->index_bits = 31; }},
      {"folded index", [&](IdentifierSet::Tables* t) { folded_index[1] += 1; t->folded_index = folded_index; }},
      {"folded index size", [&](IdentifierSet::Tables* t) { t->folded_index = t->folded_index.first(1); }},
      {"folded hashes", [&](IdentifierSet::Tables* t) { std::swap(folded[0], folded[1]); t->folded_hashes = folded; }},
      {"filter size", [&](IdentifierSet::Tables* t) { t->filter = t->filter.first(3); }},
      {"vocabulary", [&](IdentifierSet::Tables* t) { std::swap(vocab[0], vocab[1]); t->vocab_tags = vocab; }},
      {"max_words above 8", [&](IdentifierSet::Tables* t) { t->max_words = 9; }},
  }));
  IdentifierSet::Tables t = good;
  c.damage(&t);
  Result<IdentifierSet> r = IdentifierSet::FromTables(t, nullptr);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == std::string("inconsistent identifier set: ") + c.expected);
}
