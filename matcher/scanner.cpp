#include "matcher/scanner.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <memory>
#include <optional>
#include <utf8proc.h>

#include "matcher/bank.h"
#include "matcher/byte_masks.h"
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
  // From Classify(): positions where an email marker, a Cloudflare address
  // or a URL may start ('@' '[' '(' '{' '#' "-c" ":/" " at " " \xC3"), and
  // where each run of digits starts. Both ascending. And the word bytes
  // (byte_masks.h), for the word pass.
  std::vector<std::size_t> marks;
  std::vector<std::size_t> digit_starts;
  std::unique_ptr<std::uint64_t[]> word_bytes;

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

  void Classify(std::string_view t);
  void Emails(std::string_view t);
  void CloudflareEmails(std::string_view t);
  void LinkHosts(std::string_view t);
  void Digits(std::string_view t);
  void DigitSpan(std::string_view t, const std::vector<ByteRange>& groups, bool plus);
  void Iban(std::string_view t, std::size_t start);
  void Words(std::string_view t);
  struct WordPass;
};

// One pass over the text for the bytes every other pass starts from
// (byte_masks.h).
void Scanner::Pass::Classify(std::string_view t) {
  const std::size_t words = byte_masks::Words64(t.size());
  // Not zeroed first: the kernels write every entry.
  auto special = std::make_unique_for_overwrite<std::uint64_t[]>(words);
  auto digit = std::make_unique_for_overwrite<std::uint64_t[]>(words);
  word_bytes = std::make_unique_for_overwrite<std::uint64_t[]>(words);
  byte_masks::WordSpecialAndDigitBytes(t, word_bytes.get(), special.get(), digit.get());
  std::uint64_t prev_digit = 0;  // the previous block's last byte was a digit
  for (std::size_t b = 0; b < words; ++b) {
    const std::size_t base = b * 64;
    for (std::uint64_t m = special[b]; m; m &= m - 1) {
      marks.push_back(base + static_cast<std::size_t>(__builtin_ctzll(m)));
    }
    for (std::uint64_t m = digit[b] & ~((digit[b] << 1) | prev_digit); m; m &= m - 1) {
      digit_starts.push_back(base + static_cast<std::size_t>(__builtin_ctzll(m)));
    }
    prev_digit = digit[b] >> 63;
  }
}

void Scanner::Pass::Emails(std::string_view t) {
  std::vector<Marker> markers;
  for (const std::size_t i : marks) {
    const char c = t[i];
    if (c == '@') {
      markers.push_back({i, i + 1, false});
    } else if (c == '[' || c == '(' || c == '{') {
      if (std::size_t len = BracketWordAt(t, i, kAtWords)) markers.push_back({i, i + len, true});
    } else if (c == ' ') {
      // Bare " at " / " ät " (any case): accepted only when the result is a
      // valid address.
      if (i + 3 < t.size() && Lower(t[i + 1]) == 'a' && Lower(t[i + 2]) == 't' && t[i + 3] == ' ') {
        markers.push_back({i, i + 4, true});
      } else if (i + 4 < t.size() && t[i + 1] == '\xC3' && (t[i + 2] == '\xA4' || t[i + 2] == '\x84') &&
                 Lower(t[i + 3]) == 't' && t[i + 4] == ' ') {
        markers.push_back({i, i + 5, true});
      }
    }
  }

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
    for (const std::size_t a : marks) {
      if (t[a] != anchor) continue;
      if (a < anchor_at || t.compare(a - anchor_at, marker.size(), marker) != 0) continue;
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
      if (bytes.size() < 2) continue;
      std::string email;
      for (std::size_t k = 1; k < bytes.size(); ++k) email.push_back(static_cast<char>(bytes[k] ^ bytes[0]));
      Result<std::string> canon = CanonicalizeEmail(email);
      if (!canon.ok()) continue;
      Email(*canon);  // found or not, its domain counts for email_domain
      Domain(std::string_view(*canon).substr(canon->find('@') + 1));
    }
  }
}

