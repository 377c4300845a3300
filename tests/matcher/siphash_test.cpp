#include "matcher/siphash.h"

#include <catch2/catch.hpp>
#include <string>

using namespace leakmon;

// Reference vectors: Aumasson and Bernstein, "SipHash: a fast short-input
// PRF" (2012), appendix A, and vectors.h of the reference implementation
// (github.com/veorq/SipHash): key 00 01 .. 0f, message 00 01 .. (n-1).
TEST_CASE("SipHash-2-4 matches the reference vectors") {
  SipKey key{0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL};
  auto message = [](std::size_t n) {
    std::string m;
    for (std::size_t i = 0; i < n; ++i) m.push_back(static_cast<char>(i));
    return m;
  };
  struct Case {
    std::size_t n;
    std::uint64_t want;
  };
  auto c = GENERATE(values<Case>({
      {0, 0x726fdb47dd0e0e31ULL},
      {1, 0x74f839c593dc67fdULL},
      {2, 0x0d6c8009d9a94f5aULL},
      {3, 0x85676696d7fb7e2dULL},
      {4, 0xcf2794e0277187b7ULL},
      {5, 0x18765564cd99a68dULL},
      {6, 0xcbc9466e58fee3ceULL},
      {7, 0xab0200f58b01d137ULL},
      {8, 0x93f5f5799a932462ULL},
      {9, 0x9e0082df0ba9e4b0ULL},
      {10, 0x7a5dbbc594ddb9f3ULL},
      {11, 0xf4b32f46226bada7ULL},
      {12, 0x751e8fbc860ee5fbULL},
      {13, 0x14ea5627c0843d90ULL},
      {14, 0xf723ca908e7af2eeULL},
      {15, 0xa129ca6149be45e5ULL},  // the paper's worked example
      {63, 0x958a324ceb064572ULL},
  }));
  CHECK(SipHash<2, 4>(key, message(c.n)) == c.want);
}

TEST_CASE("SipHash depends on every key and message bit it is given") {
  SipKey a{1, 2}, b{1, 3};
  CHECK(SipHash<2, 4>(a, "matti") != SipHash<2, 4>(b, "matti"));
  CHECK(SipHash<2, 4>(a, "matti") != SipHash<2, 4>(a, "mattj"));
  CHECK(SipHash<1, 3>(a, "matti") != SipHash<2, 4>(a, "matti"));
  CHECK(SipHash<1, 3>(a, "matti") == SipHash<1, 3>(a, std::string("matti")));
}

TEST_CASE("SipHashZeroPadded16 equals SipHash on messages followed by zero bytes") {
  SipKey key{0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL};
  const std::size_t n = GENERATE(range<std::size_t>(0, 16));
  unsigned char buffer[32] = {};
  for (std::size_t i = 0; i < n; ++i) buffer[i] = static_cast<unsigned char>(0xA0 + i);
  const std::string_view message(reinterpret_cast<const char*>(buffer), n);
  CHECK(SipHashZeroPadded16<2, 4>(key, message) == SipHash<2, 4>(key, message));
  CHECK(SipHashZeroPadded16<1, 3>(key, message) == SipHash<1, 3>(key, message));
}
