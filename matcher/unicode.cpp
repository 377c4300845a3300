#include "matcher/unicode.h"

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
  return Map(in, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_IGNORE);
}

std::string NfkcCasefold(std::string_view in) {
  return Map(in, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_IGNORE |
                     UTF8PROC_CASEFOLD);
}

std::string Lowercase(std::string_view in) {
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

std::vector<std::string_view> CanonicalWords(std::string_view text, std::string* storage) {
  *storage = NfkcCasefold(text);
  std::vector<std::string_view> words;
  const std::string& s = *storage;
  const auto* base = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  utf8proc_ssize_t size = static_cast<utf8proc_ssize_t>(s.size());
  utf8proc_ssize_t i = 0;
  utf8proc_ssize_t start = -1;
  while (i < size) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t n;
    bool word;
    if (base[i] < 0x80) {
      unsigned char c = base[i];
      word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
      n = 1;
    } else {
      n = utf8proc_iterate(base + i, size - i, &cp);
      if (n <= 0) n = 1, cp = 0xFFFD;
      word = IsWordCategory(utf8proc_category(cp));
    }
    if (word && start < 0) start = i;
    if (!word && start >= 0) {
      words.emplace_back(s.data() + start, static_cast<std::size_t>(i - start));
      start = -1;
    }
    i += n;
  }
  if (start >= 0) words.emplace_back(s.data() + start, static_cast<std::size_t>(size - start));
  return words;
}

}  // namespace leakmon
