#include "matcher/scanner.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <utf8proc.h>

#include "matcher/bank.h"
#include "matcher/canonical.h"
#include "matcher/email.h"
#include "matcher/national_id.h"
#include "matcher/scan_text.h"
#include "matcher/unicode.h"

namespace leakmon {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAlnum(char c) { return IsDigit(c) || IsAlpha(c); }
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
char Upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }
int HexDigit(char c) {
  if (IsDigit(c)) return c - '0';
  c = Lower(c);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

// Length of the UTF-8 letter, digit or mark at t[i] (0 if not one, or ASCII).
std::size_t NonAsciiWordChar(std::string_view t, std::size_t i) {
  if (static_cast<unsigned char>(t[i]) < 0x80) return 0;
  utf8proc_int32_t cp;
  utf8proc_ssize_t n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(t.data() + i),
                                        static_cast<utf8proc_ssize_t>(t.size() - i), &cp);
  if (n <= 0) return 0;
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ND:
      return static_cast<std::size_t>(n);
    default:
      return 0;
  }
}

// Case-insensitive ASCII match of `word` at t[i]; "ä"/"Ä" in `word` are
// written as their UTF-8 bytes and matched in either case.
std::size_t MatchWordAt(std::string_view t, std::size_t i, std::string_view word) {
  std::size_t k = i;
  for (std::size_t w = 0; w < word.size(); ++w, ++k) {
    if (k >= t.size()) return 0;
    char a = t[k], b = word[w];
    if (b == '\xC3' && w + 1 < word.size()) {  // ä (C3 A4) or Ä (C3 84)
      if (a != '\xC3' || k + 1 >= t.size()) return 0;
      char a2 = t[k + 1], b2 = word[w + 1];
      if ((a2 | 0x20) != (b2 | 0x20)) return 0;
      ++w;
      ++k;
      continue;
    }
    if (Lower(a) != b) return 0;
  }
  return k - i;
}

std::size_t SkipSpaces(std::string_view t, std::size_t i, std::size_t max = 3) {
  for (std::size_t n = 0; i < t.size() && t[i] == ' ' && n < max; ++n) ++i;
  return i;
}

// "[at]", "( at )", "{ät}" ... at t[i] (an opening bracket): returns the
// marker's length, 0 if there is none.
std::size_t BracketWordAt(std::string_view t, std::size_t i, std::initializer_list<std::string_view> words) {
  char open = t[i];
  char close = open == '[' ? ']' : open == '(' ? ')' : '}';
  std::size_t k = SkipSpaces(t, i + 1);
  for (std::string_view w : words) {
    if (std::size_t len = MatchWordAt(t, k, w)) {
      std::size_t e = SkipSpaces(t, k + len);
      if (e < t.size() && t[e] == close) return e + 1 - i;
    }
  }
  return 0;
}

const std::initializer_list<std::string_view> kAtWords = {"at", "\xC3\xA4t"};
const std::initializer_list<std::string_view> kDotWords = {"dot", "piste"};

// A dot between domain labels at t[i]: ".", "[dot]", " (dot) ", " dot ",
// " piste ". Returns the length, 0 if none.
std::size_t DomainDotAt(std::string_view t, std::size_t i) {
  if (i >= t.size()) return 0;
  if (t[i] == '.') return 1;
  std::size_t k = SkipSpaces(t, i);
  if (k < t.size() && (t[k] == '[' || t[k] == '(' || t[k] == '{')) {
    if (std::size_t len = BracketWordAt(t, k, kDotWords)) return SkipSpaces(t, k + len) - i;
  }
  if (k > i) {  // bare " dot " / " piste ", spaces on both sides
    for (std::string_view w : kDotWords) {
      std::size_t len = MatchWordAt(t, k, w);
      if (len && k + len < t.size() && t[k + len] == ' ') return SkipSpaces(t, k + len) - i;
    }
  }
  return 0;
}

