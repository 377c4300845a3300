// Page bytes -> UTF-8 text: charsets (declared, sniffed, guessed), invalid
// UTF-8 and NUL bytes, content types, and the caps.
#include "crawler/content.h"

#include <catch2/catch.hpp>

#include "crawler/charset.h"

using namespace leakmon;

TEST_CASE("Charset labels from Content-Type and <meta>") {
  CHECK(CharsetFromContentType("text/html; charset=ISO-8859-1") == "iso-8859-1");
  CHECK(CharsetFromContentType("text/plain;charset=\"utf-8\"") == "utf-8");
  CHECK(CharsetFromContentType("text/html") == "");
  CHECK(CharsetFromHtmlMeta("<html><head><meta charset=\"windows-1252\"></head>") == "windows-1252");
  CHECK(CharsetFromHtmlMeta("<META http-equiv=Content-Type content='text/html; charset=latin1'>") == "latin1");
  CHECK(CharsetFromHtmlMeta(std::string(2000, ' ') + "<meta charset=latin1>") == "");  // only the first 1024 bytes
}

TEST_CASE("Bytes are decoded to valid UTF-8, whatever they claim") {
  struct Case {
    std::string bytes;
    std::string label;
    std::string text;
    std::string charset;
  };
  auto c = GENERATE(values<Case>({
      // Latin-1 and Windows-1252 (labelled, and guessed when unlabelled).
      {"Liisa M\xE4kinen", "iso-8859-1", "Liisa M\xC3\xA4kinen", "windows-1252"},
      {"Liisa M\xE4kinen", "", "Liisa M\xC3\xA4kinen", "windows-1252"},
      {"\x80 5 \x93quoted\x94", "windows-1252", "\xE2\x82\xAC 5 \xE2\x80\x9Cquoted\xE2\x80\x9D", "windows-1252"},
      // UTF-8 stays; a BOM is dropped; invalid sequences become U+FFFD; NUL a space.
      {"M\xC3\xA4kinen", "", "M\xC3\xA4kinen", "utf-8"},
      {"\xEF\xBB\xBFM\xC3\xA4kinen", "iso-8859-1", "M\xC3\xA4kinen", "utf-8"},
      {"a\xC3\xA4\xFF" "b", "utf-8", "a\xC3\xA4\xEF\xBF\xBD" "b", "utf-8"},
      {"a\xC3\xA4\xFF" "b", "", "a\xC3\xA4\xEF\xBF\xBD" "b", "utf-8"},  // mostly UTF-8: repaired, not Latin-1
      {std::string("a\0b", 3), "utf-8", "a b", "utf-8"},
      {"\xED\xA0\x80", "utf-8", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", "utf-8"},  // a surrogate
      {"\xC0\xAF", "utf-8", "\xEF\xBF\xBD\xEF\xBF\xBD", "utf-8"},                  // an overlong
      // Other charsets through iconv.
      {"\xCF\xF0\xE8\xE2\xE5\xF2", "windows-1251", "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82", "windows-1251"},
  }));
  DecodedText d = DecodeToUtf8(c.bytes, c.label, 1 << 20);
  CHECK(d.text == c.text);
  CHECK(d.charset == c.charset);
  CHECK(IsValidUtf8(d.text));
}

TEST_CASE("Decoding stops at the output cap on a character boundary") {
  struct Case {
    std::string bytes;
    const char* label;
    std::size_t cap;
    std::string text;
    bool truncated;
  };
  // UTF-8 is copied in valid runs, cut between characters; NUL and invalid
  // bytes count with their stand-ins (" ", U+FFFD).
  auto c = GENERATE(values<Case>({
      {std::string(100, '\xE4'), "latin1", 11, std::string(5, '\0'), true},
      {"ab\xC3\xA4\xC3\xA4", "utf-8", 5, "ab\xC3\xA4", true},
      {"ab\xC3\xA4\xC3\xA4", "utf-8", 6, "ab\xC3\xA4\xC3\xA4", false},
      {"ab\xE2\x82\xAC", "utf-8", 4, "ab", true},
      {std::string("ab\0cd", 5), "utf-8", 4, "ab c", true},
      {"ab\xFF" "cd", "utf-8", 4, "ab", true},
      {"ab\xFF" "cd", "utf-8", 5, "ab\xEF\xBF\xBD", true},
      {"ab\xFF" "cd", "utf-8", 7, "ab\xEF\xBF\xBD" "cd", false},
  }));
  if (c.text == std::string(5, '\0')) {
    for (int i = 0; i < 5; ++i) c.text.replace(static_cast<std::size_t>(2 * i), 1, "\xC3\xA4");
  }
  DecodedText d = DecodeToUtf8(c.bytes, c.label, c.cap);
  CHECK(d.text == c.text);
  CHECK(d.truncated == c.truncated);
  CHECK(IsValidUtf8(d.text));
}

TEST_CASE("Random bytes never make invalid UTF-8 or a crash") {
  std::string bytes;
  std::uint32_t x = 12345;
  for (int i = 0; i < 200000; ++i) {
    x = x * 1103515245u + 12345u;
    bytes.push_back(static_cast<char>(x >> 24));
  }
  for (const char* label : {"", "utf-8", "latin1", "shift_jis", "utf-16", "no-such-charset"}) {
    DecodedText d = DecodeToUtf8(bytes, label, 1 << 20);
    CHECK(IsValidUtf8(d.text));
    CHECK(d.text.find('\0') == std::string::npos);
  }
}

TEST_CASE("Content types: HTML, text, JSON as text, sniffed, refused") {
  ContentLimits limits;
  struct Case {
    std::string body;
    std::string type;
    std::string text;  // empty: refused
  };
  auto c = GENERATE(values<Case>({
      {"<p>a</p>", "text/html; charset=utf-8", "a\n"},
      {"<p>a</p>", "application/xhtml+xml", "a\n"},
      {"<p>a</p>", "text/plain", "<p>a</p>"},
      {"{\"email\": \"a@b.fi\"}", "application/json", "{\"email\": \"a@b.fi\"}"},
      {"{\"email\": \"a@b.fi\"}", "application/ld+json", "{\"email\": \"a@b.fi\"}"},
      {"<!DOCTYPE html><p>a</p>", "", "a\n"},
      {"just text", "application/octet-stream", "just text"},
      {std::string("\x89PNG\r\n\x1a\n\0\0", 10), "application/octet-stream", ""},
      {"GIF89a", "image/gif", ""},
      {"PK\x03\x04", "application/zip", ""},
  }));
  auto r = ExtractContent(c.body, c.type, limits);
  if (c.text.empty()) {
    REQUIRE_FALSE(r.ok());
  } else {
    REQUIRE(r.ok());
    std::string text = r->text;
    while (!text.empty() && text.front() == '\n') text.erase(0, 1);
    CHECK(text == c.text);
  }
}

TEST_CASE("A Latin-1 HTML page declared in <meta> is decoded before gumbo") {
  ContentLimits limits;
  auto r = ExtractContent("<html><head><meta charset=\"iso-8859-1\"></head><body><p>Liisa M\xE4kinen</p></body></html>",
                          "text/html", limits);
  REQUIRE(r.ok());
  CHECK(r->charset == "windows-1252");
  CHECK(r->text.find("Liisa M\xC3\xA4kinen") != std::string::npos);
}

TEST_CASE("Text is capped at max_text_bytes without splitting a character") {
  ContentLimits limits;
  limits.html.max_text_bytes = 1024;
  std::string body;
  for (int i = 0; i < 2000; ++i) body += "\xC3\xA4";
  auto r = ExtractContent(body, "text/plain; charset=utf-8", limits);
  REQUIRE(r.ok());
  CHECK(r->truncated);
  CHECK(r->text.size() == 1024);
  CHECK(IsValidUtf8(r->text));
}

TEST_CASE("ExtractContentReleasing gives ExtractContent's result and frees the body") {
  ContentLimits limits;
  std::string html = "<html><body><p>Liisa M\xE4kinen</p><a href=/paste/1>x</a></body></html>";
  auto expected = ExtractContent(html, "text/html; charset=iso-8859-1", limits);
  std::string body = html;
  auto r = ExtractContentReleasing(std::move(body), "text/html; charset=iso-8859-1", limits);
  REQUIRE(expected.ok());
  REQUIRE(r.ok());
  CHECK(r->text == expected->text);
  CHECK(r->links == expected->links);
  CHECK(r->charset == expected->charset);
  CHECK(body.capacity() < html.size());  // NOLINT(bugprone-use-after-move): released, and checked
}

TEST_CASE("DocumentText scans a local file of any type as text") {
  HtmlLimits limits;
  CHECK(*DocumentText("<!DOCTYPE html><p>a</p>", "", limits) == "a\n");
  CHECK(*DocumentText(std::string("a\0b", 3), "", limits) == "a b");
}
