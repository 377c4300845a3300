#include "matcher/keyed_hash.h"

// The SHA256_CTX functions are deprecated in OpenSSL 3 in favour of EVP, but
// EVP cannot copy a keyed state as cheaply as a struct copy. They remain
// supported throughout OpenSSL 3.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <cstring>

#include "common/sha256.h"

namespace leakmon {
namespace {

Digest OneShotHmac(const std::uint8_t* key, std::size_t key_len, std::string_view msg) {
  Digest out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key, static_cast<int>(key_len), reinterpret_cast<const unsigned char*>(msg.data()),
       msg.size(), out.data(), &len);
  return out;
}

SipKey DeriveSipKey(const SecretKey& key, std::string_view label) {
  Digest d = OneShotHmac(key.bytes().data(), key.bytes().size(), label);
  SipKey k;
  std::memcpy(&k.k0, d.data(), 8);
  std::memcpy(&k.k1, d.data() + 8, 8);
  OPENSSL_cleanse(d.data(), d.size());
  return k;
}

}  // namespace

struct KeyedHasher::State {
  SHA256_CTX inner;  // after absorbing K_id ^ ipad
  SHA256_CTX outer;  // after absorbing K_id ^ opad
};

KeyedHasher::KeyedHasher(const SecretKey& key) : state_(std::make_unique<State>()) {
  Digest k_id = OneShotHmac(key.bytes().data(), key.bytes().size(), "leakmon/v1/identifier");
  Digest fp = OneShotHmac(key.bytes().data(), key.bytes().size(), "leakmon/v1/fingerprint");
  fingerprint_ = HexEncode(fp.data(), 8);
  for (Kind kind : kAllKinds) {
    tag_keys_[static_cast<std::size_t>(kind)] = DeriveSipKey(key, "leakmon/v2/tag/" + std::string(KindName(kind)));
  }
  word_key_ = DeriveSipKey(key, "leakmon/v2/word");
  vocab_key_ = DeriveSipKey(key, "leakmon/v2/vocab");

  unsigned char ipad[SHA256_CBLOCK], opad[SHA256_CBLOCK];
  std::memset(ipad, 0x36, sizeof ipad);
  std::memset(opad, 0x5c, sizeof opad);
  for (std::size_t i = 0; i < k_id.size(); ++i) {
    ipad[i] ^= k_id[i];
    opad[i] ^= k_id[i];
  }
  SHA256_Init(&state_->inner);
  SHA256_Update(&state_->inner, ipad, sizeof ipad);
  SHA256_Init(&state_->outer);
  SHA256_Update(&state_->outer, opad, sizeof opad);
  OPENSSL_cleanse(ipad, sizeof ipad);
  OPENSSL_cleanse(opad, sizeof opad);
  OPENSSL_cleanse(k_id.data(), k_id.size());
}

KeyedHasher::~KeyedHasher() {
  OPENSSL_cleanse(state_.get(), sizeof *state_);
  OPENSSL_cleanse(tag_keys_.data(), sizeof tag_keys_);
  OPENSSL_cleanse(&word_key_, sizeof word_key_);
  OPENSSL_cleanse(&vocab_key_, sizeof vocab_key_);
}

Digest KeyedHasher::Hash(std::string_view canonical) const {
  SHA256_CTX ctx = state_->inner;
  SHA256_Update(&ctx, canonical.data(), canonical.size());
  unsigned char inner[SHA256_DIGEST_LENGTH];
  SHA256_Final(inner, &ctx);
  ctx = state_->outer;
  SHA256_Update(&ctx, inner, sizeof inner);
  Digest out;
  SHA256_Final(out.data(), &ctx);
  return out;
}

}  // namespace leakmon
