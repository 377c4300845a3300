#include "matcher/unicode.h"

#include <array>
#include <cstdlib>
#include <memory>
#include <utf8proc.h>

namespace leakmon {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

struct FreeDeleter {
  void operator()(utf8proc_uint8_t* p) const { std::free(p); }
};

// Runs utf8proc_map over repaired (hence valid) UTF-8.
std::string Map(std::string_view in, int options) {
  std::string valid = RepairUtf8(in);
  utf8proc_uint8_t* out = nullptr;
  utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(valid.data()),
                                    static_cast<utf8proc_ssize_t>(valid.size()), &out,
                                    static_cast<utf8proc_option_t>(options));
  std::unique_ptr<utf8proc_uint8_t, FreeDeleter> owned(out);
  if (n < 0) return valid;  // cannot happen on repaired input; keep going regardless
  return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
}

// ASCII without NUL: NFKC leaves it as it is (no ASCII character
// decomposes, composes or is default-ignorable) and needs no repair.
bool PlainAscii(std::string_view in) {
  for (unsigned char c : in) {
    if (c >= 0x80 || c == 0) return false;
  }
  return true;
}

std::string AsciiLower(std::string_view in) {
  std::string out(in);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

bool IsWordCategory(utf8proc_category_t c) {
  switch (c) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string RepairUtf8(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(in.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(in.size());
  while (left > 0) {
    if (*p < 0x80) {  // ASCII fast path
      if (*p == 0) {
        out += kReplacement;
      } else {
        out.push_back(static_cast<char>(*p));
      }
      ++p;
      --left;
      continue;
    }
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) {
      out += kReplacement;
      ++p;
      --left;
    } else {
      out.append(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
      p += n;
      left -= n;
    }
  }
  return out;
}

std::string Nfkc(std::string_view in) {
  if (PlainAscii(in)) return std::string(in);
  return Map(in, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_IGNORE);
}

std::string NfkcCasefold(std::string_view in) {
  if (PlainAscii(in)) return AsciiLower(in);  // case folding of ASCII is lowercasing
  return Map(in, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_IGNORE |
                     UTF8PROC_CASEFOLD);
}

std::string Lowercase(std::string_view in) {
  if (PlainAscii(in)) return AsciiLower(in);
  std::string valid = RepairUtf8(in);
  std::string out;
  out.reserve(valid.size());
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(valid.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(valid.size());
  while (left > 0) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) break;  // unreachable after RepairUtf8
    utf8proc_uint8_t buf[4];
    utf8proc_ssize_t m = utf8proc_encode_char(utf8proc_tolower(cp), buf);
    out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(m));
    p += n;
    left -= n;
  }
  return out;
}

namespace unicode_internal {

constexpr std::array<unsigned char, 256> MakeSeparatorTable() {
  std::array<unsigned char, 256> t{};
  for (int c = 0; c < 128; ++c) {
    bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    t[static_cast<std::size_t>(c)] = word ? 0 : 1;
  }
  return t;
}
const std::array<unsigned char, 256> kAsciiSeparator = MakeSeparatorTable();

}  // namespace unicode_internal

void WordSplitter::OtherPiece(std::string_view piece) {
  const auto* s = reinterpret_cast<const unsigned char*>(piece.data());
  const std::size_t len = piece.size();
  words_.clear();
  bool ascii = true;
  for (std::size_t k = 0; k < len; ++k) ascii &= s[k] < 0x80;
  if (ascii) {
    scratch_.resize(len);
    for (std::size_t k = 0; k < len; ++k) scratch_[k] = static_cast<char>(s[k] | 0x20);  // letters and digits
    words_.emplace_back(scratch_);
  } else {
    // Latin-1 letters (C3 80-BF) among ASCII letters and digits: already
    // NFKC, and nothing after them can combine (the piece ends at ASCII).
    bool latin1 = true;
    scratch_.clear();
    for (std::size_t k = 0; k < len && latin1; ++k) {
      unsigned char c = s[k];
      if (c < 0x80) {
        scratch_.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
      } else if (c == 0xC3 && k + 1 < len && s[k + 1] >= 0x80 && s[k + 1] <= 0xBF) {
        unsigned char d = s[++k];
        if (d == 0x97 || d == 0xB7) {  // a symbol (U+00D7, U+00F7): NUL marks the break
          scratch_.push_back('\0');
        } else if (d == 0x9F) {  // sharp s folds to "ss"
          scratch_ += "ss";
        } else {
          if (d <= 0x9E) d = static_cast<unsigned char>(d + 0x20);  // uppercase -> lowercase
          scratch_.push_back(static_cast<char>(0xC3));
          scratch_.push_back(static_cast<char>(d));
        }
      } else {
        latin1 = false;
      }
    }
    if (latin1) {
      std::string_view all(scratch_);
      std::size_t p = 0;
      while (p <= all.size()) {
        std::size_t q = all.find('\0', p);
        if (q == std::string_view::npos) q = all.size();
        if (q > p) words_.push_back(all.substr(p, q - p));
        p = q + 1;
      }
    } else {
      SlowPiece(piece);
    }
  }
  // Each word followed by 16 zero bytes (ForEach's promise).
  padded_.clear();
  for (std::string_view w : words_) {
    padded_.append(w);
    padded_.append(16, '\0');
  }
  piece_words_.clear();
  std::size_t at = 0;
  for (std::string_view w : words_) {
    piece_words_.emplace_back(padded_.data() + at, w.size());
    at += w.size() + 16;
  }
}

void WordSplitter::SlowPiece(std::string_view piece) {
  normalized_ = NfkcCasefold(piece);
  words_.clear();
  const std::string& s = normalized_;
  const auto* base = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  utf8proc_ssize_t size = static_cast<utf8proc_ssize_t>(s.size());
  utf8proc_ssize_t i = 0;
  utf8proc_ssize_t start = -1;
  while (i < size) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t n;
    bool word;
    if (base[i] < 0x80) {
      word = !unicode_internal::kAsciiSeparator[base[i]];
      n = 1;
    } else {
      n = utf8proc_iterate(base + i, size - i, &cp);
      if (n <= 0) n = 1, cp = 0xFFFD;
      word = IsWordCategory(utf8proc_category(cp));
    }
    if (word && start < 0) start = i;
    if (!word && start >= 0) {
      words_.emplace_back(s.data() + start, static_cast<std::size_t>(i - start));
      start = -1;
    }
    i += n;
  }
  if (start >= 0) words_.emplace_back(s.data() + start, static_cast<std::size_t>(size - start));
}

