#include "matcher/national_id.h"

namespace leakmon {
namespace {

constexpr std::string_view kHetuCheck = "0123456789ABCDEFHJKLMNPRSTUVWXY";

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

int Num(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

char Upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

// 1800, 1900 or 2000 for a HETU century sign; 0 if not one.
int HetuCentury(char sign) {
  switch (sign) {
    case '+': return 1800;
    case '-': case 'Y': case 'X': case 'W': case 'V': case 'U': return 1900;
    case 'A': case 'B': case 'C': case 'D': case 'E': case 'F': return 2000;
    default: return 0;
  }
}

// Norwegian check digit over `digits` with `weights`; -1 if the remainder
// makes it 10 (no valid number has that).
int Mod11(std::string_view digits, const int* weights) {
  int sum = 0;
  for (std::size_t i = 0; i < digits.size(); ++i) sum += (digits[i] - '0') * weights[i];
  int k = 11 - sum % 11;
  if (k == 11) return 0;
  if (k == 10) return -1;
  return k;
}

// The birth year of a Norwegian number from its two-digit year and
// individual number; 0 when the combination is not allocated.
int NorwegianYear(int yy, int individual) {
  if (individual <= 499) return 1900 + yy;
  if (individual <= 749 && yy >= 54) return 1800 + yy;
  if (yy <= 39) return 2000 + yy;  // 500-999
  if (individual >= 900) return 1900 + yy;
  return 0;
}

std::string Compact(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') out.push_back(c);
  }
  return out;
}

}  // namespace

bool ValidDate(int year, int month, int day) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int max = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  return day <= max;
}

bool LuhnValid(std::string_view digits) {
  if (digits.empty()) return false;
  int sum = 0;
  bool dbl = false;
  for (std::size_t i = digits.size(); i > 0; --i) {
    char c = digits[i - 1];
    if (c < '0' || c > '9') return false;
    int d = c - '0';
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 == 0;
}

std::optional<NationalId> FinnishHetu(std::string_view in) {
  if (in.size() != 11) return std::nullopt;
  std::string h(in);
  for (char& c : h) c = Upper(c);
  std::string_view v(h);
  if (!AllDigits(v.substr(0, 6)) || !AllDigits(v.substr(7, 3))) return std::nullopt;
  int century = HetuCentury(v[6]);
  if (century == 0) return std::nullopt;
  if (!ValidDate(century + Num(v.substr(4, 2)), Num(v.substr(2, 2)), Num(v.substr(0, 2)))) return std::nullopt;
  int individual = Num(v.substr(7, 3));
  if (individual < 2) return std::nullopt;
  long long n = static_cast<long long>(Num(v.substr(0, 6))) * 1000 + individual;
  if (kHetuCheck[static_cast<std::size_t>(n % 31)] != v[10]) return std::nullopt;
  return NationalId{"fi:" + h, individual >= 900};
}

std::optional<NationalId> SwedishPersonnummer(std::string_view d) {
  if ((d.size() != 10 && d.size() != 12) || !AllDigits(d)) return std::nullopt;
  std::string_view ten = d.substr(d.size() - 10);
  if (!LuhnValid(ten)) return std::nullopt;
  int year = d.size() == 12 ? Num(d.substr(0, 4)) : 2000 + Num(ten.substr(0, 2));
  if (d.size() == 12 && (year < 1800 || year > 2099)) return std::nullopt;
  int month = Num(ten.substr(2, 2));
  int day = Num(ten.substr(4, 2));
  if (day > 60) day -= 60;  // coordination number
  if (!ValidDate(year, month, day)) return std::nullopt;
  return NationalId{"se:" + std::string(ten), false};
}

std::optional<NationalId> NorwegianFodselsnummer(std::string_view d) {
  if (d.size() != 11 || !AllDigits(d)) return std::nullopt;
  static constexpr int kW1[] = {3, 7, 6, 1, 8, 9, 4, 5, 2};
  static constexpr int kW2[] = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
  int k1 = Mod11(d.substr(0, 9), kW1);
  if (k1 < 0 || k1 != d[9] - '0') return std::nullopt;
  int k2 = Mod11(d.substr(0, 10), kW2);
  if (k2 < 0 || k2 != d[10] - '0') return std::nullopt;
  int day = Num(d.substr(0, 2));
  int month = Num(d.substr(2, 2));
  if (day > 40) day -= 40;      // D-number
  if (month > 40) month -= 40;  // H-number
  int year = NorwegianYear(Num(d.substr(4, 2)), Num(d.substr(6, 3)));
  if (year == 0 || !ValidDate(year, month, day)) return std::nullopt;
  return NationalId{"no:" + std::string(d), false};
}

Result<NationalId> CanonicalizeNationalId(std::string_view value) {
  static const Status kBadHetu = Status::InvalidArgument(
      "not a valid Finnish HETU (date, century sign, individual number or check character)");
  static const Status kBadSwedish =
      Status::InvalidArgument("not a valid Swedish personnummer (date or Luhn check digit)");
  static const Status kBadNorwegian =
      Status::InvalidArgument("not a valid Norwegian fødselsnummer (date or mod-11 check digits)");
  std::string v = Compact(value);
  std::string scheme;
  if (v.size() > 3 && v[2] == ':') {
    scheme = {Upper(v[0]), Upper(v[1])};
    v.erase(0, 3);
  }
  // Swedish separators: YYMMDD-NNNC, YYMMDD+NNNC, YYYYMMDD-NNNC.
  std::string digits;
  bool swedish_shape = false;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if ((v[i] == '-' || v[i] == '+') && v.size() - i == 5) {
      swedish_shape = true;
      continue;
    }
    digits.push_back(v[i]);
  }
  swedish_shape = swedish_shape && AllDigits(digits) && (digits.size() == 10 || digits.size() == 12);

  if (scheme == "FI") {
    if (auto id = FinnishHetu(v)) return *id;
    return kBadHetu;
  }
  if (scheme == "SE") {
    if (auto id = SwedishPersonnummer(digits)) return *id;
    return kBadSwedish;
  }
  if (scheme == "NO") {
    if (auto id = NorwegianFodselsnummer(v)) return *id;
    return kBadNorwegian;
  }
  if (!scheme.empty()) return Status::InvalidArgument("unknown national id scheme (known: fi, se, no)");

  // "131052-308T" and "811218-9876" share a shape: a valid HETU wins, then a
  // valid personnummer (prefix the value with se: to force Sweden).
  if (v.size() == 11 && AllDigits(std::string_view(v).substr(0, 6)) && !AllDigits(std::string_view(v).substr(6, 1))) {
    if (auto id = FinnishHetu(v)) return *id;
    if (swedish_shape) {
      if (auto id = SwedishPersonnummer(digits)) return *id;
    }
    return kBadHetu;
  }
  if (swedish_shape || (AllDigits(v) && (v.size() == 10 || v.size() == 12))) {
    if (auto id = SwedishPersonnummer(digits)) return *id;
    return kBadSwedish;
  }
  if (AllDigits(v) && v.size() == 11) {
    if (auto id = NorwegianFodselsnummer(v)) return *id;
    return kBadNorwegian;
  }
  return Status::InvalidArgument(
      "not a national id: expected a Finnish HETU, a Swedish personnummer or a Norwegian fødselsnummer");
}

}  // namespace leakmon