void Scanner::Pass::LinkHosts(std::string_view t) {
  for (const std::size_t i : marks) {
    if (t.compare(i, 3, "://") != 0) continue;
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
  }
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
  std::size_t i = 0;  // digits before i belong to a span already read
  for (const std::size_t d : digit_starts) {
    if (d < i) continue;
    if (iban && d >= 2 && IsAlpha(t[d - 1]) && IsAlpha(t[d - 2]) && (d < 3 || !IsAlnum(t[d - 3])) && d + 1 < n &&
        IsDigit(t[d + 1])) {
      Iban(t, d - 2);
    }
    if (d > 0 && IsAlnum(t[d - 1])) continue;  // digits glued to a word
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
  // Phone candidates: the digits of groups g..h, for h up to g + 7, while
  // they are 7-15 digits (at most 19 in all). For a span of up to 16 groups
  // (nearly all), every candidate's tags are computed first and their
  // filter words prefetched, so that the lookups below overlap their cache
  // misses; the tags and their number are kept for them (the guesses
  // themselves are made again only on a tag hit).
  constexpr std::size_t kStagedGroups = 16, kSpanLength = 8;
  const bool staged = want_phone && groups.size() <= kStagedGroups;
  std::uint64_t phone_tags[kStagedGroups * kSpanLength][2];
  int phone_counts[kStagedGroups * kSpanLength];
  if (staged) {
    for (std::size_t g = 0; g < groups.size(); ++g) {
      digits.clear();
      for (std::size_t h = g; h < groups.size() && h < g + kSpanLength; ++h) {
        digits.append(digits_of(h));
        if (digits.size() > 19) break;
        if (digits.size() < 7 || digits.size() > 15) continue;
        const int count = s.phone_.Guesses(digits, plus && g == 0, guesses);
        phone_counts[g * kSpanLength + (h - g)] = count;
        for (int k = 0; k < count; ++k) {
          const std::uint64_t tag = s.hasher_.Tag(Kind::kPhone, guesses[k]);
          ids.Prefetch(tag);
          phone_tags[g * kSpanLength + (h - g)][k] = tag;
        }
      }
    }
  }
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
    for (std::size_t h = g; h < groups.size() && h < g + kSpanLength; ++h) {
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
        const std::size_t c = g * kSpanLength + (h - g);  // the staged candidate
        const int count = staged ? phone_counts[c] : s.phone_.Guesses(digits, with_plus, guesses);
        for (int k = 0; k < count; ++k) {
          bool tag_hit = false;
          const std::uint64_t tag = staged ? phone_tags[c][k] : s.hasher_.Tag(Kind::kPhone, guesses[k]);
          ids.ForEachPosting(tag, [&](const IdentifierSet::Posting&) { tag_hit = true; });
          if (!tag_hit) continue;
          if (staged) s.phone_.Guesses(digits, with_plus, guesses);
          if (with_plus) {
            // "+" and the digits: the text is written in E.164 already, and
            // a listed number's E.164 form is libphonenumber's own (hash-ids
            // made it), so the keyed hash alone decides (phone.h).
            TryNonWord(Kind::kPhone, guesses[k], g, h);
            break;
          }
          // Confirm with libphonenumber: the canonical form is its E.164
          // (its validity is known once the keyed hash matches; phone.h).
          Result<std::string> canon = s.phone_.ParseE164(digits);
          if (canon.ok()) TryNonWord(Kind::kPhone, *canon, g, h);
          break;
        }
      }
    }
  }
}

