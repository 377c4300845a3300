// The organization's secret key: 256 random bits that turn identifiers into
// keyed hashes. Whoever holds the key and the identifier file can test
// guesses against it, so the key file is kept mode 0600 and never printed.
//
// Key file format: one line, "leakmon-key v1 <64 lowercase hex digits>\n".
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace leakmon {

class SecretKey {
 public:
  static constexpr std::size_t kBytes = 32;

  // 256 bits from OpenSSL's CSPRNG. Fails only if the CSPRNG does.
  static Result<SecretKey> Generate();

  // Parses the key file text. Errors never quote the text.
  static Result<SecretKey> Parse(std::string_view file_text);

  SecretKey(const SecretKey&) = default;
  SecretKey& operator=(const SecretKey&) = default;
  ~SecretKey();  // wipes the bytes

  // The key file text for this key.
  std::string Serialize() const;

  const std::array<std::uint8_t, kBytes>& bytes() const { return bytes_; }

 private:
  SecretKey() = default;
  std::array<std::uint8_t, kBytes> bytes_{};
};

}  // namespace leakmon
