// The kinds of identifier leakmon knows, and their names in files.
#pragma once

#include <optional>
#include <string_view>

namespace leakmon {

enum class Kind {
  kEmail,  // an email address
  kName,   // a person's name: matched as a word sequence
  kTerm,   // any word sequence: brand, project, street address
};

// "email", "name", "term".
std::string_view KindName(Kind kind);

// The inverse of KindName; nullopt for an unknown name.
std::optional<Kind> ParseKind(std::string_view name);

// True for kinds the scanner finds as word n-grams.
inline bool IsWordKind(Kind kind) { return kind == Kind::kName || kind == Kind::kTerm; }

}  // namespace leakmon