std::size_t LabelEnd(std::string_view t, std::size_t i) {
  while (i < t.size()) {
    if (IsAlnum(t[i]) || t[i] == '-') {
      ++i;
    } else if (std::size_t n = NonAsciiWordChar(t, i)) {
      i += n;
    } else {
      break;
    }
  }
  return i;
}

bool IsLocalChar(char c) {
  return IsAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '\'' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// Calls fn(offset) for each byte `c` in `t` (memchr).
template <class Fn>
void ForEachByte(std::string_view t, char c, Fn&& fn) {
  const char* base = t.data();
  const char* end = base + t.size();
  for (const char* p = base; p < end; ++p) {
    p = static_cast<const char*>(std::memchr(p, c, static_cast<std::size_t>(end - p)));
    if (!p) return;
    fn(static_cast<std::size_t>(p - base));
  }
}

struct Marker {
  std::size_t begin;
  std::size_t end;
  bool obfuscated;
};

struct ByteRange {
  std::size_t begin;
  std::size_t end;
};

}  // namespace

// The state of one Scan() call.
struct Scanner::Pass {
  static constexpr std::size_t kNoSpan = ~std::size_t{0};
  const Scanner& s;
  std::vector<std::pair<std::uint32_t, Strength>> hits;
  std::vector<ByteRange> email_spans;  // sorted; words inside are not names
  // Hits in the current digit span: (id, first group, last group). Two
  // readings of one number ("+358 40 123 4567" and "40 123 4567") count once.
  std::vector<std::array<std::size_t, 3>> span_hits;

  // Looks up a non-word candidate; records verified hits. Returns true on a hit.
  bool TryNonWord(Kind kind, std::string_view canonical, std::size_t first_group = kNoSpan,
                  std::size_t last_group = 0) {
    bool any = false;
    bool hashed = false;
    Digest digest{};
    s.ids_.ForEachPosting(s.hasher_.Tag(kind, canonical), [&](const IdentifierSet::Posting& p) {
      IdentifierView id = s.ids_.identifier(p.id);
      if (id.kind != kind || p.folded) return;
      if (!hashed) {
        digest = s.hasher_.Hash(canonical);
        hashed = true;
      }
      if (digest != id.hash) return;
      any = true;
      if (first_group != kNoSpan) {
        for (const auto& h : span_hits) {
          if (h[0] == p.id && h[1] <= last_group && first_group <= h[2]) return;
        }
        span_hits.push_back({p.id, first_group, last_group});
      }
      hits.emplace_back(p.id, Strength::kExact);
    });
    return any;
  }

  bool Email(std::string_view canonical) {
    bool hit = TryNonWord(Kind::kEmail, canonical);
    std::string untagged = EmailWithoutTag(canonical);
    if (!untagged.empty()) hit = TryNonWord(Kind::kEmail, untagged) || hit;
    return hit;
  }

  void Domain(std::string_view canonical_domain) {
    if (!s.ids_.HasKind(Kind::kEmailDomain)) return;
    for (std::string_view d : DomainAndParents(canonical_domain)) TryNonWord(Kind::kEmailDomain, d);
  }

  void Emails(std::string_view t);
  void CloudflareEmails(std::string_view t);
  void LinkHosts(std::string_view t);
  void Digits(std::string_view t);
  void DigitSpan(std::string_view t, const std::vector<ByteRange>& groups, bool plus);
  void Iban(std::string_view t, std::size_t start);
  void Words(std::string_view t);
};

