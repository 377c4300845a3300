// The scanner's SIMD byte searches (matcher/byte_masks.h, byte_scan.h)
// against their plain one-byte-at-a-time definitions, for every
// implementation: AVX2, SSE2 and portable C++ (byte_masks.h picks one at
// run time; the tests force each in turn).
#include "matcher/byte_masks.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "matcher/byte_scan.h"
#include "tests/matcher/kernel_limit.h"

using namespace leakmon;
using leakmon::testing::KernelLimit;
using leakmon::testing::KernelName;

namespace {

bool IsWordByte(unsigned char c) {
  return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool IsSpecialAt(const std::string& t, std::size_t i) {
  auto at = [&](std::size_t k) -> unsigned char { return k < t.size() ? static_cast<unsigned char>(t[k]) : 0; };
  auto lower = [](unsigned char c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; };
  const unsigned char c = at(i);
  return c == '@' || c == '[' || c == '(' || c == '{' || c == '#' || (c == '-' && at(i + 1) == 'c') ||
         (c == ':' && at(i + 1) == '/') || (c == ' ' && at(i + 1) == 0xC3) ||
         (c == ' ' && lower(at(i + 1)) == 'a' && lower(at(i + 2)) == 't' && at(i + 3) == ' ');
}

// Texts of every length up to 300 over the bytes that matter (and any byte now and then).
std::string RandomText(std::mt19937& rng, std::size_t len) {
  static const std::string alphabet = "@[({#-c:/ aAtT\xC3\xA4\x84\x80\xBF\xFF" "09zZ.\n&%\\";
  std::string t(len, '\0');
  for (char& c : t) {
    c = rng() % 8 == 0 ? static_cast<char>(rng() % 256) : alphabet[rng() % alphabet.size()];
  }
  return t;
}

}  // namespace

TEST_CASE("Byte masks: every implementation agrees with the plain definitions") {
  for (byte_masks::Kernels k : leakmon::testing::kAllKernels) {
    KernelLimit limit(k);
    INFO("implementation " << KernelName(byte_masks::ActiveKernels()));
    std::mt19937 rng(7);
    for (int round = 0; round < 3000; ++round) {
      const std::size_t len = round < 301 ? static_cast<std::size_t>(round) : rng() % 1000;
      // A text inside a larger buffer, at every alignment.
      std::string buffer = RandomText(rng, len + 64);
      const std::size_t offset = rng() % 64;
      const std::string text = buffer.substr(offset, len);
      std::string_view view(buffer.data() + offset, len);
      const std::size_t words = byte_masks::Words64(len);
      std::vector<std::uint64_t> word(words + 1, ~0ULL), special(words + 1, ~0ULL), digit(words + 1, ~0ULL);
      std::vector<std::uint64_t> word_alone(words + 1, ~0ULL), escape(words + 1, ~0ULL), high(words + 1, ~0ULL);
      byte_masks::WordSpecialAndDigitBytes(view, word.data(), special.data(), digit.data());
      byte_masks::WordBytes(view, word_alone.data());
      byte_masks::EscapeAndHighBytes(view, escape.data(), high.data());
      INFO("length " << len << ", offset " << offset);
      std::vector<std::uint64_t> want_word(words + 1, 0), want_special(words + 1, 0), want_digit(words + 1, 0);
      std::vector<std::uint64_t> want_escape(words + 1, 0), want_high(words + 1, 0);
      // nothing written past the arrays
      want_word[words] = want_special[words] = want_digit[words] = want_escape[words] = want_high[words] = ~0ULL;
      for (std::size_t i = 0; i < len; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        const std::uint64_t bit = std::uint64_t{1} << (i % 64);
        if (IsWordByte(c)) want_word[i / 64] |= bit;
        if (IsSpecialAt(text, i)) want_special[i / 64] |= bit;
        if (c >= '0' && c <= '9') want_digit[i / 64] |= bit;
        if (c == '&' || c == '%' || c == '\\') want_escape[i / 64] |= bit;
        if (c >= 0x80) want_high[i / 64] |= bit;
      }
      REQUIRE(word == want_word);
      REQUIRE(word_alone == want_word);
      REQUIRE(special == want_special);
      REQUIRE(digit == want_digit);
      REQUIRE(escape == want_escape);
      REQUIRE(high == want_high);
      // NextBit from every position finds the next high byte, or len.
      for (std::size_t from = 0; from <= len + 1; ++from) {
        std::size_t want = std::min(from, len);
        while (want < len && static_cast<unsigned char>(text[want]) < 0x80) ++want;
        REQUIRE(byte_masks::NextBit(high.data(), from, len) == want);
      }
    }
  }
}

TEST_CASE("Byte masks: the run-time choice can be limited, never raised") {
  const byte_masks::Kernels best = byte_masks::ActiveKernels();
  {
    KernelLimit limit(byte_masks::Kernels::kPortable);
    CHECK(byte_masks::ActiveKernels() == byte_masks::Kernels::kPortable);
  }
  CHECK(byte_masks::ActiveKernels() == best);
#if defined(__x86_64__)
  CHECK(best != byte_masks::Kernels::kPortable);  // SSE2 at least
#endif
}

TEST_CASE("Byte scan: the SSE2 short-piece lowercasing equals the plain definition") {
  std::mt19937 rng(11);
  static const std::string word_bytes = "aZ09mQ\xC3\xC3\xC3\x80\x84\x96\x97\x9E\x9F\xA4\xB7\xBF\xC0\xE2";
  for (int round = 0; round < 20000; ++round) {
    unsigned char piece[32];
    for (unsigned char& c : piece) c = static_cast<unsigned char>(word_bytes[rng() % word_bytes.size()]);
    const std::size_t len = 1 + rng() % 16;
    unsigned char fast[16] = {}, plain[16] = {};
    const bool fast_ok = byte_scan::LowerShortPiece(piece, len, fast);
    const bool plain_ok = byte_scan::LowerShortPiecePortable(piece, len, plain);
    INFO(std::string(reinterpret_cast<const char*>(piece), len));
    REQUIRE(fast_ok == plain_ok);
    if (fast_ok) REQUIRE(std::string(reinterpret_cast<char*>(fast), 16) == std::string(reinterpret_cast<char*>(plain), 16));
  }
}
