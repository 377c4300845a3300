// SHA-256 of content, the evidence leakmon keeps instead of the content.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace leakmon {

using Sha256Digest = std::array<std::uint8_t, 32>;

Sha256Digest Sha256(std::string_view data);

// Lowercase hex of `data`.
std::string HexEncode(const std::uint8_t* data, std::size_t len);
template <std::size_t N>
std::string HexEncode(const std::array<std::uint8_t, N>& a) {
  return HexEncode(a.data(), N);
}

// Decodes lowercase or uppercase hex into `out`; false on odd length or a
// non-hex character.
bool HexDecode(std::string_view hex, std::string* out);

}  // namespace leakmon
