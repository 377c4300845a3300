// Short-piece lowercasing 16 bytes at a time, for the word splitter
// (unicode.h; whole-text bitmaps are in byte_masks.h). SSE2, which every
// x86-64 CPU has; a scalar fallback elsewhere. Internal to matcher/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace leakmon::byte_scan {

// A short piece of word bytes (unicode.h): `len` (at most 16) bytes at p,
// all ASCII letters and digits or Latin-1 letters (C3 80-BF other than
// C3 97, C3 B7 and C3 9F). Writes them lowercased, zero-padded to 16 bytes,
// to out and returns true; returns false for any other piece. ASCII letters
// and digits lowercase as c | 0x20, and so do the Latin-1 letters' second
// bytes (C3 80-9E to C3 A0-BE; A0-BF already have the bit). Reads 16 bytes
// at p. LowerShortPiecePortable is the plain definition (tests compare).
inline bool LowerShortPiecePortable(const unsigned char* p, std::size_t len, unsigned char* out) {
  for (std::size_t k = 0; k < 16; ++k) out[k] = 0;
  for (std::size_t k = 0; k < len; ++k) {
    const unsigned char c = p[k];
    if (c < 0x80) {
      out[k] = static_cast<unsigned char>(c | 0x20);
    } else if (c == 0xC3 && k + 1 < len && p[k + 1] >= 0x80 && p[k + 1] <= 0xBF && p[k + 1] != 0x97 &&
               p[k + 1] != 0xB7 && p[k + 1] != 0x9F) {
      out[k] = c;
      out[k + 1] = static_cast<unsigned char>(p[k + 1] | 0x20);
      ++k;
    } else {
      return false;
    }
  }
  return true;
}

inline bool LowerShortPiece(const unsigned char* p, std::size_t len, unsigned char* out) {
#if defined(__SSE2__)
  static constexpr unsigned char kOnes[32] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                              0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
  const __m128i keep = _mm_loadu_si128(reinterpret_cast<const __m128i*>(kOnes + 16 - len));
  const __m128i v = _mm_and_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), keep);
  const auto high = static_cast<unsigned>(_mm_movemask_epi8(v));
  if (high == 0) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm_or_si128(v, _mm_and_si128(keep, _mm_set1_epi8(0x20))));
    return true;
  }
  const __m128i lead = _mm_cmpeq_epi8(v, _mm_set1_epi8(static_cast<char>(0xC3)));
  const auto leads = static_cast<unsigned>(_mm_movemask_epi8(lead));
  // Every other high byte is a second byte 80-BF right after a C3, and not
  // 97, B7 or 9F (the symbols and sharp s, which the general path handles).
  const __m128i second_ok = _mm_cmplt_epi8(v, _mm_set1_epi8(static_cast<char>(0xC0)));
  const __m128i excluded = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(static_cast<char>(0x97))),
                                                     _mm_cmpeq_epi8(v, _mm_set1_epi8(static_cast<char>(0xB7)))),
                                        _mm_cmpeq_epi8(v, _mm_set1_epi8(static_cast<char>(0x9F))));
  const unsigned seconds = high & ~leads;
  if (seconds != (leads << 1) || (seconds & ~static_cast<unsigned>(_mm_movemask_epi8(second_ok))) != 0 ||
      (seconds & static_cast<unsigned>(_mm_movemask_epi8(excluded))) != 0) {
    return false;
  }
  const __m128i bit = _mm_andnot_si128(lead, _mm_and_si128(keep, _mm_set1_epi8(0x20)));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm_or_si128(v, bit));
  return true;
#else
  return LowerShortPiecePortable(p, len, out);
#endif
}

}  // namespace leakmon::byte_scan
