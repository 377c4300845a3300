#include "matcher/kind.h"

namespace leakmon {

std::string_view KindName(Kind kind) {
  switch (kind) {
    case Kind::kEmail: return "email";
    case Kind::kName: return "name";
    case Kind::kTerm: return "term";
  }
  return "?";
}

std::optional<Kind> ParseKind(std::string_view name) {
  if (name == "email") return Kind::kEmail;
  if (name == "name") return Kind::kName;
  if (name == "term") return Kind::kTerm;
  return std::nullopt;
}

}  // namespace leakmon
