#include "matcher/unicode.h"

#include <catch2/catch.hpp>

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
