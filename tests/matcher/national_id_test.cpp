#include "matcher/national_id.h"

#include <catch2/catch.hpp>

using namespace leakmon;

// Test vectors marked "stdnum" are python-stdnum 1.18's doctests
// (stdnum/fi/hetu.py, stdnum/se/personnummer.py, stdnum/no/fodselsnummer.py,
// stdnum/luhn.py); the rest are computed by hand from the published rules
// (Finnish DVV's 2023 century-sign reform: check = "0123...Y"[DDMMYYZZZ mod 31]).
TEST_CASE("National ids: canonical forms of valid codes") {
  struct Case {
    std::string in;
    std::string canonical;
    bool temporary;
  };
  auto c = GENERATE(values<Case>({
      {"131052-308T", "fi:131052-308T", false},    // stdnum
      {"131052a308t", "fi:131052A308T", false},    // stdnum compact(): lowercase accepted
      {" 131052-308T ", "fi:131052-308T", false},
      {"131052Y308T", "fi:131052Y308T", false},    // 2023 sign for the 1900s
      {"131052U308T", "fi:131052U308T", false},
      {"010103B0029", "fi:010103B0029", false},    // 2023 sign for the 2000s
      {"290200A1239", "fi:290200A1239", false},    // 29 Feb 2000
      {"010594Y9032", "fi:010594Y9032", true},     // temporary: 900-999
      {"010150+999K", "fi:010150+999K", true},
      {"880320-0016", "se:8803200016", false},     // stdnum
      {"8803200016", "se:8803200016", false},      // stdnum format()
      {"811228-9841", "se:8112289841", false},     // stdnum
      {"19811228-9841", "se:8112289841", false},   // 12 digits: same canonical
      {"198112289841", "se:8112289841", false},
      {"811228+9841", "se:8112289841", false},     // "+": 100 years or older
      {"se:811228-9841", "se:8112289841", false},
      {"151086 95088", "no:15108695088", false},   // stdnum
      {"15108695088", "no:15108695088", false},
      {"no:15108695088", "no:15108695088", false},
  }));
  INFO(c.in);
  auto r = CanonicalizeNationalId(c.in);
  REQUIRE(r.ok());
  CHECK(r->canonical == c.canonical);
  CHECK(r->temporary == c.temporary);
}

TEST_CASE("National ids: invalid codes are refused without quoting them") {
  auto in = GENERATE(as<std::string>{},
                     "131052-308U",   // stdnum: bad check character
                     "310252-308Y",   // stdnum: 31 Feb
                     "131052G308T",   // G is no century sign
                     "131052-001T",   // individual number 001
                     "290200-1239",   // 29 Feb 1900 was no leap day
                     "880320-0018",   // stdnum: bad Luhn
                     "881320-0016",   // month 13
                     "15108695077",   // stdnum: bad check digits
                     "1510869508",    // too short for Norway, bad for Sweden
                     "xx:131052-308T",
                     "");
  auto r = CanonicalizeNationalId(in);
  REQUIRE_FALSE(r.ok());
  if (in.size() > 3) CHECK(r.status().message().find(in) == std::string::npos);
}

TEST_CASE("Swedish coordination numbers and Norwegian D- and H-numbers") {
  // Coordination number: day + 60. 701063-2391 passes Luhn (computed).
  CHECK(SwedishPersonnummer("7010632391").has_value());
  // Day 92 (32 + 60) is no date.
  CHECK_FALSE(SwedishPersonnummer("7010922396").has_value());
  // D-number 41018036736 and H-number 01415612385 (computed with both mod-11
  // checks; the day / month is shifted by 40).
  CHECK(NorwegianFodselsnummer("41018036736").has_value());
  CHECK(NorwegianFodselsnummer("01415612385").has_value());
}

TEST_CASE("Luhn") {
  CHECK(LuhnValid("78949"));     // stdnum
  CHECK_FALSE(LuhnValid("7894"));  // stdnum
  CHECK(LuhnValid("4111111111111111"));
  CHECK_FALSE(LuhnValid("4111111111111112"));
  CHECK_FALSE(LuhnValid(""));
  CHECK_FALSE(LuhnValid("12a4"));
}
