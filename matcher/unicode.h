// Unicode normalization and word splitting (utf8proc). Pure functions.
//
// Every function accepts arbitrary bytes: invalid UTF-8 sequences are
// replaced by U+FFFD first, so nothing here fails or crashes on hostile input.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "matcher/byte_masks.h"
#include "matcher/byte_scan.h"

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
// its own. Pieces are found from a bitmap of word bytes (byte_masks.h). Pieces of
// ASCII letters and digits, and of Latin-1 letters (U+00C0-U+00FF, "ä",
// "Ö", "å"), take a fast path; anything else goes through utf8proc. Not
// thread-safe (it reuses buffers); use one per thread.
class WordSplitter {
 public:
  // Calls fn(word, begin, end) for each word in order; [begin, end) is the
  // byte range of the piece of `text` the word came from. `word` is valid
  // only during the call, and its bytes are followed by zero bytes up to at
  // least 16 bytes from its start, so a caller may read the first 16 bytes
  // of a short word as two 64-bit words.
  template <class Fn>
  void ForEach(std::string_view text, Fn&& fn);

  // The same in two steps, for a caller that remembers what it learnt about
  // a piece: ForEachPiece calls fn(begin, end) for each piece (a maximal run
  // of word bytes: ASCII letters and digits, bytes >= 0x80), and PieceWords
  // calls fn(word, begin, end) for the words of one piece, as ForEach does.
  // ForEach(text, fn) is ForEachPiece with PieceWords(text, begin, end, fn).
  template <class Fn>
  void ForEachPiece(std::string_view text, Fn&& fn);
  template <class Fn>
  void PieceWords(std::string_view text, std::size_t begin, std::size_t end, Fn&& fn);
  // ForEachPiece for a caller that has the text's word-byte mask already
  // (byte_masks::WordBytes: Words64(text.size()) entries at `mask`).
  template <class Fn>
  static void ForEachPieceOfMask(std::string_view text, const std::uint64_t* mask, Fn&& fn);

 private:
  // The words of any other piece (long, or not ASCII) into piece_words_,
  // each followed by 16 zero bytes in padded_.
  void OtherPiece(std::string_view piece);
  // Splits a piece that needs utf8proc into words_.
  void SlowPiece(std::string_view piece);
  alignas(16) unsigned char short_[32] = {};  // a short ASCII word, zero-padded
  std::vector<std::uint64_t> mask_;  // word bytes of the text (byte_masks.h)
  std::string padded_;
  std::vector<std::string_view> piece_words_;
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
  ForEachPiece(text, [&](std::size_t begin, std::size_t end)
                         __attribute__((always_inline)) { PieceWords(text, begin, end, fn); });
}

template <class Fn>
[[gnu::always_inline]] inline void WordSplitter::ForEachPiece(std::string_view text, Fn&& fn) {
  mask_.resize(byte_masks::Words64(text.size()));
  byte_masks::WordBytes(text, mask_.data());
  ForEachPieceOfMask(text, mask_.data(), fn);
}

template <class Fn>
[[gnu::always_inline]] inline void WordSplitter::ForEachPieceOfMask(std::string_view text, const std::uint64_t* mask,
                                                                    Fn&& fn) {
  const std::size_t n = text.size();
  // Piece starts and ends are where the word-byte mask changes. Within a
  // block, starts and ends alternate: after the piece carried in from the
  // previous block (if any) ends, every start is followed by its end, unless
  // the piece runs into the next block.
  std::size_t piece_begin = 0;
  bool in_piece = false;
  const std::size_t blocks = byte_masks::Words64(n);
  for (std::size_t b = 0, base = 0; b < blocks; ++b, base += 64) {
    const std::uint64_t m = mask[b];
    const std::uint64_t prev = (m << 1) | (in_piece ? 1u : 0u);
    std::uint64_t starts = m & ~prev;
    std::uint64_t ends = ~m & prev;
    if (in_piece) {
      if (ends == 0) continue;  // the whole block is inside the piece
      fn(piece_begin, base + static_cast<std::size_t>(__builtin_ctzll(ends)));
      ends &= ends - 1;
      in_piece = false;
    }
    while (starts != 0) {
      const std::size_t start = base + static_cast<std::size_t>(__builtin_ctzll(starts));
      starts &= starts - 1;
      if (ends == 0) {  // runs into the next block
        piece_begin = start;
        in_piece = true;
        break;
      }
      fn(start, base + static_cast<std::size_t>(__builtin_ctzll(ends)));
      ends &= ends - 1;
    }
  }
  if (in_piece) fn(piece_begin, n);
}

template <class Fn>
[[gnu::always_inline]] inline void WordSplitter::PieceWords(std::string_view text, std::size_t start, std::size_t end,
                                                            Fn&& fn) {
  const std::size_t len = end - start;
  // Short pieces of ASCII and Latin-1 letters and digits: lowercase in one
  // step (byte_scan.h).
  if (len <= 16 && start + 16 <= text.size() &&
      byte_scan::LowerShortPiece(reinterpret_cast<const unsigned char*>(text.data()) + start, len, short_)) {
    fn(std::string_view(reinterpret_cast<const char*>(short_), len), start, end);
    return;
  }
  OtherPiece(text.substr(start, len));
  for (std::string_view w : piece_words_) fn(w, start, end);
}

}  // namespace leakmon
