#include "matcher/unicode.h"

#include <catch2/catch.hpp>
#include <utf8proc.h>

#include "tests/matcher/kernel_limit.h"

using leakmon::CanonicalWords;

namespace {
std::vector<std::string> Words(const std::string& text) {
  std::string storage;
  std::vector<std::string> out;
  for (auto w : CanonicalWords(text, &storage)) out.emplace_back(w);
  return out;
}
}  // namespace

TEST_CASE("Words: NFKC, case folding, punctuation and whitespace separate") {
  struct Case {
    std::string text;
    std::vector<std::string> words;
  };
  auto c = GENERATE(values<Case>({
      {"Matti Virtanen", {"matti", "virtanen"}},
      {"VIRTANEN,  Matti", {"virtanen", "matti"}},
      {"  Liisa\tMäkinen\n", {"liisa", "mäkinen"}},
      {"Liisa Ma\xCC\x88kinen", {"liisa", "mäkinen"}},                 // combining diaeresis composes
      {"\xEF\xBC\xAD\xEF\xBD\x81tti", {"matti"}},                      // fullwidth "Ma"
      {"Mat\xE2\x80\x8Bti Vir\xC2\xADtanen", {"matti", "virtanen"}},   // zero-width space, soft hyphen
      {"Straße", {"strasse"}},
      {"a.b-c/d", {"a", "b", "c", "d"}},
      {"", {}},
      {"!!!", {}},
  }));
  CHECK(Words(c.text) == c.words);
}

TEST_CASE("Invalid UTF-8 and NUL bytes are repaired, never fatal") {
  CHECK(leakmon::RepairUtf8(std::string("a\xff" "b", 3)) == "a\xEF\xBF\xBD" "b");
  CHECK(leakmon::RepairUtf8(std::string("a\0b", 3)) == "a\xEF\xBF\xBD" "b");
  CHECK(leakmon::RepairUtf8("\xC3") == "\xEF\xBF\xBD");        // truncated sequence
  CHECK(leakmon::RepairUtf8("\xED\xA0\x80") != "\xED\xA0\x80");  // surrogate
  CHECK(Words(std::string("matti\xff\xfe virtanen")) == std::vector<std::string>{"matti", "virtanen"});
}

TEST_CASE("Lowercase keeps sharp s, unlike case folding") {
  CHECK(leakmon::Lowercase("STRAßE@X.DE") == "straße@x.de");
  CHECK(leakmon::NfkcCasefold("STRAßE") == "strasse");
}

namespace {

// The definition WordSplitter implements piece by piece: NFKC + case fold of
// the whole text, then maximal runs of letters, digits and marks.
std::vector<std::string> ReferenceWords(const std::string& text) {
  std::string folded = leakmon::NfkcCasefold(text);
  std::vector<std::string> out;
  std::string cur;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(folded.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(folded.size());
  while (left > 0) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) n = 1, cp = 0xFFFD;
    auto cat = utf8proc_category(cp);
    bool word = cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LL || cat == UTF8PROC_CATEGORY_LT ||
                cat == UTF8PROC_CATEGORY_LM || cat == UTF8PROC_CATEGORY_LO || cat == UTF8PROC_CATEGORY_MN ||
                cat == UTF8PROC_CATEGORY_MC || cat == UTF8PROC_CATEGORY_ME || cat == UTF8PROC_CATEGORY_ND ||
                cat == UTF8PROC_CATEGORY_NL || cat == UTF8PROC_CATEGORY_NO;
    if (word) {
      cur.append(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
    } else if (!cur.empty()) {
      out.push_back(cur);
      cur.clear();
    }
    p += n;
    left -= n;
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

}  // namespace

TEST_CASE("WordSplitter's fast paths give the same words as NFKC-casefolding the whole text") {
  // Fragments that exercise every path: ASCII, Latin-1 letters and symbols,
  // combining marks after ASCII and after Latin-1, fullwidth forms,
  // ignorables, NBSP, sharp s, invalid bytes, digits with superscripts.
  const std::vector<std::string> fragments = {
      "Matti", "VIRTANEN", " ", ",", "-", "\n", "\xC3\xA4", "\xC3\x84", "\xC3\x96", "\xC3\xB6", "\xC3\x85",
      "\xC3\x97", "\xC3\xB7", "\xC3\x9F", "a\xCC\x88", "\xC3\xA4\xCC\x81", "\xEF\xBC\xAD", "\xEF\xBD\x81",
      "\xE2\x80\x8B", "\xC2\xAD", "\xC2\xA0", "\xC2\xB2", "\xE2\x85\xA0", "\xFF", "\xC3", "0", "42", "\xC5\x93",
      "\xC3\xB8", "\xE1\xBA\x9E", "\xC4\xB0", "\xC7\x85", "\xEF\xAC\x81", "\xCE\xA3", "\xCF\x82"};
  // Once per byte-mask implementation (byte_masks.h); texts up to ~200
  // bytes cover whole 64-byte blocks and the tail.
  for (leakmon::byte_masks::Kernels kernels : leakmon::testing::kAllKernels) {
    leakmon::testing::KernelLimit limit(kernels);
    INFO("implementation " << leakmon::testing::KernelName(leakmon::byte_masks::ActiveKernels()));
    std::uint32_t seed = 12345;
    for (int round = 0; round < 3000; ++round) {
      std::string text;
      int parts = 1 + static_cast<int>(seed % (round % 2 ? 9 : 60));
      for (int k = 0; k < parts; ++k) {
        seed = seed * 1103515245u + 12345u;
        text += fragments[(seed >> 8) % fragments.size()];
      }
      INFO(text);
      REQUIRE(Words(text) == ReferenceWords(text));
      // ForEachPiece: the maximal runs of word bytes, in order.
      std::vector<std::pair<std::size_t, std::size_t>> pieces, runs;
      leakmon::WordSplitter splitter;
      splitter.ForEachPiece(text, [&](std::size_t b, std::size_t e) { pieces.emplace_back(b, e); });
      auto word_byte = [](unsigned char c) {
        return c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
      };
      for (std::size_t i = 0; i < text.size();) {
        if (!word_byte(static_cast<unsigned char>(text[i]))) {
          ++i;
          continue;
        }
        std::size_t j = i;
        while (j < text.size() && word_byte(static_cast<unsigned char>(text[j]))) ++j;
        runs.emplace_back(i, j);
        i = j;
      }
      REQUIRE(pieces == runs);
    }
  }
}

TEST_CASE("Diacritic folding: the weaker name variant") {
  struct Case {
    std::string in;
    std::string out;
  };
  auto c = GENERATE(values<Case>({
      {"m\xC3\xA4kinen", "makinen"},
      {"\xC3\xA5sa", "asa"},
      {"s\xC3\xB8rensen", "sorensen"},   // ø -> o
      {"\xC3\xA6sir", "aesir"},          // æ -> ae
      {"m\xC3\xBCller", "muller"},
      {"jos\xC3\xA9", "jose"},
      {"virtanen", "virtanen"},
  }));
  CHECK(leakmon::FoldDiacritics(c.in) == c.out);
  CHECK(leakmon::MayFold(c.in) == (c.in != c.out));
}
