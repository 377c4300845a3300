#include "matcher/email.h"

#include <algorithm>
#include <idn2.h>
#include <memory>

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

// An ASCII domain: two or more dot-separated labels of letters, digits and
// inner hyphens, each 1-63 bytes; the last is not all digits.
bool IsAsciiDomain(std::string_view d) {
  if (d.empty() || d.size() > 253) return false;
  std::size_t labels = 0;
  bool last_all_digits = false;
  while (true) {
    std::size_t dot = d.find('.');
    std::string_view label = d.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    bool all_digits = true;
    for (unsigned char c : label) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
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

struct Idn2Free {
  void operator()(char* p) const { idn2_free(p); }
};

// Lowercase NFKC domain -> ASCII (A-labels for non-ASCII labels).
Result<std::string> ToAsciiDomain(std::string_view domain) {
  bool ascii = true;
  for (unsigned char c : domain) ascii = ascii && c < 0x80;
  std::string out;
  if (ascii) {
    out.assign(domain);
  } else {
    if (domain.size() > 1024) return Status::InvalidArgument("bad domain");
    char* raw = nullptr;
    int rc = idn2_to_ascii_8z(std::string(domain).c_str(), &raw, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
    std::unique_ptr<char, Idn2Free> owned(raw);
    if (rc != IDN2_OK || !raw) return Status::InvalidArgument("bad internationalized domain");
    out = raw;
    for (char& c : out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
  }
  if (!IsAsciiDomain(out)) return Status::InvalidArgument("bad domain");
  return out;
}

}  // namespace

Result<std::string> CanonicalizeDomain(std::string_view value) {
  std::string s = Lowercase(Nfkc(Trim(value)));
  std::string_view d(s);
  if (!d.empty() && d.front() == '@') d.remove_prefix(1);
  if (!d.empty() && d.back() == '.') d.remove_suffix(1);  // "example.fi." (root)
  Result<std::string> out = ToAsciiDomain(d);
  if (!out.ok()) return Status::InvalidArgument("not a domain: " + out.status().message());
  return out;
}

Result<std::string> CanonicalizeEmail(std::string_view value) {
  // Twice: lowercasing can undo NFKC composition ("T" + U+0308 has no
  // precomposed form, "t" + U+0308 has), so one pass is not a fixed point and
  // the canonical form found verbatim in a page would hash differently
  // (found by fuzz/canonical_fuzzer).
  // ASCII without NUL is its own NFKC: one lowercasing pass gives the same.
  const std::string_view trimmed = Trim(value);
  const bool plain_ascii =
      std::all_of(trimmed.begin(), trimmed.end(), [](char c) { return c != 0 && static_cast<unsigned char>(c) < 0x80; });
  std::string s = plain_ascii ? Lowercase(trimmed) : Lowercase(Nfkc(Lowercase(Nfkc(trimmed))));
  std::size_t at = s.find('@');
  if (at == std::string::npos || s.find('@', at + 1) != std::string::npos) {
    return Status::InvalidArgument("not an email address: needs exactly one @");
  }
  std::string local = s.substr(0, at);
  std::string_view domain(s.data() + at + 1, s.size() - at - 1);
  if (local.empty() || local.size() > 64) return Status::InvalidArgument("not an email address: bad local part");
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string::npos) {
    return Status::InvalidArgument("not an email address: bad dots in local part");
  }
  for (unsigned char c : local) {
    if (!IsAsciiLocalChar(c) && c < 0x80) return Status::InvalidArgument("not an email address: bad character");
  }
  Result<std::string> ascii = ToAsciiDomain(domain);
  if (!ascii.ok()) return Status::InvalidArgument("not an email address: " + ascii.status().message());
  std::string dom = std::move(*ascii);
  if (dom == "gmail.com" || dom == "googlemail.com") {
    std::string folded;
    for (char c : local) {
      if (c == '+') break;
      if (c != '.') folded.push_back(c);
    }
    if (folded.empty()) return Status::InvalidArgument("not an email address: bad local part");
    local = std::move(folded);
    dom = "gmail.com";
  }
  return local + "@" + dom;
}

std::string EmailWithoutTag(std::string_view email) {
  std::size_t at = email.rfind('@');
  std::size_t plus = email.find('+');
  if (at == std::string_view::npos || plus == std::string_view::npos || plus == 0 || plus > at) return {};
  std::string out(email.substr(0, plus));
  out.append(email.substr(at));
  return out;
}

std::vector<std::string_view> DomainAndParents(std::string_view d) {
  std::vector<std::string_view> out;
  while (true) {
    out.push_back(d);
    std::size_t dot = d.find('.');
    if (dot == std::string_view::npos) break;
    std::string_view parent = d.substr(dot + 1);
    if (parent.find('.') == std::string_view::npos) break;  // never a bare TLD
    d = parent;
  }
  return out;
}

}  // namespace leakmon
