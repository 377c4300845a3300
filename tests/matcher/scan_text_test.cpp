#include "matcher/scan_text.h"

#include <catch2/catch.hpp>

#include "matcher/unicode.h"

using namespace leakmon;

TEST_CASE("Scan text: escapes and obfuscating encodings are decoded") {
  struct Case {
    std::string in;
    std::string out;
  };
  auto c = GENERATE(values<Case>({
      {"matti&#64;example.fi", "matti@example.fi"},
      {"matti&#x40;example&#46;fi", "matti@example.fi"},
      {"matti&commat;example&period;fi", "matti@example.fi"},
      {"M&auml;kinen", "M\xC3\xA4kinen"},
      {"mailto:matti%40example.fi", "mailto:matti@example.fi"},
      {"{\"email\":\"matti\\u0040example.fi\"}", "{\"email\":\"matti@example.fi\"}"},
      {"\\ud83d\\ude00", "\xF0\x9F\x98\x80"},                        // surrogate pair
      {"100% &unknown; &#xZZ; %zz \\uXYZW", "100% &unknown; &#xZZ; %zz \\uXYZW"},  // left alone
      {"a&#0;b", "a\xEF\xBF\xBD" "b"},                               // NUL becomes U+FFFD
  }));
  CHECK(DecodeEscapes(c.in) == c.out);
}

TEST_CASE("Scan text: NFKC, ignorables dropped, spaces unified, case kept") {
  struct Case {
    std::string in;
    std::string out;
  };
  auto c = GENERATE(values<Case>({
      {"plain ASCII stays", "plain ASCII stays"},
      {"M\xC3\xA4kinen \xC3\x85sa", "M\xC3\xA4kinen \xC3\x85sa"},                  // Latin-1 fast path
      {"Ma\xCC\x88kinen", "M\xC3\xA4kinen"},                                     // combining mark composes
      {"\xEF\xBC\xAD\xEF\xBD\x81tti\xEF\xBC\xA0x.fi", "Matti@x.fi"},             // fullwidth
      {"040\xC2\xA0" "123\xE2\x80\x89" "4567", "040 123 4567"},                 // NBSP, thin space
      {"Mat\xE2\x80\x8Bti Vir\xC2\xADtanen", "Matti Virtanen"},                 // zero-width space, soft hyphen
      {"matti&#8203;@example.fi", "matti@example.fi"},                          // decoded, then dropped
      {"\xC3\xA4\xCC\x88", "\xC3\xA4\xCC\x88"},                                 // no composition exists: kept
  }));
  CHECK(PrepareScanText(c.in) == c.out);
}

TEST_CASE("Scan text: the characters it replaces without utf8proc give what NFKC gives") {
  // scan_text.cpp's kKnownNfkc (at each '*'), alone between ASCII bytes, and
  // next to what sends a segment the general way (a combining mark, another
  // such character, a Latin-1 letter).
  const std::string known = GENERATE(as<std::string>{}, "\xC2\xA0", "\xE2\x80\x89", "\xE2\x80\x8B", "\xC2\xAD");
  const std::string around = GENERATE(as<std::string>{}, "a*b", "*", "a*", "*b", "ab*", "a*\xCC\x88", "a**b",
                                      "a*\xC2\xA0" "b", "\xC3\xA4*b", "a*\xC3\xA4", "1*2*3");
  std::string in;
  for (char c : around) {
    if (c == '*') {
      in += known;
    } else {
      in.push_back(c);
    }
  }
  INFO(in);
  CHECK(PrepareScanText(in) == Nfkc(in));
}

TEST_CASE("Scan text: hostile bytes never crash and stay linear") {
  std::string junk;
  for (int i = 0; i < 65536; ++i) junk.push_back(static_cast<char>((i * 7919) & 0xff));
  CHECK_NOTHROW(PrepareScanText(junk));
  CHECK(PrepareScanText(std::string(100000, '&')).size() == 100000);
  // 4 MB of '&' without a ';': ~30 ms. When each '&' searched the rest of
  // the text for its ';', this took 100 s.
  CHECK(PrepareScanText(std::string(4 << 20, '&')).size() == std::size_t{4} << 20);
  // A reference's ';' is looked for within 12 bytes of its '&'.
  CHECK(PrepareScanText("&#x40;&period;&#0000064;&commat ;") == "@.@&commat ;");
  CHECK(PrepareScanText(std::string(100000, '%')).size() == 100000);
}
