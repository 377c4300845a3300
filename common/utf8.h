// UTF-8 encoding of one code point, shared by the crawler (charset and HTML
// entity decoding) and the matcher (escape decoding).
#pragma once

#include <string>

namespace leakmon {

// Appends the UTF-8 encoding of `cp` (U+FFFD for surrogates and values
// above U+10FFFF; U+0000 is encoded as is).
void AppendUtf8(char32_t cp, std::string* out);

}  // namespace leakmon