void Scanner::Pass::Emails(std::string_view t) {
  std::vector<Marker> markers;
  for (const char* p = t.data(); (p = static_cast<const char*>(std::memchr(p, '@', t.data() + t.size() - p)));
       ++p) {
    markers.push_back({static_cast<std::size_t>(p - t.data()), static_cast<std::size_t>(p - t.data()) + 1, false});
  }
  for (char open : {'[', '(', '{'}) {
    for (const char* p = t.data(); (p = static_cast<const char*>(std::memchr(p, open, t.data() + t.size() - p)));
         ++p) {
      std::size_t i = static_cast<std::size_t>(p - t.data());
      if (std::size_t len = BracketWordAt(t, i, kAtWords)) markers.push_back({i, i + len, true});
    }
  }
  // Bare " at " / " ät " (any case): accepted only when the result is a
  // valid address. Found from their "t " / "T " ends.
  ForEachByte(t, ' ', [&](std::size_t i) {
    if (i + 3 < t.size() && Lower(t[i + 1]) == 'a' && Lower(t[i + 2]) == 't' && t[i + 3] == ' ') {
      markers.push_back({i, i + 4, true});
    } else if (i + 4 < t.size() && t[i + 1] == '\xC3' && (t[i + 2] == '\xA4' || t[i + 2] == '\x84') &&
               Lower(t[i + 3]) == 't' && t[i + 4] == ' ') {
      markers.push_back({i, i + 5, true});
    }
  });
  std::sort(markers.begin(), markers.end(), [](const Marker& a, const Marker& b) { return a.begin < b.begin; });

  std::size_t consumed = 0;
  std::string candidate;
  for (const Marker& m : markers) {
    if (m.begin < consumed) continue;
    // Local part, leftwards.
    std::size_t lend = m.obfuscated ? m.begin : m.begin;
    while (m.obfuscated && lend > 0 && t[lend - 1] == ' ') --lend;
    std::size_t lbegin = lend;
    while (lbegin > 0 && lend - lbegin < 65 && IsLocalChar(t[lbegin - 1])) --lbegin;
    while (lbegin < lend && (t[lbegin] == '.' || t[lbegin] == '\'' || t[lbegin] == '-' || t[lbegin] == '+')) ++lbegin;
    if (lbegin == lend || lend - lbegin > 64 || lbegin < consumed) continue;
    // Domain labels, rightwards.
    std::size_t p = m.obfuscated ? SkipSpaces(t, m.end) : m.end;
    std::vector<std::pair<std::size_t, std::size_t>> labels;
    while (labels.size() < 16) {
      std::size_t e = LabelEnd(t, p);
      if (e == p) break;
      labels.emplace_back(p, e);
      std::size_t dot = DomainDotAt(t, e);
      if (dot == 0 || LabelEnd(t, e + dot) == e + dot) break;
      p = e + dot;
    }
    if (labels.size() < 2) continue;
    // The longest address that is found, else the longest valid one: a
    // trailing sentence word ("x@y.fi.Thanks") may have been taken as a label.
    std::optional<std::string> valid;
    std::size_t valid_end = 0;
    for (std::size_t n = labels.size(); n >= 2; --n) {
      candidate.assign(t.substr(lbegin, lend - lbegin));
      candidate.push_back('@');
      for (std::size_t k = 0; k < n; ++k) {
        if (k) candidate.push_back('.');
        candidate.append(t.substr(labels[k].first, labels[k].second - labels[k].first));
      }
      Result<std::string> canon = CanonicalizeEmail(candidate);
      if (!canon.ok()) continue;
      const bool hit = Email(*canon);
      if (hit || !valid) {
        valid = std::move(*canon);
        valid_end = labels[n - 1].second;
      }
      if (hit) break;
    }
    if (!valid) continue;
    Domain(std::string_view(*valid).substr(valid->find('@') + 1));
    email_spans.push_back({lbegin, valid_end});
    consumed = valid_end;
  }
}

