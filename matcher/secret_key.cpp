#include "matcher/secret_key.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "common/sha256.h"

namespace leakmon {
namespace {
constexpr std::string_view kPrefix = "leakmon-key v1 ";
}  // namespace

Result<SecretKey> SecretKey::Generate() {
  SecretKey k;
  if (RAND_bytes(k.bytes_.data(), static_cast<int>(k.bytes_.size())) != 1) {
    return Status::Internal("OpenSSL RAND_bytes failed");
  }
  return k;
}

Result<SecretKey> SecretKey::Parse(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  if (text.substr(0, kPrefix.size()) != kPrefix) {
    return Status::InvalidArgument("not a leakmon key file (expected a line starting \"leakmon-key v1\")");
  }
  text.remove_prefix(kPrefix.size());
  std::string raw;
  if (text.size() != 2 * kBytes || !HexDecode(text, &raw)) {
    return Status::InvalidArgument("malformed key: expected 64 hex digits");
  }
  SecretKey k;
  for (std::size_t i = 0; i < kBytes; ++i) k.bytes_[i] = static_cast<std::uint8_t>(raw[i]);
  OPENSSL_cleanse(raw.data(), raw.size());
  return k;
}

SecretKey::~SecretKey() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

std::string SecretKey::Serialize() const {
  return std::string(kPrefix) + HexEncode(bytes_) + "\n";
}

}  // namespace leakmon
