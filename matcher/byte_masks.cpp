#include "matcher/byte_masks.h"

#include <atomic>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace leakmon::byte_masks {
namespace {

// The plain definitions, one byte at a time.
void WordBlocksPortable(const unsigned char* p, std::size_t blocks, std::uint64_t* out) {
  for (std::size_t b = 0; b < blocks; ++b, p += 64) {
    std::uint64_t m = 0;
    for (int k = 0; k < 64; ++k) {
      const unsigned char c = p[k], l = c | 0x20;
      if (c >= 0x80 || (c >= '0' && c <= '9') || (l >= 'a' && l <= 'z')) m |= std::uint64_t{1} << k;
    }
    out[b] = m;
  }
}

void SpecialAndDigitBlocksPortable(const unsigned char* p, std::size_t blocks, std::uint64_t* special,
                                   std::uint64_t* digit) {
  for (std::size_t b = 0; b < blocks; ++b, p += 64) {
    std::uint64_t s = 0, d = 0;
    for (int k = 0; k < 64; ++k) {
      const unsigned char* q = p + k;
      const unsigned char c = q[0];
      const bool sp = c == ' ';
      if (c == '@' || c == '[' || c == '(' || c == '{' || c == '#' || (c == '-' && q[1] == 'c') ||
          (c == ':' && q[1] == '/') || (sp && q[1] == 0xC3) ||
          (sp && (q[1] | 0x20) == 'a' && (q[2] | 0x20) == 't' && q[3] == ' ')) {
        s |= std::uint64_t{1} << k;
      }
      if (c >= '0' && c <= '9') d |= std::uint64_t{1} << k;
    }
    special[b] = s;
    digit[b] = d;
  }
}

void EscapeAndHighBlocksPortable(const unsigned char* p, std::size_t blocks, std::uint64_t* escape,
                                 std::uint64_t* high) {
  for (std::size_t b = 0; b < blocks; ++b, p += 64) {
    std::uint64_t e = 0, h = 0;
    for (int k = 0; k < 64; ++k) {
      const unsigned char c = p[k];
      if (c == '&' || c == '%' || c == '\\') e |= std::uint64_t{1} << k;
      if (c >= 0x80) h |= std::uint64_t{1} << k;
    }
    escape[b] = e;
    high[b] = h;
  }
}

#if defined(__SSE2__)
inline __m128i Eq(__m128i v, char c) { return _mm_cmpeq_epi8(v, _mm_set1_epi8(c)); }
inline __m128i InRange(__m128i v, char lo, char hi) {  // signed bytes: >= 0x80 is never in an ASCII range
  return _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(static_cast<char>(lo - 1))),
                       _mm_cmplt_epi8(v, _mm_set1_epi8(static_cast<char>(hi + 1))));
}
inline std::uint64_t Bits(__m128i m) { return static_cast<std::uint32_t>(_mm_movemask_epi8(m)); }

void WordBlocksSse2(const unsigned char* p, std::size_t blocks, std::uint64_t* out) {
  for (std::size_t b = 0; b < blocks; ++b, p += 64) {
    std::uint64_t m = 0;
    for (int k = 0; k < 4; ++k) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
      const __m128i word = _mm_or_si128(_mm_or_si128(InRange(v, '0', '9'), InRange(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 'z')),
                                        _mm_cmplt_epi8(v, _mm_setzero_si128()));
      m |= Bits(word) << (16 * k);
    }
    out[b] = m;
  }
}

void EscapeAndHighBlocksSse2(const unsigned char* p, std::size_t blocks, std::uint64_t* escape, std::uint64_t* high) {
  for (std::size_t b = 0; b < blocks; ++b, p += 64) {
    std::uint64_t e = 0, h = 0;
    for (int k = 0; k < 4; ++k) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
      e |= Bits(_mm_or_si128(_mm_or_si128(Eq(v, '&'), Eq(v, '%')), Eq(v, '\\'))) << (16 * k);
      h |= Bits(v) << (16 * k);
    }
    escape[b] = e;
    high[b] = h;
  }
}

void SpecialAndDigitBlocksSse2(const unsigned char* p, std::size_t blocks, std::uint64_t* special,
                               std::uint64_t* digit) {
  for (std::size_t b = 0; b < blocks; ++b, p += 64) {
    std::uint64_t s = 0, d = 0;
    for (int k = 0; k < 4; ++k) {
      const unsigned char* q = p + 16 * k;
      const __m128i c0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
      const __m128i c1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q + 1));
      const __m128i c2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q + 2));
      const __m128i c3 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q + 3));
      const __m128i case_bit = _mm_set1_epi8(0x20);
      __m128i m = _mm_or_si128(_mm_or_si128(Eq(c0, '@'), Eq(c0, '[')), _mm_or_si128(Eq(c0, '('), Eq(c0, '{')));
      m = _mm_or_si128(m, Eq(c0, '#'));
      m = _mm_or_si128(m, _mm_and_si128(Eq(c0, '-'), Eq(c1, 'c')));
      m = _mm_or_si128(m, _mm_and_si128(Eq(c0, ':'), Eq(c1, '/')));
      const __m128i at = _mm_and_si128(_mm_and_si128(Eq(_mm_or_si128(c1, case_bit), 'a'), Eq(_mm_or_si128(c2, case_bit), 't')),
                                       Eq(c3, ' '));
      m = _mm_or_si128(m, _mm_and_si128(Eq(c0, ' '), _mm_or_si128(Eq(c1, '\xC3'), at)));
      s |= Bits(m) << (16 * k);
      d |= Bits(InRange(c0, '0', '9')) << (16 * k);
    }
    special[b] = s;
    digit[b] = d;
  }
}
#endif

