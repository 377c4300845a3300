// Canonical forms of identifiers: one function per kind, called both by
// `leakmon hash-ids` (on the organization's list) and by the scanner (on
// candidates found in pages). Two spellings of one identifier must map to
// the same canonical string, or the keyed hashes will not meet.
//
//   email, email_domain  email.h
//   phone                phone.h (libphonenumber, E.164)
//   national_id          national_id.h (HETU, personnummer, fødselsnummer)
//   iban, payment_card   bank.h
//   name, term           NFKC + case folding; the canonical words
//                        (unicode.h) joined by one space
//
// Failures are kInvalidArgument with a reason that never quotes the value,
// since the value may be personal data: "not an email address".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "matcher/email.h"
#include "matcher/keyed_hash.h"
#include "matcher/kind.h"
#include "matcher/phone.h"

namespace leakmon {

// name, term: the canonical words joined by one space. Fails when no word
// is left.
Result<std::string> CanonicalizeWords(std::string_view value);

struct CanonicalOptions {
  // Reads phone numbers without a country code; required for kind phone.
  const PhoneCanonicalizer* phone = nullptr;
};

// Dispatches on `kind`.
Result<std::string> Canonicalize(Kind kind, std::string_view value, const CanonicalOptions& options = {});

// Everything the identifier file holds for one identifier: its exact hash and
// first-stage tags, and for names the folded variant's.
struct HashedIdentifier {
  Kind kind;
  Digest hash;
  std::vector<std::uint64_t> tags;  // one per word rotation for names; one otherwise
  std::optional<Digest> folded_hash;
  std::vector<std::uint64_t> folded_tags;
  std::vector<std::string> words;   // canonical words (and folded ones) for the vocabulary
  std::size_t word_count = 0;       // words in the canonical form (word kinds)
  bool temporary_national_id = false;
};

// Canonicalizes `value` and hashes every form the scanner looks for:
//   name   every rotation of its words ("matti virtanen", "virtanen matti";
//          for three words also the two other rotations), and the same for
//          its diacritic-folded variant when that differs;
//   term   its words in order;
//   others the one canonical form.
Result<HashedIdentifier> HashIdentifier(Kind kind, std::string_view value, const KeyedHasher& hasher,
                                        const CanonicalOptions& options = {});

// The tag of a word sequence given its words' WordTag()s, rotated left by
// `rotation`: the scanner's n-gram tag and hash-ids' name tags, one function.
std::uint64_t GramTagOf(const std::uint64_t* word_tags, std::size_t n, std::size_t rotation = 0);

}  // namespace leakmon
