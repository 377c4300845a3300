// Unicode normalization and word splitting (utf8proc). Pure functions.
//
// Every function accepts arbitrary bytes: invalid UTF-8 sequences are
// replaced by U+FFFD first, so nothing here fails or crashes on hostile input.
#pragma once

#include <array>
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

// The canonical words of a text: NfkcCasefold(text) split into maximal runs of
// letters, digits and combining marks; everything else (whitespace,
// punctuation, symbols) only separates words.
//
// WordSplitter is the one implementation, shared by hash-ids (through
// CanonicalWords) and the scanner. It works piece by piece: ASCII
// punctuation and whitespace always separate words and never combine with
// their neighbours under NFKC, so each piece between them is normalized on
// its own. Pieces of ASCII letters and digits, and of Latin-1 letters
// (U+00C0-U+00FF, "ä", "Ö", "å"), take a fast path; anything else goes
// through utf8proc. Not thread-safe (it reuses buffers); use one per thread.
class WordSplitter {
 public:
  // Calls fn(word, begin, end) for each word in order; [begin, end) is the
  // byte range of the piece of `text` the word came from. `word` is valid
  // only during the call.
  template <class Fn>
  void ForEach(std::string_view text, Fn&& fn);

 private:
  // Splits a piece that needs utf8proc into words_.
  void SlowPiece(std::string_view piece);
  std::string scratch_;
  std::string normalized_;
  std::vector<std::string_view> words_;
};

// All canonical words of `text`. `storage` receives their bytes and the
// returned views point into it.
std::vector<std::string_view> CanonicalWords(std::string_view text, std::string* storage);

// The weaker diacritic-folded form of a canonical word or phrase: marks
// stripped (ä -> a, é -> e, å -> a) and ø -> o, æ -> ae, œ -> oe, ð -> d,
// đ -> d, ł -> l, þ -> th. Returns the input unchanged when nothing folds.
std::string FoldDiacritics(std::string_view canonical);

// True when FoldDiacritics could change `s` (it has a non-ASCII byte).
inline bool MayFold(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return true;
  }
  return false;
}

namespace unicode_internal {

// 1 for ASCII bytes that separate words (everything but A-Z a-z 0-9);
// 0 for word bytes and for every non-ASCII byte.
extern const std::array<unsigned char, 256> kAsciiSeparator;

}  // namespace unicode_internal

template <class Fn>
void WordSplitter::ForEach(std::string_view text, Fn&& fn) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    while (i < n && unicode_internal::kAsciiSeparator[s[i]]) ++i;
    if (i >= n) break;
    const std::size_t start = i;
    bool ascii = true;
    while (i < n && !unicode_internal::kAsciiSeparator[s[i]]) {
      ascii &= s[i] < 0x80;
      ++i;
    }
    if (ascii) {
      scratch_.resize(i - start);
      for (std::size_t k = start; k < i; ++k) {
        unsigned char c = s[k];
        scratch_[k - start] = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
      }
      fn(std::string_view(scratch_), start, i);
      continue;
    }
    // Latin-1 letters (C3 80-BF) among ASCII letters and digits: already
    // NFKC, and nothing after them can combine (the piece ends at ASCII).
    bool latin1 = true;
    bool split = false;  // a symbol (U+00D7, U+00F7) inside: NUL marks the break
    scratch_.clear();
    for (std::size_t k = start; k < i && latin1; ++k) {
      unsigned char c = s[k];
      if (c < 0x80) {
        scratch_.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
      } else if (c == 0xC3 && k + 1 < i && s[k + 1] >= 0x80 && s[k + 1] <= 0xBF) {
        unsigned char d = s[++k];
        if (d == 0x97 || d == 0xB7) {
          scratch_.push_back('\0');
          split = true;
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
      if (!split) {
        fn(all, start, i);
        continue;
      }
      std::size_t p = 0;
      while (p <= all.size()) {
        std::size_t q = all.find('\0', p);
        if (q == std::string_view::npos) q = all.size();
        if (q > p) fn(all.substr(p, q - p), start, i);
        p = q + 1;
      }
      continue;
    }
    SlowPiece(text.substr(start, i - start));
    for (std::string_view w : words_) fn(w, start, i);
  }
}

}  // namespace leakmon
