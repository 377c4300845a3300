#include "matcher/bank.h"

#include <catch2/catch.hpp>

using namespace leakmon;

// IBAN vectors: python-stdnum 1.18 doctests (stdnum/iban.py) and the SWIFT
// IBAN registry's examples; card numbers: the card networks' published test
// numbers.
TEST_CASE("IBAN: canonical compact uppercase, mod 97 and country length") {
  struct Case {
    std::string in;
    std::string canonical;
  };
  auto c = GENERATE(values<Case>({
      {"GR16 0110 1050 0000 1054 7023 795", "GR1601101050000010547023795"},  // stdnum
      {"BE31435411161155", "BE31435411161155"},                              // stdnum
      {"fi21 1234 5600 0007 85", "FI2112345600000785"},                      // SWIFT registry (FI)
      {"SE45 5000 0000 0583 9825 7466", "SE4550000000058398257466"},         // SWIFT registry (SE)
      {"NO93 8601 1117 947", "NO9386011117947"},                             // SWIFT registry (NO)
      {"GB29 NWBK 6016 1331 9268 19", "GB29NWBK60161331926819"},             // SWIFT registry (GB)
  }));
  auto r = CanonicalizeIban(c.in);
  REQUIRE(r.ok());
  CHECK(*r == c.canonical);
}

TEST_CASE("IBAN: bad check digits, lengths and countries are refused") {
  auto in = GENERATE(as<std::string>{}, "FI2112345600000786", "FI211234560000078", "FI21123456000007851",
                     "XX2112345600000785", "GR16 0110 1050 0000 1054 7023 79!", "");
  CHECK_FALSE(CanonicalizeIban(in).ok());
  CHECK(IbanLength("FI") == 18);
  CHECK(IbanLength("ZZ") == 0);
}

TEST_CASE("Payment cards: 13-19 digits with separators, Luhn") {
  CHECK(*CanonicalizePaymentCard("4111 1111 1111 1111") == "4111111111111111");   // Visa test card
  CHECK(*CanonicalizePaymentCard("5500-0000-0000-0004") == "5500000000000004");   // Mastercard test card
  CHECK(*CanonicalizePaymentCard("340000000000009") == "340000000000009");        // Amex test card
  CHECK(*CanonicalizePaymentCard("4222222222222") == "4222222222222");            // 13-digit Visa
  CHECK_FALSE(CanonicalizePaymentCard("4111 1111 1111 1112").ok());                // Luhn
  CHECK_FALSE(CanonicalizePaymentCard("411111111111").ok());                       // 12 digits
  CHECK_FALSE(CanonicalizePaymentCard("41111111111111111113").ok());               // 20 digits
  CHECK_FALSE(CanonicalizePaymentCard("4111 1111 1111 111x").ok());
}
