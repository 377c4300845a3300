#include "matcher/phone.h"

#include <catch2/catch.hpp>

using namespace leakmon;

// Numbers in the style of libphonenumber's own examples
// (PhoneNumberUtil::GetExampleNumber: FI mobile 41 2345678, SE 70 1234567).
TEST_CASE("Phones: E.164 through libphonenumber with a default region") {
  auto fi = PhoneCanonicalizer::Create("FI");
  REQUIRE(fi.ok());
  struct Case {
    std::string in;
    std::string e164;
  };
  auto c = GENERATE(values<Case>({
      {"040 123 4567", "+358401234567"},
      {"+358 40 123 4567", "+358401234567"},
      {"00358401234567", "+358401234567"},
      {"(040) 123-4567", "+358401234567"},
      {"+358-41-2345678", "+358412345678"},
      {"09 1234 5678", "+358912345678"},        // Helsinki landline
      {"+46 70 123 45 67", "+46701234567"},     // other regions by +CC
      {"+47 412 34 567", "+4741234567"},
  }));
  auto r = fi->Canonicalize(c.in);
  REQUIRE(r.ok());
  CHECK(*r == c.e164);
  // The scanner's confirmation of a tag hit reads valid numbers the same way.
  auto parsed = fi->ParseE164(c.in);
  REQUIRE(parsed.ok());
  CHECK(*parsed == c.e164);
}

TEST_CASE("Phones: ParseE164 parses without validating, and refuses what does not parse") {
  auto fi = PhoneCanonicalizer::Create("FI");
  REQUIRE(fi.ok());
  // Parses but is not a valid number: only a listed (validated) identifier's
  // keyed hash can make the scanner report it.
  CHECK_FALSE(fi->Canonicalize("040 12").ok());
  auto short_number = fi->ParseE164("040 12");
  REQUIRE(short_number.ok());
  CHECK(*short_number == "+35804012");  // libphonenumber keeps the 0 of an invalid number
  for (const char* bad : {"not a number", "", "+"}) {
    INFO(bad);
    CHECK_FALSE(fi->ParseE164(bad).ok());
  }
  CHECK_FALSE(fi->ParseE164(std::string(100, '1')).ok());
}

TEST_CASE("Phones: invalid numbers and unknown regions are refused") {
  auto fi = PhoneCanonicalizer::Create("FI");
  REQUIRE(fi.ok());
  // Note: libphonenumber calls "2023-01-05" and "192.168.1.10" valid Finnish
  // numbers (+35820230105, +358192168110): the scanner reports a phone only
  // when its keyed hash is listed, never because it parses.
  for (const char* bad : {"123", "040 12", "+999 123 456 789", "+358 1", "not a number"}) {
    INFO(bad);
    CHECK_FALSE(fi->Canonicalize(bad).ok());
  }
  auto zz = PhoneCanonicalizer::Create("ZZ");
  REQUIRE_FALSE(zz.ok());
  CHECK(zz.status().message().find("unknown phone region \"ZZ\"") != std::string::npos);
}

TEST_CASE("Phones: the scanner's E.164 guesses include libphonenumber's answer") {
  auto fi = PhoneCanonicalizer::Create("FI");
  REQUIRE(fi.ok());
  struct Case {
    std::string digits;
    bool plus;
  };
  auto c = GENERATE(values<Case>({
      {"0401234567", false}, {"358401234567", true}, {"00358401234567", false}, {"0912345678", false},
      {"46701234567", true}, {"0046701234567", false},
  }));
  std::string guesses[2];
  int n = fi->Guesses(c.digits, c.plus, guesses);
  auto want = fi->Canonicalize((c.plus ? "+" : "") + c.digits);
  REQUIRE(want.ok());
  bool found = false;
  for (int i = 0; i < n; ++i) found = found || guesses[i] == *want;
  CHECK(found);
}
