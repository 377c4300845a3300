// Unicode normalization and word splitting (utf8proc). Pure functions.
//
// Every function accepts arbitrary bytes: invalid UTF-8 sequences are
// replaced by U+FFFD first, so nothing here fails or crashes on hostile input.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace leakmon {

// Returns `in` with every invalid UTF-8 sequence (and NUL) replaced by U+FFFD.
std::string RepairUtf8(std::string_view in);

// NFKC, then drops default-ignorable code points (zero-width characters, soft
// hyphens). Case is kept.
std::string Nfkc(std::string_view in);

// NFKC with Unicode case folding, ignorables dropped.
std::string NfkcCasefold(std::string_view in);

// Per-code-point lowercase mapping of valid UTF-8 (unlike case folding, "ß"
// stays "ß").
std::string Lowercase(std::string_view in);

// Splits NfkcCasefold(text) into words: maximal runs of letters, digits and
// combining marks. Everything else (whitespace, punctuation, symbols) only
// separates words. `storage` receives the normalized text and the returned
// views point into it.
std::vector<std::string_view> CanonicalWords(std::string_view text, std::string* storage);

}  // namespace leakmon
