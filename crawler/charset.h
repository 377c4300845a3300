// Page bytes -> valid UTF-8, whatever the page claims. Pure functions.
//
// The charset comes from the Content-Type header, else (for HTML) from a
// <meta charset> / <meta http-equiv> in the first 1024 bytes, else from a
// byte-order mark, else it is guessed: valid UTF-8 stays UTF-8; bytes that
// are not UTF-8 and contain no valid multi-byte sequence are read as
// Windows-1252 (what Latin-1 pages really are, per WHATWG).
//
// Decoding never fails and never crashes on hostile input: invalid
// sequences become U+FFFD, NUL bytes become spaces, and the output is cut
// (at a character boundary) at `max_out` bytes. ISO-8859-1, US-ASCII and
// Windows-1252 labels are decoded as Windows-1252; other labels glibc's
// iconv knows (windows-1251, koi8-r, shift_jis, utf-16...) go through iconv.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace leakmon {

// The charset= parameter of a Content-Type value, lowercase; empty if none.
std::string CharsetFromContentType(std::string_view content_type);

// The charset an HTML document declares in a <meta> tag within its first
// 1024 bytes, lowercase; empty if none.
std::string CharsetFromHtmlMeta(std::string_view html);

struct DecodedText {
  std::string text;     // valid UTF-8
  std::string charset;  // the charset used: "utf-8", "windows-1252", or the iconv label
  bool truncated = false;
};

// Decodes `bytes` labelled `label` (empty: unknown, guess) to UTF-8.
DecodedText DecodeToUtf8(std::string_view bytes, std::string_view label, std::size_t max_out);

// True when `bytes` is entirely valid UTF-8 (no overlongs, surrogates or
// code points above U+10FFFF).
bool IsValidUtf8(std::string_view bytes);

}  // namespace leakmon
