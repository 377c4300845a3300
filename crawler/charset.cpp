#include "crawler/charset.h"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <iconv.h>
#include <memory>

#include "common/utf8.h"

namespace leakmon {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Trims spaces and quotes around a charset label and lowercases it.
std::string CleanLabel(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '"' || s.front() == '\'')) s.remove_prefix(1);
  std::size_t end = s.find_first_of(" \"';>/\t");
  return Lower(s.substr(0, end));
}

// Length of the valid UTF-8 sequence at p[0..left), or 0 if invalid.
std::size_t Utf8Length(const unsigned char* p, std::size_t left) {
  unsigned char c = p[0];
  if (c < 0x80) return 1;
  auto cont = [&](std::size_t i, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return i < left && p[i] >= lo && p[i] <= hi;
  };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
  if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (c == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  if (c == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

// How many bytes at the start of p[0..n) are ASCII (and not NUL unless
// `nul_too`), counted 8 at a time: a shortcut past plain text, the caller
// goes on byte by byte from there.
std::size_t AsciiPrefix(const unsigned char* p, std::size_t n, bool nul_too) {
  constexpr std::uint64_t kHigh = 0x8080808080808080ull, kOnes = 0x0101010101010101ull;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
    if ((w & kHigh) != 0) break;
    if (!nul_too && ((w - kOnes) & ~w & kHigh) != 0) break;  // a zero byte
  }
  return i;
}

// Appends what fits of `piece` to `out`, all or nothing.
bool Put(std::string* out, std::string_view piece, std::size_t max_out) {
  if (out->size() + piece.size() > max_out) return false;
  out->append(piece);
  return true;
}

void PutCodepoint(std::string* out, char32_t cp, std::size_t max_out, bool* truncated) {
  std::string piece;
  AppendUtf8(cp, &piece);
  if (!Put(out, piece, max_out)) *truncated = true;
}

// UTF-8 with invalid sequences replaced and NUL made a space. Valid runs
// are copied whole.
DecodedText RepairUtf8(std::string_view in, std::size_t max_out) {
  DecodedText d;
  d.charset = "utf-8";
  d.text.reserve(std::min(in.size(), max_out));
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  const std::size_t n = in.size();
  std::size_t run = 0;  // start of the valid run not yet copied
  std::size_t i = 0;
  auto flush = [&](std::size_t end) {
    std::size_t take = std::min(end - run, max_out - d.text.size());
    while (take < end - run && take > 0 && (p[run + take] & 0xC0) == 0x80) --take;  // whole characters only
    d.text.append(reinterpret_cast<const char*>(p + run), take);
    if (take < end - run) d.truncated = true;
  };
  while (i < n && !d.truncated) {
    i += AsciiPrefix(p + i, n - i, false);
    if (i >= n) break;
    if (p[i] >= 0x80) {
      std::size_t len = Utf8Length(p + i, n - i);
      if (len > 0) {
        i += len;
        continue;
      }
    } else if (p[i] != 0) {
      ++i;
      continue;
    }
    // An invalid byte or a NUL: copy the run before it, then its stand-in.
    flush(i);
    if (d.truncated) break;
    if (!Put(&d.text, p[i] == 0 ? std::string_view(" ") : kReplacement, max_out)) d.truncated = true;
    run = ++i;
  }
  if (!d.truncated) flush(n);
  return d;
}

// Windows-1252's 0x80..0x9F; undefined bytes map to the C1 control of the
// same value, as WHATWG's decoder does.
constexpr char16_t kCp1252High[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

DecodedText DecodeCp1252(std::string_view in, std::size_t max_out) {
  DecodedText d;
  d.charset = "windows-1252";
  d.text.reserve(std::min(in.size() + in.size() / 8, max_out));
  for (unsigned char c : in) {
    if (d.truncated) break;
    char32_t cp = c == 0 ? U' ' : c >= 0x80 && c < 0xA0 ? char32_t{kCp1252High[c - 0x80]} : char32_t{c};
    PutCodepoint(&d.text, cp, max_out, &d.truncated);
  }
  return d;
}

bool IsCp1252Label(const std::string& l) {
  static constexpr std::string_view kLabels[] = {
      "windows-1252", "cp1252", "x-cp1252", "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1",
      "l1", "cp819", "ibm819", "iso-ir-100", "us-ascii", "ascii", "ansi_x3.4-1968"};
  for (std::string_view k : kLabels) {
    if (l == k) return true;
  }
  return false;
}

bool IsUtf8Label(const std::string& l) { return l == "utf-8" || l == "utf8" || l == "unicode-1-1-utf-8"; }

struct IconvCloser {
  void operator()(iconv_t cd) const { iconv_close(cd); }
};

// Decodes through glibc's iconv; false when iconv does not know `label`.
bool DecodeIconv(std::string_view in, const std::string& label, std::size_t max_out, DecodedText* out) {
  iconv_t raw = iconv_open("UTF-8", label.c_str());
  if (raw == reinterpret_cast<iconv_t>(-1)) return false;
  std::unique_ptr<std::remove_pointer_t<iconv_t>, IconvCloser> cd(raw);
  std::string utf8;
  char* src = const_cast<char*>(in.data());
  std::size_t src_left = in.size();
  char chunk[16384];
  while (src_left > 0 && utf8.size() <= max_out) {
    char* dst = chunk;
    std::size_t dst_left = sizeof chunk;
    std::size_t rc = iconv(cd.get(), &src, &src_left, &dst, &dst_left);
    utf8.append(chunk, sizeof chunk - dst_left);
    if (rc == static_cast<std::size_t>(-1) && errno != E2BIG) {  // EILSEQ or EINVAL: skip one byte
      utf8.append(kReplacement);
      ++src;
      --src_left;
      iconv(cd.get(), nullptr, nullptr, nullptr, nullptr);  // reset shift state
    }
  }
  // iconv's output is UTF-8; the repair pass drops NULs and applies the cap.
  *out = RepairUtf8(utf8, max_out);
  out->truncated |= src_left > 0;
  out->charset = label;
  return true;
}

}  // namespace

std::string CharsetFromContentType(std::string_view content_type) {
  std::string lower = Lower(content_type);
  std::size_t at = lower.find("charset=");
  if (at == std::string::npos) return "";
  return CleanLabel(std::string_view(lower).substr(at + 8));
}

std::string CharsetFromHtmlMeta(std::string_view html) {
  std::string head = Lower(html.substr(0, 1024));
  std::size_t pos = 0;
  while ((pos = head.find("<meta", pos)) != std::string::npos) {
    std::size_t end = head.find('>', pos);
    if (end == std::string::npos) end = head.size();
    std::size_t at = head.find("charset=", pos);
    if (at != std::string::npos && at < end) return CleanLabel(std::string_view(head).substr(at + 8, end - at - 8));
    pos = end;
  }
  return "";
}

bool IsValidUtf8(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t left = bytes.size();
  while (left > 0) {
    const std::size_t ascii = AsciiPrefix(p, left, true);
    p += ascii;
    left -= ascii;
    if (left == 0) break;
    std::size_t n = Utf8Length(p, left);
    if (n == 0) return false;
    p += n;
    left -= n;
  }
  return true;
}

DecodedText DecodeToUtf8(std::string_view bytes, std::string_view label, std::size_t max_out) {
  std::string l = CleanLabel(label);
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") {  // a UTF-8 byte-order mark wins over any label
    bytes.remove_prefix(3);
    l = "utf-8";
  }
  if (IsUtf8Label(l)) return RepairUtf8(bytes, max_out);
  if (IsCp1252Label(l)) return DecodeCp1252(bytes, max_out);
  if (l.empty() && (bytes.substr(0, 2) == "\xFF\xFE" || bytes.substr(0, 2) == "\xFE\xFF")) l = "utf-16";
  DecodedText d;
  if (!l.empty() && DecodeIconv(bytes, l, max_out, &d)) return d;
  // Unknown: UTF-8 if it is (or mostly is), else Latin-1 as browsers read it.
  if (IsValidUtf8(bytes)) return RepairUtf8(bytes, max_out);
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t left = bytes.size();
  bool multibyte = false;
  while (left > 0 && !multibyte) {
    std::size_t n = Utf8Length(p, left);
    multibyte = n > 1;
    n = std::max<std::size_t>(n, 1);
    p += n;
    left -= n;
  }
  return multibyte ? RepairUtf8(bytes, max_out) : DecodeCp1252(bytes, max_out);
}

}  // namespace leakmon
