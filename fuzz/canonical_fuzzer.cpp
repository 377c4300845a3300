// Fuzzes every canonicalizer (matcher/canonical.h: email, email_domain,
// phone, national_id, iban, payment_card, name, term), keyed hashing of
// each (HashIdentifier), the phone guesses the scanner makes, and the
// Unicode helpers under them. Checks what matching depends on:
//   - canonicalization is idempotent: a canonical form found verbatim in a
//     page canonicalizes to itself, or hash-ids and the scanner would never
//     meet;
//   - HashIdentifier hashes exactly the canonical form, and refuses nothing
//     Canonicalize accepts but names and terms longer than it supports;
//   - an error never quotes the value (it may be personal data);
//   - the Unicode helpers always return valid UTF-8 without NUL.
#include <algorithm>
#include <fuzzer/FuzzedDataProvider.h>

#include "fuzz/fuzz_check.h"
#include "fuzz/fuzz_key.h"
#include "matcher/canonical.h"
#include "matcher/unicode.h"

namespace {

bool ValidUtf8WithoutNul(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == 0) return false;
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    std::uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (std::size_t k = 1; k < n; ++k) {
      auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace leakmon;
  FuzzedDataProvider in(data, size);
  const Kind kind = in.PickValueInArray(kAllKinds);
  const std::string value = in.ConsumeRemainingBytesAsString();

  for (const std::string& s : {RepairUtf8(value), Nfkc(value), NfkcCasefold(value), Lowercase(RepairUtf8(value))}) {
    FUZZ_CHECK(ValidUtf8WithoutNul(s));
  }
  std::string storage;
  for (std::string_view w : CanonicalWords(value, &storage)) FUZZ_CHECK(!w.empty());

  CanonicalOptions options;
  options.phone = &fuzz::FuzzPhone();

  std::string digits;
  for (char c : value) {
    if (c >= '0' && c <= '9' && digits.size() < 20) digits.push_back(c);
  }
  std::string guesses[2];
  int n = fuzz::FuzzPhone().Guesses(digits, !value.empty() && value[0] == '+', guesses);
  FUZZ_CHECK(n >= 0 && n <= 2);

  Result<std::string> canon = Canonicalize(kind, value, options);
  Result<HashedIdentifier> hashed = HashIdentifier(kind, value, fuzz::FuzzHasher(), options);
  // hash-ids hashes what it canonicalizes; it only refuses names and terms
  // of more than 8 words, which the scanner never looks for.
  if (hashed.ok()) FUZZ_CHECK(canon.ok() && hashed->hash == fuzz::FuzzHasher().Hash(*canon));
  if (canon.ok() && !hashed.ok()) {
    FUZZ_CHECK(IsWordKind(kind) && std::count(canon->begin(), canon->end(), ' ') >= 8);
  }
  if (!canon.ok()) {
    // Only values the fixed texts of the messages cannot contain by chance.
    // Their only non-ASCII bytes are C3 B8, the "ø" of "fødselsnummer", so
    // neither byte counts, whole or alone (found by fuzzing: the values
    // "Norwegian fødselsnummer" and "... a Norwegian f\xc3").
    bool distinctive = value.find_first_of("#$%&*=?^`{|}~\x01") != std::string::npos ||
                       std::any_of(value.begin(), value.end(), [](char c) {
                         const auto b = static_cast<unsigned char>(c);
                         return b >= 0x80 && b != 0xc3 && b != 0xb8;
                       });
    if (distinctive && value.size() >= 4) FUZZ_CHECK(canon.status().message().find(value) == std::string::npos);
    return 0;
  }
  FUZZ_CHECK(!canon->empty());
  FUZZ_CHECK(ValidUtf8WithoutNul(*canon));
  Result<std::string> again = Canonicalize(kind, *canon, options);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(*again == *canon);
  return 0;
}
