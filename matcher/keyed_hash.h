// Keyed hashing of canonical identifiers: scheme "hmac-sha256+siphash-v2".
// The full scheme is in docs/matcher.md; in short:
//
//   K_id          = HMAC-SHA256(key, "leakmon/v1/identifier")
//   hash(c)       = HMAC-SHA256(K_id, c)            c: a canonical form (canonical.h)
//   K_tag[kind]   = HMAC-SHA256(key, "leakmon/v2/tag/" + kind)[0..16]
//   K_word        = HMAC-SHA256(key, "leakmon/v2/word")[0..16]
//   K_vocab       = HMAC-SHA256(key, "leakmon/v2/vocab")[0..16]
//   tag(kind, c)  = SipHash-2-4(K_tag[kind], c)                 non-word kinds
//   word(w)       = SipHash-2-4(K_word, w)                       one canonical word
//   gram(w1..wn)  = Finish(Extend(...Extend(word(w1), word(w2))..., word(wn)), n)
//   vocab(w)      = SipHash-1-3(K_vocab, w)                      vocabulary filter
//   fingerprint   = hex(HMAC-SHA256(key, "leakmon/v1/fingerprint")[0..8])
//
// hash() is the identifier's exact keyed hash, reported in findings. The
// 64-bit tags are the scanner's first stage: a candidate is hashed with the
// full HMAC only when its tag is in the identifier set. Word n-gram tags are
// combined from per-word tags, so each word of a page is hashed once.
//
// The fingerprint identifies the key in the identifier file header, so a
// scanner given the wrong key stops instead of silently finding nothing.
// Thread-safe: all methods are const.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "matcher/kind.h"
#include "matcher/secret_key.h"
#include "matcher/siphash.h"

namespace leakmon {

using Digest = std::array<std::uint8_t, 32>;

inline constexpr std::string_view kHashScheme = "hmac-sha256+siphash-v2";

class KeyedHasher {
 public:
  explicit KeyedHasher(const SecretKey& key);
  ~KeyedHasher();
  KeyedHasher(const KeyedHasher&) = delete;
  KeyedHasher& operator=(const KeyedHasher&) = delete;

  // HMAC-SHA256(K_id, canonical): the exact keyed hash.
  Digest Hash(std::string_view canonical) const;

  // First-stage tag of a non-word kind's canonical form.
  std::uint64_t Tag(Kind kind, std::string_view canonical) const {
    return SipHash<2, 4>(tag_keys_[static_cast<std::size_t>(kind)], canonical);
  }
  // Tag of one canonical word (name/term n-grams are built from these).
  std::uint64_t WordTag(std::string_view word) const { return SipHash<2, 4>(word_key_, word); }
  // The vocabulary filter's tag of one canonical word.
  std::uint64_t VocabTag(std::string_view word) const { return SipHash<1, 3>(vocab_key_, word); }
  // The same for a word WordSplitter produced: its bytes are followed by
  // zero bytes up to 16 bytes from its start (unicode.h), which a short
  // word's hash reads as they are (siphash.h).
  std::uint64_t VocabTagOfSplitWord(std::string_view word) const {
    return word.size() < 16 ? SipHashZeroPadded16<1, 3>(vocab_key_, word) : VocabTag(word);
  }

  // Combining word tags into an n-gram tag: GramTag(Extend(Extend(w1, w2), w3), 3).
  static std::uint64_t Extend(std::uint64_t acc, std::uint64_t word_tag) {
    return (siphash_internal::Rotl(acc, 29) ^ word_tag) * 0x9E3779B97F4A7C15ULL;
  }
  static std::uint64_t GramTag(std::uint64_t acc, std::size_t words) {
    std::uint64_t h = acc ^ (static_cast<std::uint64_t>(words) * 0xC2B2AE3D27D4EB4FULL);
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDULL;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53ULL;
    h ^= h >> 33;
    return h;
  }

  // 16 hex digits.
  const std::string& fingerprint() const { return fingerprint_; }

 private:
  struct State;  // precomputed SHA-256 contexts
  std::unique_ptr<State> state_;
  std::array<SipKey, std::size(kAllKinds)> tag_keys_{};
  SipKey word_key_;
  SipKey vocab_key_;
  std::string fingerprint_;
};

}  // namespace leakmon
