// The scanner: finds the organization's identifiers in a page's text.
//
// Text in, matches out; no I/O. The text is first decoded and normalized
// (scan_text.h: HTML entities, percent and JSON escapes, NFKC, zero-width
// characters dropped). Then one linear pass per family finds candidates,
// each canonicalized with the same functions hash-ids used (canonical.h):
//   - emails around "@" and its obfuscations ([at] (at) {at} [ät], " at "
//     and " ät " when the result is a valid address; [dot] (dot) {dot}
//     [piste], " dot " and " piste " between domain labels), Cloudflare's
//     data-cfemail / email-protection#; each also probed without its +tag;
//     their domains and parent domains, and the hosts of URLs, for
//     email_domain;
//   - digit runs joined by spaces, - . / ( ) +: phones (E.164 guesses,
//     confirmed by libphonenumber), HETU, personnummer, fødselsnummer and
//     card numbers; IBANs from two letters and two digits on;
//   - names and terms: word n-grams (up to the set's max_words) over runs of
//     words in the identifiers' vocabulary; names in every rotation, and
//     their diacritic-folded variant as a weaker match.
// Each candidate costs a 64-bit keyed tag and a lookup; the full HMAC runs
// only on a tag hit and must equal the identifier's hash (keyed_hash.h).
// Words inside an email address are not also matched as names.
//
// A Match names the identifier and how often it occurred; it holds no text
// and no offsets. Build once, scan many pages; Scan() is const and
// thread-safe. The hasher and the set must outlive the scanner.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "matcher/identifier_set.h"
#include "matcher/keyed_hash.h"
#include "matcher/phone.h"
#include "matcher/severity.h"

namespace leakmon {

struct Match {
  std::uint32_t id;      // index into the IdentifierSet
  std::uint32_t count;   // occurrences in the scanned text
  // kFolded when every occurrence matched only the weaker folded variant.
  Strength strength = Strength::kExact;
};

struct ScanOptions {
  // Bytes of text scanned; the rest is ignored (callers record truncation).
  std::size_t max_text_bytes = 64 * 1024 * 1024;
  // Region for phone numbers written without a country code.
  std::string default_region = "FI";
};

class Scanner {
 public:
  // Fails when libphonenumber does not know options.default_region.
  static Result<std::unique_ptr<Scanner>> Create(const KeyedHasher& hasher, const IdentifierSet& ids,
                                                 ScanOptions options = {});
  ~Scanner();
  Scanner(const Scanner&) = delete;
  Scanner& operator=(const Scanner&) = delete;

  // Matches sorted by id, one per identifier found.
  std::vector<Match> Scan(std::string_view text) const;

 private:
  struct Pass;  // one Scan() call's state
  Scanner(const KeyedHasher& hasher, const IdentifierSet& ids, ScanOptions options, PhoneCanonicalizer phone);
  const KeyedHasher& hasher_;
  const IdentifierSet& ids_;
  ScanOptions options_;
  PhoneCanonicalizer phone_;
};

}  // namespace leakmon