void Scanner::Pass::CloudflareEmails(std::string_view t) {
  // Anchored on rarer bytes than memmem's first: '#' and "-cfemail".
  for (std::string_view marker : {std::string_view("data-cfemail"), std::string_view("email-protection#")}) {
    const char anchor = marker.front() == 'd' ? '-' : '#';
    const std::size_t anchor_at = marker.find(anchor);
    ForEachByte(t, anchor, [&](std::size_t a) {
      if (a < anchor_at || t.compare(a - anchor_at, marker.size(), marker) != 0) return;
      const std::size_t i = a - anchor_at;
      std::size_t p = i + marker.size();
      if (marker.front() == 'd') {
        // data-cfemail="hex", also as escaped inside JSON or SQL strings.
        while (p < t.size() && p - i < marker.size() + 4 &&
               (t[p] == '=' || t[p] == '"' || t[p] == '\'' || t[p] == ' ' || t[p] == '\\')) {
          ++p;
        }
      }
      std::string bytes;
      while (p + 1 < t.size() && bytes.size() < 256) {
        int hi = HexDigit(t[p]), lo = HexDigit(t[p + 1]);
        if (hi < 0 || lo < 0) break;
        bytes.push_back(static_cast<char>(hi * 16 + lo));
        p += 2;
      }
      if (bytes.size() < 2) return;
      std::string email;
      for (std::size_t k = 1; k < bytes.size(); ++k) email.push_back(static_cast<char>(bytes[k] ^ bytes[0]));
      Result<std::string> canon = CanonicalizeEmail(email);
      if (!canon.ok()) return;
      Email(*canon);  // found or not, its domain counts for email_domain
      Domain(std::string_view(*canon).substr(canon->find('@') + 1));
    });
  }
}

void Scanner::Pass::LinkHosts(std::string_view t) {
  ForEachByte(t, ':', [&](std::size_t i) {
    if (t.compare(i, 3, "://") != 0) return;
    std::size_t b = i + 3, e = b;
    while (e < t.size() && e - b < 260 && t[e] != '/' && t[e] != '?' && t[e] != '#' && t[e] != ' ' &&
           t[e] != '"' && t[e] != '\'' && t[e] != '<' && t[e] != '>' && t[e] != '\n' && t[e] != '\t' &&
           t[e] != ')' && t[e] != ']') {
      ++e;
    }
    std::string_view host = t.substr(b, e - b);
    if (std::size_t at = host.rfind('@'); at != std::string_view::npos) host.remove_prefix(at + 1);
    if (std::size_t colon = host.find(':'); colon != std::string_view::npos) host = host.substr(0, colon);
    Result<std::string> canon = CanonicalizeDomain(host);
    if (canon.ok()) Domain(*canon);
  });
}

void Scanner::Pass::Iban(std::string_view t, std::size_t start) {
  char cc[2] = {Upper(t[start]), Upper(t[start + 1])};
  std::size_t want = IbanLength(std::string_view(cc, 2));
  if (want == 0) return;
  std::string compact(cc, 2);
  std::size_t p = start + 2;
  while (p < t.size() && compact.size() < want) {
    if (IsAlnum(t[p])) {
      compact.push_back(Upper(t[p++]));
    } else if (t[p] == ' ' && p + 1 < t.size() && IsAlnum(t[p + 1])) {
      ++p;
    } else {
      break;
    }
  }
  if (compact.size() != want || (p < t.size() && IsAlnum(t[p]))) return;
  if (std::optional<std::string> iban = CompactIbanValid(compact)) TryNonWord(Kind::kIban, *iban);
}

void Scanner::Pass::Digits(std::string_view t) {
  const IdentifierSet& ids = s.ids_;
  const bool iban = ids.HasKind(Kind::kIban);
  if (!iban && !ids.HasKind(Kind::kPhone) && !ids.HasKind(Kind::kNationalId) && !ids.HasKind(Kind::kPaymentCard)) {
    return;
  }
  auto is_sep = [](char c) { return c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')' || c == '+'; };
  std::vector<ByteRange> groups;
  const std::size_t n = t.size();
  std::size_t i = 0;
  while (i < n) {
    while (i < n && !IsDigit(t[i])) ++i;
    if (i >= n) break;
    const std::size_t d = i;
    if (iban && d >= 2 && IsAlpha(t[d - 1]) && IsAlpha(t[d - 2]) && (d < 3 || !IsAlnum(t[d - 3])) && d + 1 < n &&
        IsDigit(t[d + 1])) {
      Iban(t, d - 2);
    }
    if (d > 0 && IsAlnum(t[d - 1])) {  // digits glued to a word
      while (i < n && IsDigit(t[i])) ++i;
      continue;
    }
    const bool plus = d > 0 && t[d - 1] == '+' && (d < 2 || !IsAlnum(t[d - 2]));
    groups.clear();
    std::size_t p = d;
    while (groups.size() < 4096) {
      std::size_t gs = p;
      while (p < n && IsDigit(t[p])) ++p;
      groups.push_back({gs, p});
      std::size_t q = p;
      int seps = 0;
      while (q < n && seps < 2 && is_sep(t[q])) ++q, ++seps;
      if (seps == 0 || q >= n || !IsDigit(t[q])) break;
      p = q;
    }
    DigitSpan(t, groups, plus);
    i = groups.back().end;
  }
}

