// SipHash (Aumasson and Bernstein, 2012): a keyed 64-bit PRF for short
// inputs. Header-only so the scanner's per-word calls inline.
//
// SipHash<2, 4> is SipHash-2-4, the reference parameters; SipHash<1, 3> is
// the faster variant used for hash tables (Rust's HashMap). Verified against
// the reference test vectors in tests/matcher/siphash_test.cpp.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace leakmon {

struct SipKey {
  std::uint64_t k0 = 0;
  std::uint64_t k1 = 0;
};

namespace siphash_internal {

inline std::uint64_t Rotl(std::uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

struct State {
  std::uint64_t v0, v1, v2, v3;
  explicit State(const SipKey& key)
      : v0(key.k0 ^ 0x736f6d6570736575ULL), v1(key.k1 ^ 0x646f72616e646f6dULL),
        v2(key.k0 ^ 0x6c7967656e657261ULL), v3(key.k1 ^ 0x7465646279746573ULL) {}
  void Round() {
    v0 += v1; v1 = Rotl(v1, 13); v1 ^= v0; v0 = Rotl(v0, 32);
    v2 += v3; v3 = Rotl(v3, 16); v3 ^= v2;
    v0 += v3; v3 = Rotl(v3, 21); v3 ^= v0;
    v2 += v1; v1 = Rotl(v1, 17); v1 ^= v2; v2 = Rotl(v2, 32);
  }
  template <int C>
  void Compress(std::uint64_t m) {
    v3 ^= m;
    for (int i = 0; i < C; ++i) Round();
    v0 ^= m;
  }
  // The last block `b` (the tail and the length byte), then finalization.
  template <int C, int D>
  std::uint64_t Finish(std::uint64_t b) {
    Compress<C>(b);
    v2 ^= 0xff;
    for (int i = 0; i < D; ++i) Round();
    return v0 ^ v1 ^ v2 ^ v3;
  }
};

inline std::uint64_t Load64(const unsigned char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);  // little-endian hosts (x86-64, arm64)
  return v;
}

inline std::uint64_t Load32(const unsigned char* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// The last r = 0..7 bytes of a message, at p, as a little-endian number.
// Two overlapping loads (4..7 bytes) or three single bytes (1..3: first,
// middle, last) instead of a switch on r: that switch was an indirect
// jump, mispredicted at nearly every short word the scanner hashed.
// Reads only [p, p + r).
inline std::uint64_t LoadTail(const unsigned char* p, std::size_t r) {
  if (r >= 4) return Load32(p) | Load32(p + r - 4) << (8 * (r - 4));
  if (r == 0) return 0;
  return std::uint64_t{p[0]} | std::uint64_t{p[r >> 1]} << (8 * (r >> 1)) | std::uint64_t{p[r - 1]} << (8 * (r - 1));
}

}  // namespace siphash_internal

template <int C, int D>
std::uint64_t SipHash(const SipKey& key, std::string_view data) {
  siphash_internal::State s(key);
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  const std::size_t n = data.size();
  const unsigned char* end = p + (n & ~std::size_t{7});
  for (; p != end; p += 8) s.Compress<C>(siphash_internal::Load64(p));
  return s.Finish<C, D>(static_cast<std::uint64_t>(n) << 56 | siphash_internal::LoadTail(p, n & 7));
}

// SipHash of a message of at most 15 bytes that is followed by zero bytes
// up to 16 bytes from its start (as WordSplitter's words are, unicode.h):
// the same value as SipHash, with two plain loads and no tail handling,
// because the zero bytes are what the tail's unused bytes must be.
template <int C, int D>
std::uint64_t SipHashZeroPadded16(const SipKey& key, std::string_view data) {
  siphash_internal::State s(key);
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  const std::uint64_t length = static_cast<std::uint64_t>(data.size()) << 56;
  if (data.size() < 8) return s.Finish<C, D>(length | siphash_internal::Load64(p));
  s.Compress<C>(siphash_internal::Load64(p));
  return s.Finish<C, D>(length | siphash_internal::Load64(p + 8));
}

}  // namespace leakmon
