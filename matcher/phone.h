// Phone numbers through libphonenumber: canonical E.164 ("+358401234567").
//
// A number written without a country code is read in the default region
// ([matcher] default_region). Only numbers libphonenumber calls valid
// (IsValidNumber) are canonical; errors never quote the value.
//
// The scanner does not run libphonenumber on every digit run (it costs
// microseconds, and its PhoneNumberMatcher is quadratic on large texts).
// Guesses() turns a candidate's digits into the E.164 strings
// libphonenumber would produce for the usual ways of writing a number (+CC,
// 00CC, trunk prefix, bare national number); the scanner looks these up
// cheaply and runs ParseE164() only on a hit, so the canonical form always
// comes from libphonenumber. A number written as "+" and its digits is
// already in E.164: on a hit its keyed hash is compared as it is, without a
// parse (the listed form it must equal is libphonenumber's E.164, which
// reads back as itself).
//
// Create once; const methods are thread-safe (libphonenumber's
// PhoneNumberUtil is).
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace leakmon {

class PhoneCanonicalizer {
 public:
  // Fails when libphonenumber does not know `default_region` (e.g. "FI").
  static Result<PhoneCanonicalizer> Create(std::string_view default_region);

  Result<std::string> Canonicalize(std::string_view value) const;

  // The scanner's confirmation of a tag hit: libphonenumber's E.164 reading
  // of `value` (Parse, then Format), without IsValidNumber, which costs as
  // much as the parse. The scanner reports the number only when the keyed
  // hash of this form equals a listed identifier's, and `hash-ids` accepted
  // that identifier only after IsValidNumber: validity is already known.
  // Fails when libphonenumber cannot parse `value` at all.
  Result<std::string> ParseE164(std::string_view value) const;

  // Up to two E.164 guesses for a candidate of ASCII `digits`, written with a
  // leading "+" when `plus`. Returns how many were written to `out`.
  int Guesses(std::string_view digits, bool plus, std::string out[2]) const;

  const std::string& region() const { return region_; }

 private:
  PhoneCanonicalizer() = default;
  std::string region_;
  std::string country_code_;     // "358"
  std::string national_prefix_;  // "0"; may be empty
};

}  // namespace leakmon