void Scanner::Pass::DigitSpan(std::string_view t, const std::vector<ByteRange>& groups, bool plus) {
  const IdentifierSet& ids = s.ids_;
  const bool want_id = ids.HasKind(Kind::kNationalId);
  const bool want_card = ids.HasKind(Kind::kPaymentCard);
  const bool want_phone = ids.HasKind(Kind::kPhone);
  span_hits.clear();
  auto len = [&](std::size_t g) { return groups[g].end - groups[g].begin; };
  auto digits_of = [&](std::size_t g) { return t.substr(groups[g].begin, len(g)); };
  // The separator after group g (empty after the last).
  auto sep_after = [&](std::size_t g) {
    return g + 1 < groups.size() ? t.substr(groups[g].end, groups[g + 1].begin - groups[g].end) : std::string_view();
  };
  std::string digits;
  std::string guesses[2];
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if (want_id) {
      const std::size_t e = groups[g].end;
      // HETU: DDMMYY, century sign, ZZZ, check character.
      if (len(g) == 6 && e + 5 <= t.size() && IsDigit(t[e + 1]) && IsDigit(t[e + 2]) && IsDigit(t[e + 3]) &&
          IsAlnum(t[e + 4]) && (e + 5 == t.size() || !IsAlnum(t[e + 5]))) {
        if (auto id = FinnishHetu(t.substr(groups[g].begin, 11))) TryNonWord(Kind::kNationalId, id->canonical, g, g + 1);
      }
      std::string_view sep = sep_after(g);
      if (len(g) == 10 || len(g) == 12) {
        if (auto id = SwedishPersonnummer(digits_of(g))) TryNonWord(Kind::kNationalId, id->canonical, g, g);
      } else if (len(g) == 11) {
        if (auto id = NorwegianFodselsnummer(digits_of(g))) TryNonWord(Kind::kNationalId, id->canonical, g, g);
      } else if (g + 1 < groups.size()) {
        if ((len(g) == 6 || len(g) == 8) && (sep == "-" || sep == "+") && len(g + 1) == 4) {
          digits.assign(digits_of(g)).append(digits_of(g + 1));
          if (auto id = SwedishPersonnummer(digits)) TryNonWord(Kind::kNationalId, id->canonical, g, g + 1);
        } else if (len(g) == 6 && sep == " " && len(g + 1) == 5) {
          digits.assign(digits_of(g)).append(digits_of(g + 1));
          if (auto id = NorwegianFodselsnummer(digits)) TryNonWord(Kind::kNationalId, id->canonical, g, g + 1);
        }
      }
    }
    if (!want_card && !want_phone) continue;
    digits.clear();
    bool card_seps = true;
    for (std::size_t h = g; h < groups.size() && h < g + 8; ++h) {
      if (h > g) {
        std::string_view sep = sep_after(h - 1);
        card_seps = card_seps && (sep == " " || sep == "-");
      }
      digits.append(digits_of(h));
      if (digits.size() > 19) break;
      if (want_card && card_seps && digits.size() >= 13 && LuhnValid(digits)) {
        TryNonWord(Kind::kPaymentCard, digits, g, h);
      }
      if (want_phone && digits.size() >= 7 && digits.size() <= 15) {
        const bool with_plus = plus && g == 0;
        int count = s.phone_.Guesses(digits, with_plus, guesses);
        for (int k = 0; k < count; ++k) {
          bool tag_hit = false;
          ids.ForEachPosting(s.hasher_.Tag(Kind::kPhone, guesses[k]), [&](const IdentifierSet::Posting&) { tag_hit = true; });
          if (!tag_hit) continue;
          // Confirm with libphonenumber: the canonical form is its E.164.
          Result<std::string> canon = s.phone_.Canonicalize(with_plus ? "+" + digits : digits);
          if (canon.ok()) TryNonWord(Kind::kPhone, *canon, g, h);
          break;
        }
      }
    }
  }
}

