// The fixed secret key every fuzz target hashes with, so that committed seed
// corpora (identifier files carry the key fingerprint) stay valid, and the
// phone canonicalizer for region FI.
#pragma once

#include "matcher/keyed_hash.h"
#include "matcher/phone.h"
#include "matcher/secret_key.h"

namespace leakmon::fuzz {

inline const KeyedHasher& FuzzHasher() {
  static const KeyedHasher* hasher = new KeyedHasher(
      *SecretKey::Parse("leakmon-key v1 f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f\n"));
  return *hasher;
}

inline const PhoneCanonicalizer& FuzzPhone() {
  static const PhoneCanonicalizer* phone = new PhoneCanonicalizer(*PhoneCanonicalizer::Create("FI"));
  return *phone;
}

}  // namespace leakmon::fuzz
