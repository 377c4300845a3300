#include "matcher/keyed_hash.h"

#include <catch2/catch.hpp>
#include <cstring>
#include <openssl/hmac.h>

#include "common/sha256.h"

using leakmon::KeyedHasher;
using leakmon::SecretKey;

namespace {
// The fixed test key 00 01 02 ... 1f.
SecretKey TestKey() {
  return *SecretKey::Parse("leakmon-key v1 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n");
}

std::string Hmac(const std::string& key, const std::string& msg) {
  unsigned char out[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(msg.data()),
       msg.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}
}  // namespace

TEST_CASE("Known answers of the exact keyed hash (unchanged since scheme hmac-sha256-v1)") {
  // Computed independently with Python's hmac module:
  //   kid = hmac.new(bytes(range(32)), b"leakmon/v1/identifier", sha256).digest()
  //   hmac.new(kid, value.encode(), sha256).hexdigest()
  KeyedHasher h(TestKey());
  CHECK(leakmon::HexEncode(h.Hash("matti.virtanen@example.fi")) ==
        "393913fd138014785778dc3f232eed70d59fa4f2529bc5e68a66260a1d78416a");
  CHECK(leakmon::HexEncode(h.Hash("liisa mäkinen")) ==
        "b4d96b288ef489a3b5e009d56a01c5483af57a66923deff4be1100a559128296");
  CHECK(h.fingerprint() == "888b857dd7157c61");
}

TEST_CASE("Precomputed-state HMAC equals OpenSSL's one-shot HMAC") {
  SecretKey key = TestKey();
  KeyedHasher h(key);
  std::string raw_key(reinterpret_cast<const char*>(key.bytes().data()), key.bytes().size());
  std::string kid = Hmac(raw_key, "leakmon/v1/identifier");
  auto msg = GENERATE(as<std::string>{}, "", "a", std::string(63, 'x'), std::string(64, 'y'), std::string(1000, 'z'));
  leakmon::Digest d = h.Hash(msg);
  CHECK(std::string(reinterpret_cast<const char*>(d.data()), d.size()) == Hmac(kid, msg));
}

TEST_CASE("Different keys give different hashes and fingerprints") {
  auto a = SecretKey::Generate();
  auto b = SecretKey::Generate();
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  KeyedHasher ha(*a), hb(*b);
  CHECK(ha.Hash("x") != hb.Hash("x"));
  CHECK(ha.fingerprint() != hb.fingerprint());
}

TEST_CASE("Key files round-trip and malformed keys are refused without echo") {
  auto k = SecretKey::Generate();
  REQUIRE(k.ok());
  auto back = SecretKey::Parse(k->Serialize());
  REQUIRE(back.ok());
  CHECK(back->bytes() == k->bytes());
  for (const std::string bad : {"", "leakmon-key v1 zz", "leakmon-key v1 0011", "something else entirely"}) {
    auto r = SecretKey::Parse(bad);
    REQUIRE_FALSE(r.ok());
    if (!bad.empty()) CHECK(r.status().message().find(bad) == std::string::npos);
  }
}

TEST_CASE("First-stage tags follow the documented subkey derivation (docs/matcher.md)") {
  SecretKey key = TestKey();
  KeyedHasher h(key);
  std::string raw_key(reinterpret_cast<const char*>(key.bytes().data()), key.bytes().size());
  auto subkey = [&](const std::string& label) {
    std::string d = Hmac(raw_key, label);
    leakmon::SipKey k;
    std::memcpy(&k.k0, d.data(), 8);
    std::memcpy(&k.k1, d.data() + 8, 8);
    return k;
  };
  CHECK(h.Tag(leakmon::Kind::kEmail, "a@example.fi") ==
        leakmon::SipHash<2, 4>(subkey("leakmon/v2/tag/email"), "a@example.fi"));
  CHECK(h.Tag(leakmon::Kind::kPhone, "+358401234567") ==
        leakmon::SipHash<2, 4>(subkey("leakmon/v2/tag/phone"), "+358401234567"));
  CHECK(h.Tag(leakmon::Kind::kEmail, "x") != h.Tag(leakmon::Kind::kEmailDomain, "x"));  // per-kind subkeys
  CHECK(h.WordTag("matti") == leakmon::SipHash<2, 4>(subkey("leakmon/v2/word"), "matti"));
  CHECK(h.VocabTag("matti") == leakmon::SipHash<1, 3>(subkey("leakmon/v2/vocab"), "matti"));
  // n-gram tags are ordered: "matti virtanen" and "virtanen matti" differ.
  std::uint64_t m = h.WordTag("matti"), v = h.WordTag("virtanen");
  CHECK(KeyedHasher::GramTag(KeyedHasher::Extend(m, v), 2) != KeyedHasher::GramTag(KeyedHasher::Extend(v, m), 2));
  CHECK(KeyedHasher::GramTag(m, 1) != KeyedHasher::GramTag(m, 2));
}