void Scanner::Pass::Words(std::string_view t) {
  const IdentifierSet& ids = s.ids_;
  const std::size_t max_n = std::min<std::size_t>(ids.max_words(), IdentifierSet::kMaxRotations);
  if (max_n == 0 || !(ids.HasKind(Kind::kName) || ids.HasKind(Kind::kTerm))) return;
  struct Slot {
    std::uint64_t exact = 0;
    std::uint64_t folded = 0;
    bool differs = false;  // the folded form differs
    std::string word;
    std::string folded_word;
  };
  std::array<Slot, IdentifierSet::kMaxRotations> ring;
  std::size_t head = 0;  // words pushed so far
  std::size_t run = 0;   // consecutive vocabulary words ending at head
  std::size_t span = 0;  // next email span to compare with
  std::vector<std::pair<std::uint32_t, Strength>> gram_hits;
  std::string canonical;
  std::string_view parts[IdentifierSet::kMaxRotations];

  // Verifies a posting hit by the gram of the last n words (exact or folded
  // spellings) and records it unless already hit at this gram.
  auto verify = [&](const IdentifierSet::Posting& p, std::size_t n, bool folded_path) {
    IdentifierView id = ids.identifier(p.id);
    if (!IsWordKind(id.kind) || p.rotation >= n) return;
    const Strength strength = folded_path || p.folded ? Strength::kFolded : Strength::kExact;
    for (auto& [hid, hs] : gram_hits) {
      if (hid == p.id && (hs == Strength::kExact || strength == Strength::kFolded)) return;
    }
    // The identifier's canonical order: undo the rotation.
    for (std::size_t m = 0; m < n; ++m) {
      const Slot& slot = ring[(head - n + (m + n - p.rotation) % n) % ring.size()];
      parts[m] = folded_path ? slot.folded_word : slot.word;
    }
    canonical.clear();
    for (std::size_t m = 0; m < n; ++m) {
      if (m) canonical.push_back(' ');
      canonical.append(parts[m]);
    }
    const Digest* expected = p.folded ? ids.folded_hash(p.id) : &id.hash;
    if (!expected || s.hasher_.Hash(canonical) != *expected) return;
    for (auto& [hid, hs] : gram_hits) {
      if (hid == p.id) {
        hs = Strength::kExact;  // only an exact hit can improve on a folded one
        return;
      }
    }
    gram_hits.emplace_back(p.id, strength);
  };

  // Words known to be outside the vocabulary, for this page only: most words
  // of a page repeat, and a probe here is cheaper than a keyed hash.
  struct Miss {
    std::uint64_t a = 0, b = 0;
    std::size_t len = 0;
  };
  std::vector<Miss> misses(4096);
  WordSplitter splitter;
  splitter.ForEach(t, [&](std::string_view w, std::size_t begin, std::size_t) {
    while (span < email_spans.size() && email_spans[span].end <= begin) ++span;
    if (span < email_spans.size() && email_spans[span].begin <= begin) {
      run = 0;
      return;
    }
    Miss* miss = nullptr;
    if (w.size() <= 16) {
      std::uint64_t a = 0, b = 0;
      std::memcpy(&a, w.data(), std::min<std::size_t>(8, w.size()));
      if (w.size() > 8) std::memcpy(&b, w.data() + 8, w.size() - 8);
      std::uint64_t h = (a * 0x9E3779B97F4A7C15ULL) ^ (b * 0xC2B2AE3D27D4EB4FULL) ^ w.size();
      miss = &misses[static_cast<std::size_t>(h >> 52)];
      if (miss->len == w.size() && miss->a == a && miss->b == b) {
        run = 0;
        return;
      }
      *miss = Miss{a, b, 0};  // its length is set below if the word is a miss
    }
    bool in = ids.InVocabulary(s.hasher_.VocabTag(w));
    Slot& slot = ring[head % ring.size()];
    slot.differs = false;
    if (MayFold(w)) {
      slot.folded_word = FoldDiacritics(w);
      slot.differs = slot.folded_word != w;
      if (!in && slot.differs) in = ids.InVocabulary(s.hasher_.VocabTag(slot.folded_word));
    }
    if (!in) {
      if (miss) miss->len = w.size();
      run = 0;
      return;
    }
    slot.word.assign(w);
    if (!slot.differs) slot.folded_word.assign(w);
    slot.exact = s.hasher_.WordTag(w);
    slot.folded = slot.differs ? s.hasher_.WordTag(slot.folded_word) : slot.exact;
    ++head;
    run = std::min(run + 1, max_n);
    for (std::size_t n = 1; n <= run; ++n) {
      std::uint64_t exact = 0, folded = 0;
      bool differs = false;
      for (std::size_t k = 0; k < n; ++k) {
        const Slot& sk = ring[(head - n + k) % ring.size()];
        exact = k == 0 ? sk.exact : KeyedHasher::Extend(exact, sk.exact);
        folded = k == 0 ? sk.folded : KeyedHasher::Extend(folded, sk.folded);
        differs = differs || sk.differs;
      }
      gram_hits.clear();
      ids.ForEachPosting(KeyedHasher::GramTag(exact, n),
                         [&](const IdentifierSet::Posting& p) { verify(p, n, false); });
      if (differs) {
        ids.ForEachPosting(KeyedHasher::GramTag(folded, n),
                           [&](const IdentifierSet::Posting& p) { verify(p, n, true); });
      }
      hits.insert(hits.end(), gram_hits.begin(), gram_hits.end());
    }
  });
}

