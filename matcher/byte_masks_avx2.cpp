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

void SpecialAndDigitBlocksAvx2(const unsigned char* p, std::size_t blocks, std::uint64_t* special,
                               std::uint64_t* digit) {
  for (std::size_t b = 0; b < blocks; ++b, p += 64) {
    std::uint64_t s = 0, d = 0;
    for (int h = 0; h < 2; ++h) {
      const unsigned char* q = p + 32 * h;
      const __m256i c0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q));
      const __m256i c1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + 1));
      const __m256i c2 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + 2));
      const __m256i c3 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + 3));
      const __m256i case_bit = _mm256_set1_epi8(0x20);
      __m256i m = _mm256_or_si256(_mm256_or_si256(Eq(c0, '@'), Eq(c0, '[')), _mm256_or_si256(Eq(c0, '('), Eq(c0, '{')));
      m = _mm256_or_si256(m, Eq(c0, '#'));
      m = _mm256_or_si256(m, _mm256_and_si256(Eq(c0, '-'), Eq(c1, 'c')));
      m = _mm256_or_si256(m, _mm256_and_si256(Eq(c0, ':'), Eq(c1, '/')));
      const __m256i at = _mm256_and_si256(
          _mm256_and_si256(Eq(_mm256_or_si256(c1, case_bit), 'a'), Eq(_mm256_or_si256(c2, case_bit), 't')), Eq(c3, ' '));
      m = _mm256_or_si256(m, _mm256_and_si256(Eq(c0, ' '), _mm256_or_si256(Eq(c1, '\xC3'), at)));
      s |= Bits(m) << (32 * h);
      d |= Bits(InRange(c0, '0', '9')) << (32 * h);
    }
    special[b] = s;
    digit[b] = d;
  }
}

}  // namespace leakmon::byte_masks::internal
