// The AVX2 kernels of byte_masks.h, compiled with -mavx2 and called only
// after a run-time check. This file includes no other header with inline
// functions: the linker could otherwise keep an AVX2 copy of one for the
// whole program.
#include <cstddef>
#include <cstdint>
#include <immintrin.h>

namespace leakmon::byte_masks::internal {
namespace {

inline __m256i Eq(__m256i v, char c) { return _mm256_cmpeq_epi8(v, _mm256_set1_epi8(c)); }
inline __m256i InRange(__m256i v, char lo, char hi) {  // signed bytes: >= 0x80 is never in an ASCII range
  return _mm256_and_si256(_mm256_cmpgt_epi8(v, _mm256_set1_epi8(static_cast<char>(lo - 1))),
                          _mm256_cmpgt_epi8(_mm256_set1_epi8(static_cast<char>(hi + 1)), v));
}
inline std::uint64_t Bits(__m256i m) { return static_cast<std::uint32_t>(_mm256_movemask_epi8(m)); }

}  // namespace

void WordBlocksAvx2(const unsigned char* p, std::size_t blocks, std::uint64_t* out) {
  for (std::size_t b = 0; b < blocks; ++b, p += 64) {
    std::uint64_t m = 0;
    for (int h = 0; h < 2; ++h) {
      const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32 * h));
      const __m256i lower = _mm256_or_si256(v, _mm256_set1_epi8(0x20));
      const __m256i word = _mm256_or_si256(_mm256_or_si256(InRange(v, '0', '9'), InRange(lower, 'a', 'z')),
                                           _mm256_cmpgt_epi8(_mm256_setzero_si256(), v));
      m |= Bits(word) << (32 * h);
    }
    out[b] = m;
  }
}

void EscapeAndHighBlocksAvx2(const unsigned char* p, std::size_t blocks, std::uint64_t* escape, std::uint64_t* high) {
  auto escapes = [](__m256i v) { return Bits(_mm256_or_si256(_mm256_or_si256(Eq(v, '&'), Eq(v, '%')), Eq(v, '\\'))); };
  for (std::size_t b = 0; b < blocks; ++b, p += 64) {
    const __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    const __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
    escape[b] = escapes(lo) | escapes(hi) << 32;
    high[b] = Bits(lo) | Bits(hi) << 32;
  }
}

