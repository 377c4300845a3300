#include "matcher/bank.h"

#include <algorithm>

#include "matcher/national_id.h"

namespace leakmon {
namespace {

// Country code and IBAN length, from the SWIFT IBAN registry (sorted).
struct IbanCountry {
  char code[3];
  unsigned char length;
};
constexpr IbanCountry kIbanCountries[] = {
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16}, {"BG", 22}, {"BH", 22},
    {"BI", 27}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DJ", 27},
    {"DK", 18}, {"DO", 28}, {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18}, {"FK", 18}, {"FO", 18}, {"FR", 27},
    {"GB", 22}, {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HR", 21}, {"HU", 28}, {"IE", 22},
    {"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30}, {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LC", 32},
    {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21}, {"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19},
    {"MN", 20}, {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18}, {"NO", 15}, {"OM", 23}, {"PK", 24},
    {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"RU", 33}, {"SA", 24}, {"SC", 31},
    {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"SO", 23}, {"ST", 25}, {"SV", 28}, {"TL", 23},
    {"TN", 24}, {"TR", 26}, {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20},
};

bool Mod97IsOne(std::string_view compact) {
  // Move the first four characters to the end; letters become 10..35.
  int rem = 0;
  auto feed = [&rem](char c) {
    if (c >= '0' && c <= '9') {
      rem = (rem * 10 + (c - '0')) % 97;
    } else {
      rem = (rem * 100 + (c - 'A' + 10)) % 97;
    }
  };
  for (char c : compact.substr(4)) feed(c);
  for (char c : compact.substr(0, 4)) feed(c);
  return rem == 1;
}

}  // namespace

std::size_t IbanLength(std::string_view country) {
  auto it = std::lower_bound(std::begin(kIbanCountries), std::end(kIbanCountries), country,
                             [](const IbanCountry& c, std::string_view k) { return std::string_view(c.code, 2) < k; });
  if (it == std::end(kIbanCountries) || std::string_view(it->code, 2) != country) return 0;
  return it->length;
}

std::optional<std::string> CompactIbanValid(std::string_view s) {
  if (s.size() < 15 || s.size() > 34) return std::nullopt;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool letter = c >= 'A' && c <= 'Z';
    bool digit = c >= '0' && c <= '9';
    if (i < 2 ? !letter : i < 4 ? !digit : !(letter || digit)) return std::nullopt;
  }
  if (IbanLength(s.substr(0, 2)) != s.size() || !Mod97IsOne(s)) return std::nullopt;
  return std::string(s);
}

Result<std::string> CanonicalizeIban(std::string_view value) {
  std::string compact;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '-') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    compact.push_back(c);
    if (compact.size() > 34) break;
  }
  if (compact.size() < 4 || IbanLength(compact.substr(0, 2)) == 0) {
    return Status::InvalidArgument("not an IBAN: unknown country code");
  }
  if (IbanLength(compact.substr(0, 2)) != compact.size()) {
    return Status::InvalidArgument("not an IBAN: wrong length for its country");
  }
  std::optional<std::string> ok = CompactIbanValid(compact);
  if (!ok) return Status::InvalidArgument("not an IBAN: bad characters or check digits");
  return *ok;
}

Result<std::string> CanonicalizePaymentCard(std::string_view value) {
  std::string digits;
  for (char c : value) {
    if (c == ' ' || c == '-' || c == '\t') continue;
    if (c < '0' || c > '9') return Status::InvalidArgument("not a card number: only digits, spaces and hyphens");
    digits.push_back(c);
  }
  if (digits.size() < 13 || digits.size() > 19) return Status::InvalidArgument("not a card number: needs 13-19 digits");
  if (!LuhnValid(digits)) return Status::InvalidArgument("not a card number: Luhn check failed");
  return digits;
}

}  // namespace leakmon
