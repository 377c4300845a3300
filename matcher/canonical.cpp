#include "matcher/canonical.h"

#include "matcher/unicode.h"

namespace leakmon {
namespace {

std::string_view Trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

bool IsAsciiLocalChar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '%' ||
         c == '+' || c == '-' || c == '\'' || c == '!' || c == '#' || c == '$' || c == '&' ||
         c == '*' || c == '/' || c == '=' || c == '?' || c == '^' || c == '`' || c == '{' ||
         c == '|' || c == '}' || c == '~';
}

// A domain: two or more dot-separated labels of letters, digits and inner
// hyphens, each 1-63 bytes; the last is not all digits. Non-ASCII bytes are
// allowed (internationalized domains).
bool IsDomain(std::string_view d) {
  if (d.empty() || d.size() > 253) return false;
  std::size_t labels = 0;
  bool last_all_digits = false;
  while (true) {
    std::size_t dot = d.find('.');
    std::string_view label = d.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    bool all_digits = true;
    for (unsigned char c : label) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c >= 0x80;
      if (!ok) return false;
      if (!(c >= '0' && c <= '9')) all_digits = false;
    }
    ++labels;
    last_all_digits = all_digits;
    if (dot == std::string_view::npos) break;
    d.remove_prefix(dot + 1);
  }
  return labels >= 2 && !last_all_digits;
}

}  // namespace

Result<std::string> CanonicalizeEmail(std::string_view value) {
  std::string s = Lowercase(Nfkc(Trim(value)));
  std::size_t at = s.find('@');
  if (at == std::string::npos || s.find('@', at + 1) != std::string::npos) {
    return Status::InvalidArgument("not an email address: needs exactly one @");
  }
  std::string_view local(s.data(), at);
  std::string_view domain(s.data() + at + 1, s.size() - at - 1);
  if (local.empty() || local.size() > 64) return Status::InvalidArgument("not an email address: bad local part");
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return Status::InvalidArgument("not an email address: bad dots in local part");
  }
  for (unsigned char c : local) {
    if (!IsAsciiLocalChar(c) && c < 0x80) return Status::InvalidArgument("not an email address: bad character");
  }
  if (!IsDomain(domain)) return Status::InvalidArgument("not an email address: bad domain");
  return s;
}

Result<std::string> CanonicalizeWords(std::string_view value) {
  std::string storage;
  std::vector<std::string_view> words = CanonicalWords(value, &storage);
  if (words.empty()) return Status::InvalidArgument("no letters or digits");
  std::string out;
  out.reserve(storage.size());
  for (std::string_view w : words) {
    if (!out.empty()) out.push_back(' ');
    out.append(w);
  }
  return out;
}

Result<std::string> Canonicalize(Kind kind, std::string_view value) {
  switch (kind) {
    case Kind::kEmail: return CanonicalizeEmail(value);
    case Kind::kName:
    case Kind::kTerm: return CanonicalizeWords(value);
    default: break;
  }
  return Status::InvalidArgument("this kind cannot be hashed yet");
}

}  // namespace leakmon
