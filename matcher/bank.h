// IBANs and payment card numbers: validation and canonical forms. Pure.
//
//   iban          ISO 13616: two letters, two check digits, the country's
//                 BBAN length (SWIFT IBAN registry), mod-97 == 1. Spaces and
//                 case ignored. Canonical: compact uppercase.
//   payment_card  13-19 digits, spaces or hyphens allowed, Luhn. Canonical:
//                 digits only.
// Errors never quote the value.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace leakmon {

Result<std::string> CanonicalizeIban(std::string_view value);
Result<std::string> CanonicalizePaymentCard(std::string_view value);

// The IBAN length for a two-letter country code (uppercase), or 0 when the
// country has no IBAN.
std::size_t IbanLength(std::string_view country);

// The scanner's check on a compact uppercase candidate; nullopt when invalid.
std::optional<std::string> CompactIbanValid(std::string_view compact);

}  // namespace leakmon
