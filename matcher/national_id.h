// National identity codes: validation and canonical forms. Pure functions.
//
//   Finnish HETU        DDMMYYCZZZQ  C: century sign + - Y X W V U (1800s,
//                       1900s) A B C D E F (2000s), as reformed in 2023;
//                       ZZZ 002-899, or 900-999 (temporary, flagged);
//                       Q = "0123456789ABCDEFHJKLMNPRSTUVWXY"[DDMMYYZZZ mod 31].
//                       Lowercase accepted. Canonical "fi:" + uppercase code.
//   Swedish personnummer YYMMDD-NNNC, YYMMDD+NNNC, YYYYMMDD(-)NNNC, 10 or 12
//                       digits; Luhn over the last 10 digits; valid date, or
//                       day + 60 (coordination number). Canonical "se:" + the
//                       10 digits YYMMDDNNNC: text usually omits the century,
//                       and restoring it from the - / + separator would need
//                       today's date, which a pure function does not have.
//   Norwegian fødselsnummer DDMMYYIIIKK: both mod-11 check digits; valid
//                       date with the century from the individual number;
//                       D-numbers (day + 40) and H-numbers (month + 40).
//                       Canonical "no:" + 11 digits.
//
// The schemes' canonical forms never collide (prefixes), so all three share
// the kind national_id. Errors never quote the value.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace leakmon {

struct NationalId {
  std::string canonical;
  bool temporary = false;  // Finnish temporary identifier (individual number 900-999)
};

// Any of the three schemes, detected from the shape of `value` (or named by a
// "fi:", "se:" or "no:" prefix). Whitespace around and inside is ignored.
Result<NationalId> CanonicalizeNationalId(std::string_view value);

// The scanner's per-scheme checks on compact candidates; nullopt when invalid.
// `hetu`: exactly 11 characters. `digits`: exactly 10 or 12 (Sweden), 11
// (Norway) ASCII digits.
std::optional<NationalId> FinnishHetu(std::string_view hetu);
std::optional<NationalId> SwedishPersonnummer(std::string_view digits);
std::optional<NationalId> NorwegianFodselsnummer(std::string_view digits);

// Luhn (ISO/IEC 7812-1) over ASCII digits; false on any other character.
bool LuhnValid(std::string_view digits);

// A valid Gregorian date; year is the full year.
bool ValidDate(int year, int month, int day);

}  // namespace leakmon
