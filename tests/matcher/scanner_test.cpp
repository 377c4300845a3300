#include "matcher/scanner.h"

#include <catch2/catch.hpp>
#include <map>

#include "matcher/canonical.h"

using namespace leakmon;

namespace {

struct Fixture {
  Fixture() : hasher(*SecretKey::Parse("leakmon-key v1 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n")) {
    Add(Kind::kEmail, "Matti.Virtanen@Example.fi", "P-1");
    Add(Kind::kName, "Matti Virtanen", "P-1");
    Add(Kind::kName, "Liisa Mäkinen", "P-2");
    Add(Kind::kTerm, "Project Nightjar", "");
    Add(Kind::kTerm, "Mannerheimintie 12 B 34", "P-2");
    ids.Finalize();
  }
  void Add(Kind kind, const std::string& value, const std::string& ref) {
    std::string canon = *Canonicalize(kind, value);
    std::size_t words = 1 + static_cast<std::size_t>(std::count(canon.begin(), canon.end(), ' '));
    ids.Add(kind, {hasher.Hash(canon)}, ref, words);
  }
  // "kind:ref" -> count
  std::map<std::string, std::uint32_t> Scan(const std::string& text) {
    Scanner scanner(hasher, ids);
    std::map<std::string, std::uint32_t> out;
    for (const Match& m : scanner.Scan(text)) {
      const Identifier& id = ids.identifier(m.id);
      out[std::string(KindName(id.kind)) + ":" + id.ref] += m.count;
    }
    return out;
  }
  KeyedHasher hasher;
  IdentifierSet ids;
};

}  // namespace

TEST_CASE("The scanner finds each kind, however it is written") {
  Fixture f;
  struct Case {
    std::string text;
    std::map<std::string, std::uint32_t> want;
  };
  auto c = GENERATE(values<Case>({
      {"contact MATTI.VIRTANEN@EXAMPLE.FI now", {{"email:P-1", 1}}},
      {"matti.virtanen\xEF\xBC\xA0" "example.fi", {{"email:P-1", 1}}},
      {"Name: VIRTANEN, Matti.", {}},  // reversed order is the matcher issue's work
      {"Name: Matti   Virtanen.", {{"name:P-1", 1}}},
      {"liisa MÄKINEN; Liisa Ma\xCC\x88kinen", {{"name:P-2", 2}}},
      {"roadmap: project-nightjar", {{"term:", 1}}},
      {"asuu Mannerheimintie 12 B 34, Helsinki", {{"term:P-2", 1}}},
      {"Mannerheimintie 12 B 35", {}},
      {"nothing to see", {}},
      {"", {}},
  }));
  CHECK(f.Scan(c.text) == c.want);
}

TEST_CASE("Counts add up across occurrences") {
  Fixture f;
  auto got = f.Scan("matti.virtanen@example.fi, again matti.virtanen@example.fi");
  CHECK(got["email:P-1"] == 2);
}

TEST_CASE("Hostile text never crashes the scanner") {
  Fixture f;
  std::string junk;
  for (int i = 0; i < 4096; ++i) junk.push_back(static_cast<char>((i * 7919) & 0xff));
  CHECK_NOTHROW(f.Scan(junk));
  CHECK_NOTHROW(f.Scan(std::string(100000, '@')));
  CHECK_NOTHROW(f.Scan(std::string(100000, 'a') + "@" + std::string(100000, 'b') + ".fi"));
}
