#include "matcher/identifier_file.h"

#include <catch2/catch.hpp>

#include "matcher/canonical.h"

using namespace leakmon;

namespace {
SecretKey TestKey() {
  return *SecretKey::Parse("leakmon-key v1 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n");
}

std::string SampleFile(const KeyedHasher& h) {
  return IdentifierFileHeader(h, 2) + IdentifierFileLine(Kind::kEmail, {h.Hash("a@example.fi")}, "P-1") +
         IdentifierFileLine(Kind::kName, {h.Hash("matti virtanen"), h.Hash("virtanen matti")}, "P-1") +
         IdentifierFileLine(Kind::kTerm, {h.Hash("nightjar")}, "");
}
}  // namespace

TEST_CASE("Identifier files round-trip") {
  KeyedHasher h(TestKey());
  std::string text = SampleFile(h);
  CHECK(text.rfind("#leakmon-identifiers format=1 scheme=hmac-sha256-v1 key=888b857dd7157c61 max_words=2\n"
                   "kind,hash,ref\n",
                   0) == 0);
  auto set = ParseIdentifierFile(text, "ids.csv", h);
  REQUIRE(set.ok());
  CHECK(set->size() == 3);
  CHECK(set->max_words() == 2);
  auto hits = set->Find(h.Hash("virtanen matti"));
  REQUIRE(hits.size() == 1);
  CHECK(set->identifier(hits[0].id).kind == Kind::kName);
  CHECK(set->identifier(hits[0].id).ref == "P-1");
  CHECK(set->identifier(hits[0].id).hash == h.Hash("matti virtanen"));  // the primary hash
  CHECK(set->Find(h.Hash("nobody")).empty());
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
  std::string first_line = header.substr(0, header.find('\n') + 1);
  struct Case {
    std::string text;
    std::string message;
  };
  auto c = GENERATE_COPY(values<Case>({
      {"kind,value,ref\nemail,a@b.fi,\n", "ids.csv:1: not a leakmon identifier file (write one with `leakmon hash-ids`)"},
      {"#leakmon-identifiers format=9 scheme=hmac-sha256-v1 key=x max_words=1\n",
       "ids.csv:1: unsupported format \"9\"; this leakmon reads format 1"},
      {"#leakmon-identifiers format=1 scheme=md5 key=x max_words=1\n", "ids.csv:1: unsupported hashing scheme \"md5\""},
      {header + "email," + hash + ",P-1\nbogus," + hash + ",P-2\n", "ids.csv:4: unknown kind \"bogus\""},
      {header + "email,abc,P-1\n", "ids.csv:3: hash must be 64 hex digits (several separated by ;)"},
      {header + "email," + hash + ",has space\n", "ids.csv:3: ref is not a valid opaque id"},
      {header + "email," + hash + "\n", "ids.csv:3: expected 3 fields: kind,hash,ref"},
      {first_line + "kind,value\n",
       "ids.csv:2: expected the header kind,hash,ref"},
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
