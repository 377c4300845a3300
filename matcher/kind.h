// The kinds of identifier leakmon knows, and their names in files.
#pragma once

#include <optional>
#include <string_view>

namespace leakmon {

enum class Kind {
  kEmail,        // an email address
  kName,         // a person's name: matched as a word sequence, both orders
  kTerm,         // any word sequence: brand, project, street address
  kEmailDomain,  // a domain: matched in emails, their parent domains, link hosts
  kPhone,        // a phone number, E.164
  kNationalId,   // Finnish HETU, Swedish personnummer, Norwegian fødselsnummer
  kIban,         // an IBAN
  kPaymentCard,  // a payment card number (PAN)
};

inline constexpr Kind kAllKinds[] = {Kind::kEmail,      Kind::kName,  Kind::kTerm, Kind::kEmailDomain,
                                     Kind::kPhone,      Kind::kNationalId, Kind::kIban,
                                     Kind::kPaymentCard};

// "email", "name", "term", "email_domain", "phone", "national_id", "iban",
// "payment_card".
std::string_view KindName(Kind kind);

// The inverse of KindName; nullopt for an unknown name.
std::optional<Kind> ParseKind(std::string_view name);

// True for kinds the scanner finds as word n-grams.
inline bool IsWordKind(Kind kind) { return kind == Kind::kName || kind == Kind::kTerm; }

}  // namespace leakmon