// The word pass over one page (Pass::Words).
//
// Most words of a page repeat: a cache of the page's short pieces (runs of
// word bytes, unicode.h; up to 12 bytes, 99.9% of the benchmark's) and
// what Classify() said of the one word each stands for, so each distinct
// piece costs its keyed hashes once, and a repeated piece is neither
// lowercased nor normalized again. A slot holds the piece's raw bytes as a
// 64-bit and a 32-bit number, zero-padded (no piece contains a NUL byte,
// so the padding also tells the length; all zeros is an empty slot), next
// to the answer: one 16-byte load. Two ways per bucket of 32 bytes: a
// piece may sit in either slot, so two frequent pieces of a page that hash
// to one bucket do not evict each other at every turn (with one way and
// word keys, the benchmark's plain corpus missed 3.2 million times; now
// 1.8 million, case variants included). About 128 bytes of text per
// bucket keeps the cache within the CPU's L1 cache for pages of tens of
// kilobytes. Per page only: it holds page words.
//
// The hot loop (Run) is one ForEachPiece whose callback answers a short
// piece from the cache; all else (a cache miss, a vocabulary word, a long
// piece, an email address, the text's last bytes) is a call out of it, to
// a member function that is not inlined: so the loop's own state stays in
// the CPU's registers (with the rare work inlined, it did not, and the hot
// path spilled and reloaded it at every piece).
struct Scanner::Pass::WordPass {
  // What the keyed functions say about one canonical word of the
  // vocabulary, computed once per distinct word of the page.
  struct WordInfo {
    std::uint64_t exact;   // WordTag(word)
    std::uint64_t folded;  // WordTag(folded word); == exact unless it differs
    bool differs;          // the folded form differs
    std::string word;
    std::string folded_word;
  };
  struct CacheSlot {
    std::uint64_t lo;
    std::uint32_t hi;
    std::uint32_t info;  // 1 + index into infos, or 0: not in the vocabulary
  };
  struct alignas(32) CacheBucket {
    CacheSlot way[2];
  };

  WordPass(Pass& pass, std::string_view text, std::size_t max_n)
      : p(pass), ids(pass.s.ids_), hasher(pass.s.hasher_), t(text), max_words(max_n),
        cache_buckets(std::clamp<std::size_t>(std::bit_ceil(text.size() / 128), 64, 2048)),
        cache_shift(64 - std::countr_zero(cache_buckets)), cache(new CacheBucket[cache_buckets]()),
        span_begin(pass.email_spans.empty() ? text.size() : pass.email_spans[0].begin), guard(Guard()) {}

  void Run() {
    WordSplitter::ForEachPieceOfMask(t, p.word_bytes.get(), [&](std::size_t begin, std::size_t end)
                                                                 __attribute__((always_inline)) {
      if (end - begin > 12 || begin >= guard) [[unlikely]] {
        Uncommon(begin, end);
      } else {
        CachedPiece(begin, end);
      }
    });
  }

