#include "matcher/canonical.h"

#include <catch2/catch.hpp>

using leakmon::CanonicalizeEmail;
using leakmon::CanonicalizeWords;

TEST_CASE("Email canonical form: trimmed, NFKC, lowercase") {
  struct Case {
    std::string in, want;
  };
  auto c = GENERATE(values<Case>({
      {"Matti.Virtanen@Example.FI", "matti.virtanen@example.fi"},
      {"  matti@example.fi \n", "matti@example.fi"},
      {"matti\xEF\xBC\xA0" "example.fi", "matti@example.fi"},  // fullwidth @
      {"o'brien+tag@mail.example.co.uk", "o'brien+tag@mail.example.co.uk"},
      {"käyttäjä@esimerkki.fi", "käyttäjä@esimerkki.fi"},
  }));
  auto r = CanonicalizeEmail(c.in);
  REQUIRE(r.ok());
  CHECK(*r == c.want);
}

TEST_CASE("Invalid emails are refused without quoting the value") {
  auto in = GENERATE(as<std::string>{}, "matti", "matti@", "@example.fi", "a@@example.fi", "a@b@example.fi",
                     "matti@localhost", "matti@example.123", "a..b@example.fi", ".a@example.fi",
                     "a b@example.fi", "a@-x.fi", "a@x..fi");
  auto r = CanonicalizeEmail(in);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find(in) == std::string::npos);
}

TEST_CASE("Name and term canonical form: case-folded words joined by one space") {
  struct Case {
    std::string in, want;
  };
  auto c = GENERATE(values<Case>({
      {"Matti Virtanen", "matti virtanen"},
      {"  MATTI   VIRTANEN ", "matti virtanen"},
      {"Virtanen, Matti", "virtanen matti"},
      {"Liisa Mäkinen", "liisa mäkinen"},
      {"Project-Nightjar", "project nightjar"},
      {"Mannerheimintie 12 B 34", "mannerheimintie 12 b 34"},
  }));
  auto r = CanonicalizeWords(c.in);
  REQUIRE(r.ok());
  CHECK(*r == c.want);
  CHECK_FALSE(CanonicalizeWords(" -- ").ok());
}

TEST_CASE("hash-ids and the scanner agree: canonical forms are idempotent") {
  // The third: found by fuzz/canonical_fuzzer ("T" + U+0308 only composes once lowercased).
  for (const std::string v : {"Matti.Virtanen@Example.FI", "matti\xEF\xBC\xA0" "example.fi",
                              "MATTI.VIRTT\xCC\x88" "EN@EXAMPLE.FI"}) {
    auto once = CanonicalizeEmail(v);
    REQUIRE(once.ok());
    CHECK(*CanonicalizeEmail(*once) == *once);
  }
  for (const std::string v : {"Liisa Ma\xCC\x88kinen", "VIRTANEN,  Matti"}) {
    auto once = CanonicalizeWords(v);
    REQUIRE(once.ok());
    CHECK(*CanonicalizeWords(*once) == *once);
  }
}
