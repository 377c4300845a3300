#include "matcher/kind.h"

namespace leakmon {

std::string_view KindName(Kind kind) {
  switch (kind) {
    case Kind::kEmail: return "email";
    case Kind::kName: return "name";
    case Kind::kTerm: return "term";
    case Kind::kEmailDomain: return "email_domain";
    case Kind::kPhone: return "phone";
    case Kind::kNationalId: return "national_id";
    case Kind::kIban: return "iban";
    case Kind::kPaymentCard: return "payment_card";
  }
  return "?";
}

std::optional<Kind> ParseKind(std::string_view name) {
  for (Kind k : kAllKinds) {
    if (KindName(k) == name) return k;
  }
  return std::nullopt;
}

}  // namespace leakmon
