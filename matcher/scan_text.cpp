#include "matcher/scan_text.h"

#include <cstring>
#include <memory>

#include "common/utf8.h"
#include "matcher/byte_masks.h"
#include "matcher/unicode.h"

namespace leakmon {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// NUL never reaches the scanner's text: it becomes U+FFFD.
void AppendUtf8(std::string* out, std::uint32_t cp) { leakmon::AppendUtf8(cp == 0 ? char32_t{0xFFFD} : cp, out); }

struct NamedEntity {
  std::string_view name;
  std::uint32_t cp;
};
constexpr NamedEntity kEntities[] = {
    {"amp", '&'},      {"lt", '<'},     {"gt", '>'},        {"quot", '"'},   {"apos", '\''},   {"nbsp", 0xA0},
    {"commat", '@'},   {"period", '.'}, {"plus", '+'},      {"hyphen", 0x2010}, {"dash", 0x2010}, {"minus", 0x2212},
    {"lowbar", '_'},   {"num", '#'},    {"colon", ':'},     {"sol", '/'},    {"comma", ','},   {"lpar", '('},
    {"rpar", ')'},     {"lsqb", '['},   {"rsqb", ']'},      {"lbrack", '['}, {"rbrack", ']'},  {"lcub", '{'},
    {"rcub", '}'},     {"thinsp", 0x2009}, {"ensp", 0x2002}, {"emsp", 0x2003}, {"zwsp", 0x200B}, {"shy", 0xAD},
    {"zwj", 0x200D},   {"zwnj", 0x200C}, {"auml", 0xE4},    {"Auml", 0xC4},  {"ouml", 0xF6},   {"Ouml", 0xD6},
    {"aring", 0xE5},   {"Aring", 0xC5}, {"oslash", 0xF8},   {"Oslash", 0xD8}, {"aelig", 0xE6}, {"AElig", 0xC6},
    {"uuml", 0xFC},    {"Uuml", 0xDC},  {"eacute", 0xE9},   {"Eacute", 0xC9}, {"szlig", 0xDF}, {"excl", '!'},
    {"percnt", '%'},   {"equals", '='}, {"quest", '?'},     {"ast", '*'},    {"dollar", '$'},  {"bsol", '\\'},
};

// Decodes a character reference at text[i] == '&'. Returns its length, 0 if
// there is none. Its ';' is looked for within 12 bytes only: a search to the
// end of the text would make a page of '&'s without ';' quadratic.
std::size_t DecodeEntity(std::string_view text, std::size_t i, std::string* out) {
  const std::size_t semi_at = text.substr(i, 13).find(';', 1);  // semi - i
  if (semi_at == std::string_view::npos || semi_at == 1) return 0;
  const std::size_t semi = i + semi_at;
  std::string_view body = text.substr(i + 1, semi - i - 1);
  if (body[0] == '#') {
    std::uint32_t cp = 0;
    bool hex = body.size() > 1 && (body[1] == 'x' || body[1] == 'X');
    std::string_view digits = body.substr(hex ? 2 : 1);
    if (digits.empty() || digits.size() > 7) return 0;
    for (char c : digits) {
      int v = hex ? HexValue(c) : (c >= '0' && c <= '9' ? c - '0' : -1);
      if (v < 0) return 0;
      cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(v);
    }
    AppendUtf8(out, cp);
    return semi - i + 1;
  }
  for (const NamedEntity& e : kEntities) {
    if (e.name == body) {
      AppendUtf8(out, e.cp);
      return semi - i + 1;
    }
  }
  return 0;
}

// Decodes \uXXXX (and a following low surrogate) at text[i] == '\'.
std::size_t DecodeJsonEscape(std::string_view text, std::size_t i, std::string* out) {
  auto hex4 = [&](std::size_t at, std::uint32_t* v) {
    if (at + 6 > text.size() || text[at] != '\\' || text[at + 1] != 'u') return false;
    *v = 0;
    for (std::size_t k = at + 2; k < at + 6; ++k) {
      int h = HexValue(text[k]);
      if (h < 0) return false;
      *v = *v * 16 + static_cast<std::uint32_t>(h);
    }
    return true;
  };
  std::uint32_t cp;
  if (!hex4(i, &cp)) return 0;
  if (cp >= 0xD800 && cp <= 0xDBFF) {
    std::uint32_t lo;
    if (hex4(i + 6, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
      AppendUtf8(out, 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00));
      return 12;
    }
  }
  AppendUtf8(out, cp);
  return 6;
}

// Builds the output of a pass that rewrites a few ranges of its input:
// nothing is copied until the first range that really changes, so text with
// nothing to rewrite costs one scan and no copy.
class Rewriter {
 public:
  Rewriter(std::string_view in, std::string* out) : in_(in), out_(out) {}
  // in_[begin, end) becomes `with`; ranges come in order and do not overlap.
  void Replace(std::size_t begin, std::size_t end, std::string_view with) {
    if (!changed_) {
      if (with == in_.substr(begin, end - begin)) return;
      changed_ = true;
      out_->clear();
      out_->reserve(in_.size() + 16);
    }
    out_->append(in_.data() + copied_, begin - copied_);
    out_->append(with);
    copied_ = end;
  }
  // The result: `in` itself when nothing changed, else a view of *out.
  std::string_view Finish() {
    if (!changed_) return in_;
    out_->append(in_.data() + copied_, in_.size() - copied_);
    return *out_;
  }