  // A piece of up to 12 bytes before the guard: most are answered here.
  [[gnu::always_inline]] void CachedPiece(std::size_t begin, std::size_t end) {
    static constexpr std::uint64_t kLowBytes[13] = {0,
                                                     0xFF,
                                                     0xFFFF,
                                                     0xFFFFFF,
                                                     0xFFFFFFFF,
                                                     0xFFFFFFFFFF,
                                                     0xFFFFFFFFFFFF,
                                                     0xFFFFFFFFFFFFFF,
                                                     ~std::uint64_t{0},
                                                     ~std::uint64_t{0},
                                                     ~std::uint64_t{0},
                                                     ~std::uint64_t{0},
                                                     ~std::uint64_t{0}};
    static constexpr std::uint32_t kHighBytes[13] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFFFF, 0xFFFFFF, 0xFFFFFFFF};
    const std::size_t len = end - begin;
    std::uint64_t lo;
    std::uint32_t hi;
    std::memcpy(&lo, t.data() + begin, 8);
    std::memcpy(&hi, t.data() + begin + 8, 4);
    lo &= kLowBytes[len];
    hi &= kHighBytes[len];
    CacheBucket& b =
        cache[static_cast<std::size_t>(((lo + std::rotl(std::uint64_t{hi}, 29)) * 0x9E3779B97F4A7C15ULL) >> cache_shift)];
    // Way 0 first: it keeps the piece that came first, and most hits are
    // there (comparing both ways before either was taken cost 8 M more
    // instructions per 10 MB for fewer mispredictions that timed runs did
    // not show).
    if (((b.way[0].lo ^ lo) | (b.way[0].hi ^ hi)) == 0) {
      Word(b.way[0].info);
    } else if (((b.way[1].lo ^ lo) | (b.way[1].hi ^ hi)) == 0) {
      Word(b.way[1].info);
    } else {
      Miss(begin, end, b, lo, hi);
    }
  }

  // Where the cached path stops: the next email address, or the last 11
  // bytes of the text (a cached piece is read as 12 bytes).
  std::size_t Guard() const { return std::min(span_begin, t.size() >= 12 ? t.size() - 11 : 0); }

  // A long piece, or one at or past the guard.
  __attribute__((noinline)) void Uncommon(std::size_t begin, std::size_t end) {
    if (begin >= span_begin) {  // move on to the address it is in, or the next one
      const std::vector<ByteRange>& spans = p.email_spans;
      while (span < spans.size() && spans[span].end <= begin) ++span;
      span_begin = span < spans.size() ? spans[span].begin : t.size();
      guard = Guard();
      if (begin >= span_begin) {  // inside an address: not a name
        run = 0;
        return;
      }
    }
    if (end - begin > 12 || begin + 12 > t.size()) {
      splitter.PieceWords(t, begin, end, [&](std::string_view w, std::size_t, std::size_t) { Word(Classify(w)); });
      return;
    }
    // Short, before the guard again (past an address): the cached path.
    CachedPiece(begin, end);
  }

  // A short piece not in the cache: classified and cached in bucket b.
  __attribute__((noinline)) void Miss(std::size_t begin, std::size_t end, CacheBucket& b, std::uint64_t lo,
                                      std::uint32_t hi) {
    // A piece normally is one word; one that is not (a symbol or a
    // non-NFKC character inside) is not cached.
    std::size_t words = 0;
    std::uint32_t info = 0;
    splitter.PieceWords(t, begin, end, [&](std::string_view w, std::size_t, std::size_t) {
      if (words++ == 1) Word(info);  // the first word, held back
      info = Classify(w);
      if (words > 1) Word(info);
    });
    if (words != 1) return;
    // An empty first way, else the second (the first keeps the piece that came first).
    b.way[(b.way[0].lo | b.way[0].hi) == 0 ? 0 : 1] = CacheSlot{lo, hi, info};
    Word(info);
  }

  void Word(std::uint32_t info) {
    if (info == 0) {
      run = 0;
    } else {
      Push(info);
    }
  }

  // 1 + index into infos, or 0 when the word is not in the vocabulary. `w`
  // is a word from the splitter (PieceWords).
  std::uint32_t Classify(std::string_view w) {
    bool in = ids.InVocabulary(hasher.VocabTagOfSplitWord(w));
    std::string folded_word;
    bool differs = false;
    if (MayFoldSplitWord(w)) {
      folded_word = FoldDiacritics(w);
      differs = folded_word != w;
      if (!in && differs) in = ids.InVocabulary(hasher.VocabTag(folded_word));
    }
    if (!in) return 0;
    const std::uint64_t exact = hasher.WordTag(w);
    infos.push_back(WordInfo{exact, differs ? hasher.WordTag(folded_word) : exact, differs, std::string(w),
                             differs ? std::move(folded_word) : std::string(w)});
    return static_cast<std::uint32_t>(infos.size());
  }

  // MayFold (unicode.h) of a word from the splitter: one of up to 15 bytes
  // is followed by zero bytes up to 16 bytes from its start (unicode.h), so
  // two 8-byte loads show whether it has a byte >= 0x80.
  static bool MayFoldSplitWord(std::string_view w) {
    if (w.size() >= 16) return MayFold(w);
    std::uint64_t a, b;
    std::memcpy(&a, w.data(), 8);
    std::memcpy(&b, w.data() + 8, 8);
    return ((a | b) & 0x8080808080808080ULL) != 0;
  }

  const WordInfo& SlotAt(std::size_t back) const {  // back = 1: the last word pushed
    return infos[ring[(head - back) % ring.size()] - 1];
  }

  // A vocabulary word: n-grams over the run of such words ending here.
  __attribute__((noinline)) void Push(std::uint32_t info) {
    ring[head % ring.size()] = info;
    ++head;
    run = std::min(run + 1, max_words);
    // Every gram's tags first, prefetched, then the lookups.
    std::uint64_t exact_tags[IdentifierSet::kMaxRotations], folded_tags[IdentifierSet::kMaxRotations];
    bool differs[IdentifierSet::kMaxRotations];
    for (std::size_t n = 1; n <= run; ++n) {
      std::uint64_t exact = 0, folded = 0;
      bool d = false;
      for (std::size_t k = 0; k < n; ++k) {
        const WordInfo& sk = SlotAt(n - k);
        exact = k == 0 ? sk.exact : KeyedHasher::Extend(exact, sk.exact);
        folded = k == 0 ? sk.folded : KeyedHasher::Extend(folded, sk.folded);
        d = d || sk.differs;
      }
      exact_tags[n - 1] = KeyedHasher::GramTag(exact, n);
      ids.Prefetch(exact_tags[n - 1]);
      differs[n - 1] = d;
      if (d) {
        folded_tags[n - 1] = KeyedHasher::GramTag(folded, n);
        ids.Prefetch(folded_tags[n - 1]);
      }
    }
    for (std::size_t n = 1; n <= run; ++n) {
      gram_hits.clear();
      ids.ForEachPosting(exact_tags[n - 1], [&](const IdentifierSet::Posting& posting) { Verify(posting, n, false); });
      if (differs[n - 1]) {
        ids.ForEachPosting(folded_tags[n - 1], [&](const IdentifierSet::Posting& posting) { Verify(posting, n, true); });
      }
      p.hits.insert(p.hits.end(), gram_hits.begin(), gram_hits.end());
    }
  }

  // Verifies a posting hit by the gram of the last n words (exact or folded
  // spellings) and records it unless already hit at this gram.
  void Verify(const IdentifierSet::Posting& posting, std::size_t n, bool folded_path) {
    IdentifierView id = ids.identifier(posting.id);
    if (!IsWordKind(id.kind) || posting.rotation >= n) return;
    const Strength strength = folded_path || posting.folded ? Strength::kFolded : Strength::kExact;
    for (auto& [hid, hs] : gram_hits) {
      if (hid == posting.id && (hs == Strength::kExact || strength == Strength::kFolded)) return;
    }
    // The identifier's canonical order: undo the rotation.
    for (std::size_t m = 0; m < n; ++m) {
      const WordInfo& w = SlotAt(n - (m + n - posting.rotation) % n);
      parts[m] = folded_path ? w.folded_word : w.word;
    }
    canonical.clear();
    for (std::size_t m = 0; m < n; ++m) {
      if (m) canonical.push_back(' ');
      canonical.append(parts[m]);
    }
    const Digest* expected = posting.folded ? ids.folded_hash(posting.id) : &id.hash;
    if (!expected || hasher.Hash(canonical) != *expected) return;
    for (auto& [hid, hs] : gram_hits) {
      if (hid == posting.id) {
        hs = Strength::kExact;  // only an exact hit can improve on a folded one
        return;
      }
    }
    gram_hits.emplace_back(posting.id, strength);
  }

  Pass& p;
  const IdentifierSet& ids;
  const KeyedHasher& hasher;
  const std::string_view t;
  const std::size_t max_words;  // the longest gram
  const std::size_t cache_buckets;
  const int cache_shift;
  const std::unique_ptr<CacheBucket[]> cache;
  std::size_t span_begin;  // where the next email address starts (t.size(): none)
  std::size_t guard;       // Guard()
  std::size_t span = 0;    // next email span to compare with
  std::vector<WordInfo> infos;
  std::array<std::uint32_t, IdentifierSet::kMaxRotations> ring{};  // infos indexes of the last words
  std::size_t head = 0;  // words pushed so far
  std::size_t run = 0;   // consecutive vocabulary words ending at head
  std::vector<std::pair<std::uint32_t, Strength>> gram_hits;
  std::string canonical;
  std::string_view parts[IdentifierSet::kMaxRotations];
  WordSplitter splitter;
};

void Scanner::Pass::Words(std::string_view t) {
  const IdentifierSet& ids = s.ids_;
  const std::size_t max_n = std::min<std::size_t>(ids.max_words(), IdentifierSet::kMaxRotations);
  if (max_n == 0 || !(ids.HasKind(Kind::kName) || ids.HasKind(Kind::kTerm))) return;
  WordPass(*this, t, max_n).Run();
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
  Pass pass{*this, {}, {}, {}, {}, {}, {}};
  pass.Classify(t);
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
