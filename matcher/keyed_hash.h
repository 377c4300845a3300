// Keyed hashing of canonical identifiers (scheme "hmac-sha256-v1").
//
//   K_id        = HMAC-SHA256(key, "leakmon/v1/identifier")
//   hash(c)     = HMAC-SHA256(K_id, c)        c: the canonical form (canonical.h)
//   fingerprint = hex(HMAC-SHA256(key, "leakmon/v1/fingerprint")[0..8])
//
// The fingerprint identifies the key in the identifier file header, so a
// scanner given the wrong key stops instead of silently finding nothing. It
// reveals nothing usable about the key.
//
// Hash() reuses precomputed inner and outer SHA-256 states (RFC 2104), so a
// short token costs two compressions plus a struct copy instead of a full
// HMAC set-up. Thread-safe: all methods are const.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "matcher/secret_key.h"

namespace leakmon {

using Digest = std::array<std::uint8_t, 32>;

inline constexpr std::string_view kHashScheme = "hmac-sha256-v1";

class KeyedHasher {
 public:
  explicit KeyedHasher(const SecretKey& key);
  ~KeyedHasher();
  KeyedHasher(const KeyedHasher&) = delete;
  KeyedHasher& operator=(const KeyedHasher&) = delete;

  Digest Hash(std::string_view canonical) const;

  // 16 hex digits.
  const std::string& fingerprint() const { return fingerprint_; }

 private:
  struct State;  // precomputed SHA-256 contexts
  std::unique_ptr<State> state_;
  std::string fingerprint_;
};

}  // namespace leakmon