 private:
  std::string_view in_;
  std::string* out_;
  std::size_t copied_ = 0;
  bool changed_ = false;
};

// Where decoding and NFKC start in a text: its '&' '%' '\\' bytes and its
// bytes >= 0x80, found in one pass (byte_masks.h).
struct StartBytes {
  explicit StartBytes(std::string_view text)
      : escape(std::make_unique_for_overwrite<std::uint64_t[]>(byte_masks::Words64(text.size()))),
        high(std::make_unique_for_overwrite<std::uint64_t[]>(byte_masks::Words64(text.size()))) {
    byte_masks::EscapeAndHighBytes(text, escape.get(), high.get());  // writes every entry
  }
  std::unique_ptr<std::uint64_t[]> escape;
  std::unique_ptr<std::uint64_t[]> high;
};

std::string_view DecodeEscapesInto(std::string_view text, const StartBytes& starts, std::string* storage) {
  Rewriter out(text, storage);
  const std::size_t n = text.size();
  const std::uint64_t* escape = starts.escape.get();
  std::string piece;
  for (std::size_t i = byte_masks::NextBit(escape, 0, n); i < n; i = byte_masks::NextBit(escape, i, n)) {
    piece.clear();
    std::size_t used = 0;
    if (text[i] == '&') {
      used = DecodeEntity(text, i, &piece);
    } else if (text[i] == '%') {
      if (i + 2 < n) {
        int hi = HexValue(text[i + 1]), lo = HexValue(text[i + 2]);
        if (hi >= 0 && lo >= 0) {
          int b = hi * 16 + lo;
          if (b >= 0x20 && b < 0x7F) {
            piece.push_back(static_cast<char>(b));
            used = 3;
          }
        }
      }
    } else {
      used = DecodeJsonEscape(text, i, &piece);
    }
    if (used == 0) {
      ++i;
    } else {
      out.Replace(i, i + used, piece);
      i += used;
    }
  }
  return out.Finish();
}

// Characters that pages use to break up addresses, names and numbers (the
// benchmark corpus has one or more on nearly every page), with their NFKC:
// the spaces become ' ', the invisible ones (default ignorable) vanish.
// One of them standing alone between ASCII bytes is replaced without
// utf8proc; the scan_text test checks each against Nfkc().
struct KnownNfkc {
  std::string_view from;
  std::string_view to;
};
constexpr KnownNfkc kKnownNfkc[] = {
    {"\xC2\xA0", " "},      // U+00A0 no-break space
    {"\xE2\x80\x89", " "},  // U+2009 thin space
    {"\xE2\x80\x8B", ""},   // U+200B zero-width space
    {"\xC2\xAD", ""},       // U+00AD soft hyphen
};

// NFKC with the fast paths: ASCII, and Latin-1 letters (C3 80-BF) followed by
// ASCII or by another such letter, are already NFKC and compose with nothing.
// Everything else goes to utf8proc in segments: from the previous character
// if it is ASCII (a combining mark may attach to it) to the next pair of
// ASCII bytes; one of the characters above alone between ASCII bytes is
// replaced directly.
std::string_view NfkcInto(std::string_view text, const StartBytes& starts, std::string* storage) {
  Rewriter out(text, storage);
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  const std::uint64_t* high = starts.high.get();
  auto latin1_at = [&](std::size_t k) { return k + 1 < n && s[k] == 0xC3 && s[k + 1] >= 0x80 && s[k + 1] <= 0xBF; };
  for (std::size_t i = byte_masks::NextBit(high, 0, n); i < n; i = byte_masks::NextBit(high, i, n)) {
    if (latin1_at(i) && (i + 2 >= n || s[i + 2] < 0x80 || latin1_at(i + 2))) {
      i += 2;
      continue;
    }
    // A known character followed by two ASCII bytes (or the end): the
    // segment below would be it and its ASCII neighbours, which NFKC
    // keeps as they are.
    const KnownNfkc* known = nullptr;
    for (const KnownNfkc& k : kKnownNfkc) {
      if (text.compare(i, k.from.size(), k.from) == 0) known = &k;
    }
    if (known) {
      const std::size_t after = i + known->from.size();
      if (after >= n || (s[after] < 0x80 && (after + 1 >= n || s[after + 1] < 0x80))) {
        out.Replace(i, after, known->to);
        i = after;
        continue;
      }
    }
    std::size_t start = i;
    if (start > 0 && s[start - 1] < 0x80) --start;  // always a byte kept as it was
    std::size_t end = i;
    while (end < n && !(s[end] < 0x80 && (end + 1 >= n || s[end + 1] < 0x80))) ++end;
    if (end < n) ++end;  // include the ASCII byte that ends it
    out.Replace(start, end, Nfkc(text.substr(start, end - start)));
    i = end;
  }
  return out.Finish();
}

}  // namespace

std::string DecodeEscapes(std::string_view text) {
  std::string storage;
  return std::string(DecodeEscapesInto(text, StartBytes(text), &storage));
}

std::string_view PrepareScanText(std::string_view text, std::string* storage) {
  std::string decoded;
  const StartBytes starts(text);
  std::string_view t = DecodeEscapesInto(text, starts, &decoded);
  // Decoding changed the text (rarely): NFKC starts from its own high bytes.
  std::string_view out = t.data() == text.data() ? NfkcInto(t, starts, storage) : NfkcInto(t, StartBytes(t), storage);
  if (out.data() == decoded.data()) {  // NFKC changed nothing: keep the decoded text
    *storage = std::move(decoded);
    return *storage;
  }
  return out;
}

std::string PrepareScanText(std::string_view text) {
  std::string storage;
  return std::string(PrepareScanText(text, &storage));
}

}  // namespace leakmon