std::vector<std::string_view> CanonicalWords(std::string_view text, std::string* storage) {
  WordSplitter splitter;
  std::vector<std::size_t> ends;
  storage->clear();
  splitter.ForEach(text, [&](std::string_view w, std::size_t, std::size_t) {
    storage->append(w);
    ends.push_back(storage->size());
  });
  std::vector<std::string_view> words;
  std::size_t begin = 0;
  for (std::size_t end : ends) {
    words.emplace_back(storage->data() + begin, end - begin);
    begin = end;
  }
  return words;
}

namespace {

// FoldDiacritics for U+00C0-U+00FF (the C3 xx block): what the general path
// gives, without utf8proc. Empty for x and ÷ (kept as they are).
std::string_view Latin1Fold(unsigned char second) {
  static constexpr std::string_view kFold[64] = {
      "A", "A", "A", "A", "A", "A", "ae", "C", "E", "E", "E", "E", "I", "I", "I", "I",   // C0-CF
      "d", "N", "O", "O", "O", "O", "O", "", "o", "U", "U", "U", "U", "Y", "th", "ss",  // D0-DF
      "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",  // E0-EF
      "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y"};  // F0-FF
  return kFold[second - 0x80];
}

}  // namespace

std::string FoldDiacritics(std::string_view canonical) {
  if (!MayFold(canonical)) return std::string(canonical);
  {
    std::string out;
    out.reserve(canonical.size());
    bool fast = true;
    for (std::size_t i = 0; i < canonical.size() && fast; ++i) {
      unsigned char c = static_cast<unsigned char>(canonical[i]);
      if (c < 0x80) {
        out.push_back(static_cast<char>(c));
      } else if (c == 0xC3 && i + 1 < canonical.size() && static_cast<unsigned char>(canonical[i + 1]) >= 0x80 &&
                 static_cast<unsigned char>(canonical[i + 1]) <= 0xBF &&
                 (i + 2 >= canonical.size() || static_cast<unsigned char>(canonical[i + 2]) < 0xCC ||
                  static_cast<unsigned char>(canonical[i + 2]) > 0xCD)) {  // no combining mark follows
        unsigned char d = static_cast<unsigned char>(canonical[++i]);
        std::string_view f = Latin1Fold(d);
        if (f.empty()) {
          out.push_back(static_cast<char>(c));
          out.push_back(static_cast<char>(d));
        } else {
          out.append(f);
        }
      } else {
        fast = false;
      }
    }
    if (fast) return out;
  }
  std::string valid = RepairUtf8(canonical);
  utf8proc_uint8_t* out = nullptr;
  utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(valid.data()),
                                    static_cast<utf8proc_ssize_t>(valid.size()), &out,
                                    static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                                                                   UTF8PROC_STRIPMARK));
  std::unique_ptr<utf8proc_uint8_t, FreeDeleter> owned(out);
  if (n < 0) return valid;
  std::string_view stripped(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
  // Letters that are not a base letter plus a mark.
  static constexpr std::pair<std::string_view, std::string_view> kMap[] = {
      {"\xC3\xB8", "o"},  {"\xC3\x98", "o"},  {"\xC3\xA6", "ae"}, {"\xC3\x86", "ae"}, {"\xC5\x93", "oe"},
      {"\xC5\x92", "oe"}, {"\xC3\xB0", "d"},  {"\xC3\x90", "d"},  {"\xC4\x91", "d"},  {"\xC4\x90", "d"},
      {"\xC5\x82", "l"},  {"\xC5\x81", "l"},  {"\xC3\xBE", "th"}, {"\xC3\x9E", "th"}, {"\xC4\xB1", "i"},
      {"\xC3\x9F", "ss"},
  };
  std::string result;
  result.reserve(stripped.size());
  for (std::size_t i = 0; i < stripped.size();) {
    bool mapped = false;
    if (static_cast<unsigned char>(stripped[i]) >= 0x80) {
      for (const auto& [from, to] : kMap) {
        if (stripped.compare(i, from.size(), from) == 0) {
          result.append(to);
          i += from.size();
          mapped = true;
          break;
        }
      }
    }
    if (!mapped) result.push_back(stripped[i++]);
  }
  return result;
}

}  // namespace leakmon
