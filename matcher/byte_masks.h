// Bitmaps of byte classes over a whole text, for the scanner's linear passes
// (scan_text.h's decoding, unicode.h's word splitting, scanner.cpp's
// candidates). Bit i of out[i/64]
// describes text[i]; each array has (text.size() + 63) / 64 entries and the
// bits past the text's end are 0.
//
// Three implementations of the same kernels, chosen once at run time: AVX2
// (32 bytes at a time, x86-64 CPUs that have it), SSE2 (16 bytes at a time,
// every x86-64 CPU) and plain C++ (everywhere). Tests run each of them
// (LimitKernelsForTesting) against the plain definitions. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace leakmon::byte_masks {

inline std::size_t Words64(std::size_t bytes) { return (bytes + 63) / 64; }

// Word bytes: ASCII letters and digits, and every byte >= 0x80.
void WordBytes(std::string_view text, std::uint64_t* out);

// In one pass: `word` as WordBytes; `special`: where an email marker, a
// Cloudflare address or a URL may start: '@' '[' '(' '{' '#', "-c", ":/",
// " \xC3", and " at " in any case; `digit`: ASCII digits.
void WordSpecialAndDigitBytes(std::string_view text, std::uint64_t* word, std::uint64_t* special,
                              std::uint64_t* digit);

// In one pass: `escape`: '&', '%' and '\\' (where scan_text.h's decoding
// starts); `high`: bytes >= 0x80 (where its NFKC step starts).
void EscapeAndHighBytes(std::string_view text, std::uint64_t* escape, std::uint64_t* high);

// The position of the first set bit at or after `from` in the mask of a
// text of n bytes (Words64(n) entries at `bits`); n if there is none.
inline std::size_t NextBit(const std::uint64_t* bits, std::size_t from, std::size_t n) {
  if (from >= n) return n;
  std::size_t w = from / 64;
  std::uint64_t m = bits[w] & (~std::uint64_t{0} << (from % 64));
  for (const std::size_t words = Words64(n); m == 0;) {
    if (++w == words) return n;
    m = bits[w];
  }
  return w * 64 + static_cast<std::size_t>(__builtin_ctzll(m));
}

// The implementations, best first.
enum class Kernels { kAvx2 = 0, kSse2 = 1, kPortable = 2 };
// The one WordBytes and WordSpecialAndDigitBytes use now: the best this
// build and CPU have, within the testing limit.
Kernels ActiveKernels();

namespace internal {

// Tests only: use nothing better than `best` from now on (kAvx2: no limit).
void LimitKernelsForTesting(Kernels best);

// The kernels: `blocks` whole blocks of 64 bytes at p, with at least 3 more
// readable bytes after them (WordSpecialAndDigit looks ahead).
void WordBlocksAvx2(const unsigned char* p, std::size_t blocks, std::uint64_t* out);
void EscapeAndHighBlocksAvx2(const unsigned char* p, std::size_t blocks, std::uint64_t* escape, std::uint64_t* high);
void WordSpecialAndDigitBlocksAvx2(const unsigned char* p, std::size_t blocks, std::uint64_t* word,
                                   std::uint64_t* special, std::uint64_t* digit);

}  // namespace internal
}  // namespace leakmon::byte_masks