Result<std::unique_ptr<Scanner>> Scanner::Create(const KeyedHasher& hasher, const IdentifierSet& ids,
                                                 ScanOptions options) {
  LEAKMON_ASSIGN_OR_RETURN(PhoneCanonicalizer phone, PhoneCanonicalizer::Create(options.default_region));
  return std::unique_ptr<Scanner>(new Scanner(hasher, ids, std::move(options), std::move(phone)));
}

Scanner::Scanner(const KeyedHasher& hasher, const IdentifierSet& ids, ScanOptions options, PhoneCanonicalizer phone)
    : hasher_(hasher), ids_(ids), options_(std::move(options)), phone_(std::move(phone)) {}

Scanner::~Scanner() = default;

std::vector<Match> Scanner::Scan(std::string_view text) const {
  if (text.size() > options_.max_text_bytes) text = text.substr(0, options_.max_text_bytes);
  if (ids_.size() == 0) return {};
  std::string storage;
  const std::string_view t = PrepareScanText(text, &storage);
  Pass pass{*this, {}, {}, {}};
  if (ids_.HasKind(Kind::kEmail) || ids_.HasKind(Kind::kEmailDomain) || ids_.HasKind(Kind::kName)) {
    pass.Emails(t);
    pass.CloudflareEmails(t);
  }
  if (ids_.HasKind(Kind::kEmailDomain)) pass.LinkHosts(t);
  pass.Digits(t);
  pass.Words(t);

  std::sort(pass.hits.begin(), pass.hits.end());
  std::vector<Match> out;
  for (const auto& [id, strength] : pass.hits) {
    if (out.empty() || out.back().id != id) {
      out.push_back(Match{id, 0, Strength::kFolded});
    }
    ++out.back().count;
    if (strength == Strength::kExact) out.back().strength = Strength::kExact;
  }
  return out;
}

}  // namespace leakmon
