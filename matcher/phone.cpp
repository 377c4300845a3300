#include "matcher/phone.h"

#include <phonenumbers/phonenumberutil.h>

namespace leakmon {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

Result<PhoneCanonicalizer> PhoneCanonicalizer::Create(std::string_view default_region) {
  const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  std::string region(default_region);
  int cc = util->GetCountryCodeForRegion(region);
  if (cc == 0) {
    return Status::InvalidArgument("unknown phone region \"" + region + "\" (expected an ISO 3166 code such as FI)");
  }
  PhoneCanonicalizer p;
  p.region_ = region;
  p.country_code_ = std::to_string(cc);
  util->GetNddPrefixForRegion(region, true, &p.national_prefix_);
  return p;
}

namespace {

// libphonenumber's E.164 reading of `value`; with `validate`, only of a valid number.
Result<std::string> ToE164(std::string_view value, const std::string& region, bool validate) {
  const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  if (value.size() > 64) return Status::InvalidArgument("not a phone number: too long");
  PhoneNumber number;
  if (util->Parse(std::string(value), region, &number) != PhoneNumberUtil::NO_PARSING_ERROR) {
    return Status::InvalidArgument("not a phone number");
  }
  if (validate && !util->IsValidNumber(number)) return Status::InvalidArgument("not a valid phone number for its region");
  std::string out;
  util->Format(number, PhoneNumberUtil::E164, &out);
  return out;
}

}  // namespace

Result<std::string> PhoneCanonicalizer::Canonicalize(std::string_view value) const {
  return ToE164(value, region_, true);
}

Result<std::string> PhoneCanonicalizer::ParseE164(std::string_view value) const {
  return ToE164(value, region_, false);
}

int PhoneCanonicalizer::Guesses(std::string_view digits, bool plus, std::string out[2]) const {
  if (plus) {
    out[0].assign("+").append(digits);
    return 1;
  }
  if (digits.size() > 2 && digits[0] == '0' && digits[1] == '0') {
    out[0].assign("+").append(digits.substr(2));
    return 1;
  }
  int n = 0;
  if (!national_prefix_.empty() && digits.substr(0, national_prefix_.size()) == national_prefix_) {
    out[n++].assign("+").append(country_code_).append(digits.substr(national_prefix_.size()));
  }
  out[n++].assign("+").append(country_code_).append(digits);
  return n;
}

}  // namespace leakmon