std::atomic<int> limit{static_cast<int>(Kernels::kAvx2)};

Kernels Best() {
#if defined(LEAKMON_HAVE_AVX2_KERNELS)
  static const bool avx2 = __builtin_cpu_supports("avx2");
  if (avx2) return Kernels::kAvx2;
#endif
#if defined(__SSE2__)
  return Kernels::kSse2;
#else
  return Kernels::kPortable;
#endif
}

void WordBlocks(Kernels k, const unsigned char* p, std::size_t blocks, std::uint64_t* out) {
  switch (k) {
#if defined(LEAKMON_HAVE_AVX2_KERNELS)
    case Kernels::kAvx2: return internal::WordBlocksAvx2(p, blocks, out);
#endif
#if defined(__SSE2__)
    case Kernels::kSse2: return WordBlocksSse2(p, blocks, out);
#endif
    default: return WordBlocksPortable(p, blocks, out);
  }
}

void EscapeAndHighBlocks(Kernels k, const unsigned char* p, std::size_t blocks, std::uint64_t* escape,
                         std::uint64_t* high) {
  switch (k) {
#if defined(LEAKMON_HAVE_AVX2_KERNELS)
    case Kernels::kAvx2: return internal::EscapeAndHighBlocksAvx2(p, blocks, escape, high);
#endif
#if defined(__SSE2__)
    case Kernels::kSse2: return EscapeAndHighBlocksSse2(p, blocks, escape, high);
#endif
    default: return EscapeAndHighBlocksPortable(p, blocks, escape, high);
  }
}

void WordSpecialAndDigitBlocks(Kernels k, const unsigned char* p, std::size_t blocks, std::uint64_t* word,
                               std::uint64_t* special, std::uint64_t* digit) {
  switch (k) {
#if defined(LEAKMON_HAVE_AVX2_KERNELS)
    case Kernels::kAvx2: return internal::WordSpecialAndDigitBlocksAvx2(p, blocks, word, special, digit);
#endif
#if defined(__SSE2__)
    case Kernels::kSse2:
      WordBlocksSse2(p, blocks, word);
      return SpecialAndDigitBlocksSse2(p, blocks, special, digit);
#endif
    default:
      WordBlocksPortable(p, blocks, word);
      return SpecialAndDigitBlocksPortable(p, blocks, special, digit);
  }
}

// The last bytes (fewer than a block, or a block without its look-ahead),
// zero-padded: NUL is in no class.
struct Tail {
  alignas(32) unsigned char bytes[64 * 2 + 32] = {};
};

}  // namespace

Kernels ActiveKernels() {
  const int best = static_cast<int>(Best());
  const int lim = limit.load(std::memory_order_relaxed);
  return static_cast<Kernels>(best > lim ? best : lim);
}

void internal::LimitKernelsForTesting(Kernels best) { limit.store(static_cast<int>(best), std::memory_order_relaxed); }

void WordBytes(std::string_view text, std::uint64_t* out) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t full = text.size() / 64;
  const Kernels k = ActiveKernels();
  WordBlocks(k, s, full, out);
  if (const std::size_t rest = text.size() - full * 64) {
    Tail tail;
    std::memcpy(tail.bytes, s + full * 64, rest);
    WordBlocks(k, tail.bytes, 1, out + full);
  }
}

void EscapeAndHighBytes(std::string_view text, std::uint64_t* escape, std::uint64_t* high) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t full = text.size() / 64;
  const Kernels k = ActiveKernels();
  EscapeAndHighBlocks(k, s, full, escape, high);
  if (const std::size_t rest = text.size() - full * 64) {
    Tail tail;
    std::memcpy(tail.bytes, s + full * 64, rest);
    EscapeAndHighBlocks(k, tail.bytes, 1, escape + full, high + full);
  }
}

void WordSpecialAndDigitBytes(std::string_view text, std::uint64_t* word, std::uint64_t* special,
                              std::uint64_t* digit) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t full = text.size() < 3 ? 0 : (text.size() - 3) / 64;  // each with 3 bytes to look ahead
  const Kernels k = ActiveKernels();
  WordSpecialAndDigitBlocks(k, s, full, word, special, digit);
  if (const std::size_t rest = text.size() - full * 64) {  // at most 66 bytes: two blocks
    Tail tail;
    std::memcpy(tail.bytes, s + full * 64, rest);
    WordSpecialAndDigitBlocks(k, tail.bytes, Words64(rest), word + full, special + full, digit + full);
  }
}

}  // namespace leakmon::byte_masks