// One pass for the three masks. Most classes are found with two table
// lookups (vpshufb) on each byte's low and high nibble: the tables give
// each byte eight class bits, one per class that is a product of a set of
// low nibbles and a set of high nibbles, and a byte is in a class when both
// lookups have its bit. c0 (the byte) is classified as '@' / '[' '{' /
// '(' '#' / '-' / ':' / ' ' (twice) / digit; c1 (the next byte) as 'c' /
// '/' / 0xC3 / 'a' 'A', with the bits of the single-byte classes and of
// the digit class always set. In c0's bits & c1's bits, then, bits 0-2 are
// '@', '[' '{', '(' '#'; bit 3 is "-c", bit 4 ":/", bit 5 " \xC3", bit 6
// " a" (" at " also needs c2 and c3), bit 7 a digit. About half the
// instructions of one compare per byte value and class (as the SSE2 kernels
// do), and no separate pass for the word bytes.
void WordSpecialAndDigitBlocksAvx2(const unsigned char* p, std::size_t blocks, std::uint64_t* word,
                                   std::uint64_t* special, std::uint64_t* digit) {
  constexpr char kAt = 1, kBrace = 2, kParen = 4, kDash = 8, kColon = 16, kSpace5 = 32, kSpace6 = 64, kDigit = -128;
  constexpr char kAlways = kAt | kBrace | kParen | kDigit;
  // c0: low nibble 0-F, then high nibble 0-F (bytes >= 0x80: high nibble 8-F, no class).
  const __m256i c0_low = _mm256_setr_epi8(
      kAt | kSpace5 | kSpace6 | kDigit, kDigit, kDigit, kParen | kDigit, kDigit, kDigit, kDigit, kDigit,
      kParen | kDigit, kDigit, kColon, kBrace, 0, kDash, 0, 0,
      kAt | kSpace5 | kSpace6 | kDigit, kDigit, kDigit, kParen | kDigit, kDigit, kDigit, kDigit, kDigit,
      kParen | kDigit, kDigit, kColon, kBrace, 0, kDash, 0, 0);
  const __m256i c0_high = _mm256_setr_epi8(
      0, 0, kParen | kDash | kSpace5 | kSpace6, kColon | kDigit, kAt, kBrace, 0, kBrace, 0, 0, 0, 0, 0, 0, 0, 0,
      0, 0, kParen | kDash | kSpace5 | kSpace6, kColon | kDigit, kAt, kBrace, 0, kBrace, 0, 0, 0, 0, 0, 0, 0, 0);
  // c1: 'c' (63) in kDash's bit, '/' (2F) in kColon's, C3 in kSpace5's, 'a' 'A' (61 41) in kSpace6's.
  const __m256i c1_low = _mm256_setr_epi8(
      kAlways, kAlways | kSpace6, kAlways, kAlways | kDash | kSpace5, kAlways, kAlways, kAlways, kAlways,
      kAlways, kAlways, kAlways, kAlways, kAlways, kAlways, kAlways, kAlways | kColon,
      kAlways, kAlways | kSpace6, kAlways, kAlways | kDash | kSpace5, kAlways, kAlways, kAlways, kAlways,
      kAlways, kAlways, kAlways, kAlways, kAlways, kAlways, kAlways, kAlways | kColon);
  const __m256i c1_high = _mm256_setr_epi8(
      kAlways, kAlways, kAlways | kColon, kAlways, kAlways | kSpace6, kAlways, kAlways | kDash | kSpace6, kAlways,
      kAlways, kAlways, kAlways, kAlways, kAlways | kSpace5, kAlways, kAlways, kAlways,
      kAlways, kAlways, kAlways | kColon, kAlways, kAlways | kSpace6, kAlways, kAlways | kDash | kSpace6, kAlways,
      kAlways, kAlways, kAlways, kAlways, kAlways | kSpace5, kAlways, kAlways, kAlways);
  const __m256i nibble = _mm256_set1_epi8(0x0F);
  const __m256i one_byte_classes = _mm256_set1_epi8(kAt | kBrace | kParen | kDash | kColon | kSpace5);
  const __m256i case_bit = _mm256_set1_epi8(0x20);
  // Letters: (c | 0x20) + 0x1F takes 'a'..'z' to 0x80..0x99, the 26 least
  // signed bytes, and nothing else there (one signed compare).
  const __m256i letter_shift = _mm256_set1_epi8(0x80 - 'a');
  const __m256i after_z = _mm256_set1_epi8(-128 + 26);
  struct Masks {
    std::uint64_t word, special, digit;
  };
  // 32 bytes at q: bit i of each mask describes q[i].
  auto half = [&](const unsigned char* q) {
    const __m256i c0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q));
    const __m256i c1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + 1));
    const __m256i c2 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + 2));
    const __m256i c3 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + 3));
    // vpshufb gives 0 for an index byte >= 0x80: c0's bytes as they are,
    // c1's low nibble masked (C3 must be looked up).
    const __m256i k0 = _mm256_and_si256(_mm256_shuffle_epi8(c0_low, c0),
                                        _mm256_shuffle_epi8(c0_high, _mm256_and_si256(_mm256_srli_epi16(c0, 4), nibble)));
    const __m256i k1 = _mm256_and_si256(_mm256_shuffle_epi8(c1_low, _mm256_and_si256(c1, nibble)),
                                        _mm256_shuffle_epi8(c1_high, _mm256_and_si256(_mm256_srli_epi16(c1, 4), nibble)));
    const __m256i x = _mm256_and_si256(k0, k1);
    const std::uint64_t digits = Bits(x);  // bit 7
    const std::uint64_t none = Bits(Eq(_mm256_and_si256(x, one_byte_classes), 0));
    const std::uint64_t space_a = Bits(_mm256_add_epi8(x, x));  // bit 6, moved to bit 7
    const std::uint64_t t = Bits(Eq(_mm256_or_si256(c2, case_bit), 't'));
    const std::uint64_t space = Bits(Eq(c3, ' '));
    const std::uint64_t letters =
        Bits(_mm256_cmpgt_epi8(after_z, _mm256_add_epi8(_mm256_or_si256(c0, case_bit), letter_shift)));
    const std::uint64_t high = Bits(c0);  // bytes >= 0x80
    return Masks{digits | letters | high, (~none & 0xFFFFFFFFu) | (space_a & t & space), digits};
  };
  for (std::size_t b = 0; b < blocks; ++b, p += 64) {
    const Masks lo = half(p), hi = half(p + 32);
    word[b] = lo.word | hi.word << 32;
    special[b] = lo.special | hi.special << 32;
    digit[b] = lo.digit | hi.digit << 32;
  }
}

}  // namespace leakmon::byte_masks::internal
