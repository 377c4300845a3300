#include "crawler/html_text.h"

#include <catch2/catch.hpp>
#include <random>

#include "crawler/charset.h"

using leakmon::ExtractHtml;
using leakmon::HtmlLimits;

TEST_CASE("HTML text: visible text only, words kept apart across elements") {
  struct Case {
    std::string html;
    std::string text;
  };
  auto c = GENERATE(values<Case>({
      {"<p>Hello <b>Matti</b> Virtanen</p>", "Hello Matti Virtanen\n"},
      {"<div>one</div><div>two</div>", "one\ntwo\n"},
      {"<table><tr><td>a</td><td>b</td></tr></table>", "a b\n"},
      {"<p>x<script>var secret=1;</script>y<style>p{}</style></p>", "xy\n"},
      {"<p>mail&#64;example.fi &amp; more</p>", "mail@example.fi & more\n"},
      {"line<br>break", "line\nbreak\n"},
      {"<title>T</title><p>body</p>", "T\nbody\n"},
  }));
  auto r = ExtractHtml(c.html);
  REQUIRE(r.ok());
  // gumbo wraps fragments in html/head/body; compare trimmed of leading newlines.
  std::string text = r->text;
  while (!text.empty() && text.front() == '\n') text.erase(0, 1);
  CHECK(text == c.text);
}

TEST_CASE("HTML links: hrefs of a and area, in order") {
  auto r = ExtractHtml(
      "<a href=\"/paste/1\">1</a><p><a href='x?page=2'>next</a></p><area href=\"/m\"><a name=\"no-href\">n</a>");
  REQUIRE(r.ok());
  CHECK(r->links == std::vector<std::string>{"/paste/1", "x?page=2", "/m"});
}

TEST_CASE("HTML limits: input size refused, text and links capped") {
  HtmlLimits limits;
  limits.max_input_bytes = 100;
  CHECK(ExtractHtml(std::string(101, 'a'), limits).status().code() == leakmon::Status::Code::kLimitExceeded);

  limits = HtmlLimits{};
  limits.max_text_bytes = 10;
  limits.max_links = 2;
  auto r = ExtractHtml("<p>" + std::string(100, 'x') + "</p><a href=a>1</a><a href=b>2</a><a href=c>3</a>", limits);
  REQUIRE(r.ok());
  CHECK(r->text.size() == 10);
  CHECK(r->text_truncated);
  CHECK(r->links.size() == 2);
  CHECK(r->links_truncated);
}

TEST_CASE("Deep nesting is scanned in linear time, without gumbo") {
  std::string html;
  for (int i = 0; i < 200000; ++i) html += "<span>";
  html += "matti@example.fi";
  auto r = ExtractHtml(html);  // would take minutes through gumbo
  REQUIRE(r.ok());
  CHECK(r->degraded);
  CHECK(r->text.find("matti@example.fi") != std::string::npos);
  CHECK(r->links.empty());
}

TEST_CASE("Nesting just under the limit still goes through gumbo, iteratively") {
  std::string html;
  for (int i = 0; i < 399; ++i) html += "<div>";
  html += "<a href=/x>deep</a>";
  auto r = ExtractHtml(html);
  REQUIRE(r.ok());
  CHECK_FALSE(r->degraded);
  CHECK(r->links == std::vector<std::string>{"/x"});
}

TEST_CASE("Depth estimate: optional end tags and void elements do not nest") {
  struct Case {
    std::string html;
    std::size_t depth;
  };
  auto c = GENERATE(values<Case>({
      {"<div><div></div></div>", 2},
      {"<ul><li>a<li>b<li>c</ul>", 1},
      {"<p>a<p>b<p>c", 0},
      {"<br><br/><img src=x><hr>", 0},
      {"<div/><div/>", 0},
      {"<!-- <div><div> --><b>x</b>", 1},
      {"<span><span><span>", 3},
      {"a < b and c <3", 0},
  }));
  CHECK(leakmon::EstimateHtmlDepth(c.html) == c.depth);
}

TEST_CASE("The linear path (too deep or too large for gumbo) still finds text and links") {
  HtmlLimits limits;
  limits.max_gumbo_bytes = 64;
  std::string html =
      "<html><head><style>p{color:red}</style><script>var x='<a href=/no>';</script></head><body>"
      "<!-- <a href=/commented>x</a> --><p>Liisa M&auml;kinen &amp; matti&#64;example.fi</p>"
      "<A HREF=\"/paste/1?a=1&amp;b=2\">one</A><a class=x href='/paste/2'>two</a><area href=/paste/3>"
      "<a name=anchor>no href</a></body></html>";
  auto r = ExtractHtml(html, limits);
  REQUIRE(r.ok());
  CHECK(r->degraded);
  CHECK(r->links == std::vector<std::string>{"/paste/1?a=1&b=2", "/paste/2", "/paste/3"});
  CHECK(r->text.find("Liisa M\xC3\xA4kinen & matti@example.fi") != std::string::npos);
  CHECK(r->text.find("color") == std::string::npos);
  CHECK(r->text.find("var x") == std::string::npos);
  CHECK(r->text.find("commented") == std::string::npos);
}

// Found by fuzz/content_fuzzer: a cap cut text inside a UTF-8 sequence; an
// entity overran max_text_bytes on the linear path; an unclosed <style> kept
// its last bytes as text.
TEST_CASE("Capped text stays valid UTF-8 and within its cap on both paths") {
  struct Case {
    const char* what;
    std::string html;
    std::size_t max_text_bytes;
    std::size_t max_gumbo_bytes;
    std::string text;
  };
  const std::string aaa = "\xC3\xA4\xC3\xA4\xC3\xA4";  // äää, 6 bytes
  const std::vector<Case> cases = {
      {"gumbo, cut inside a character", "<p>" + aaa + "</p>", 5, 1 << 20, "\xC3\xA4\xC3\xA4"},
      {"linear, cut inside a character", "<p>" + aaa + "</p>" + std::string(64, ' '), 5, 16, "\xC3\xA4\xC3\xA4"},
      {"linear, an entity that does not fit", "<p>ab&auml;</p>" + std::string(64, ' '), 3, 16, "ab"},
      {"linear, unclosed style", "<p>x</p><style>" + aaa + std::string(64, ' '), 100, 16, "x "},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    HtmlLimits limits;
    limits.max_text_bytes = c.max_text_bytes;
    limits.max_gumbo_bytes = c.max_gumbo_bytes;
    auto r = ExtractHtml(c.html, limits);
    REQUIRE(r.ok());
    CHECK(r->text.size() <= c.max_text_bytes);
    CHECK(leakmon::IsValidUtf8(r->text));
    CHECK(r->text.substr(0, c.text.size()) == c.text);
  }
}

TEST_CASE("100k links: the cap holds on both paths, and the page is read in bounded time") {
  std::string html = "<html><body>";
  for (int i = 0; i < 100000; ++i) html += "<a href=/paste/p" + std::to_string(i) + ">p</a>\n";
  for (std::size_t gumbo_cap : {std::size_t{64}, std::size_t{8} << 20}) {
    HtmlLimits limits;
    limits.max_gumbo_bytes = gumbo_cap;
    limits.max_links = 5000;
    auto r = ExtractHtml(html, limits);
    REQUIRE(r.ok());
    CHECK(r->links.size() == 5000);
    CHECK(r->links_truncated);
    CHECK(r->links.back() == "/paste/p4999");
  }
}

TEST_CASE("HTML attributes the matcher needs follow the visible text") {
  auto r = ExtractHtml(
      "<p>Contact <a href=\"mailto:matti%40example.fi\">me</a> or <a href=\"tel:+358401234567\">call</a>. "
      "<span class=\"__cf_email__\" data-cfemail=\"42abcdef\">[email protected]</span></p>");
  REQUIRE(r.ok());
  CHECK(r->text.find("Contact me or call.") != std::string::npos);
  CHECK(r->text.find("\nmailto:matti%40example.fi\n") != std::string::npos);
  CHECK(r->text.find("\ntel:+358401234567\n") != std::string::npos);
  CHECK(r->text.find("\ndata-cfemail=42abcdef\n") != std::string::npos);
  CHECK(r->text.rfind("[email protected]") < r->text.find("mailto:"));  // visible text first
}

namespace {

// ExtractHtml with text placeholders against gumbo reading every character;
// true if the placeholders were kept.
bool CheckSameAsWholeGumbo(const std::string& html, HtmlLimits limits = {}) {
  INFO(html);
  limits.text_placeholders = false;
  auto whole = ExtractHtml(html, limits);
  limits.text_placeholders = true;
  auto fast = ExtractHtml(html, limits);
  REQUIRE(whole.ok() == fast.ok());
  if (!whole.ok()) return false;
  CHECK_FALSE(whole->shortened);
  CHECK(fast->text == whole->text);
  CHECK(fast->links == whole->links);
  CHECK(fast->text_truncated == whole->text_truncated);
  CHECK(fast->links_truncated == whole->links_truncated);
  CHECK(fast->degraded == whole->degraded);
  return fast->shortened;
}

}  // namespace

TEST_CASE("Text placeholders: long plain text runs reach gumbo as placeholders, same text and links") {
  const std::string run = "order invoice shipment account\nbackup server config export archive ticket review";
  struct Case {
    std::string html;
    bool shortened;  // placeholders kept (false: a placeholder did not come back as text; parsed whole)
  };
  auto c = GENERATE_COPY(values<Case>({
      {"<!DOCTYPE html><html><body><pre>" + run + "\n" + run + "</pre></body></html>", true},
      {"<p>x " + run + " y</p><p> " + run + "</p>", true},
      {"<pre>\n" + run + "</pre>", true},
      {"<title> " + run + "</title><p>body</p>", true},
      {"<textarea>\n" + run + "</textarea>", true},
      {"<title>x</titl " + run + "</title>", true},
      {"<script> " + run + "</script><p>after</p>", true},
      {"<style> " + run + "</style><p>after</p>", true},
      {"<template> " + run + "</template><p>after</p>", true},
      {"<!-- " + run + " --><p>after</p>", true},
      {"<plaintext> " + run + "<p>not a tag", true},
      {"<noscript> " + run + "</noscript>", true},
      {"<table> " + run + "<tr><td>cell " + run + "</td></tr></table>", true},
      {"<table><tr> " + run + "<td>cell</td></tr></table>", true},
      {"<select> " + run + "<option>o " + run + "</select>", true},
      {"<b><p> " + run + "</b> " + run + "</p>", true},
      {"<svg><![CDATA[ " + run + "]]></svg><math><mi> " + run + "</mi></math>", true},
      {"<head> " + run + "</head><body>b</body>", true},
      {"&no " + run + " &not " + run, true},
      // Placeholders that land outside text: the page is parsed whole.
      {"<a title=\"x> " + run + "\" href=/p>link</a>", false},
      {"<a href='/q?a=> " + run + "'>link</a> " + run, false},
      {"<!DOCTYPE html " + run + "><p>x</p>", false},
      {"<frameset> " + run + "</frameset>", false},
      {"<p x=\"a " + run + "\">text</p>", false},
      {"<p x=> " + run + "</p>", true},
      // Text that looks like a placeholder: U+E000 in the page, or made by references.
      {"<p>\xEE\x80\x80 " + run + "</p>", false},
      {"<p>&#xE000;a&#xE001; " + run + "</p>", false},
  }));
  CheckSameAsWholeGumbo(c.html);
  auto r = ExtractHtml(c.html);
  REQUIRE(r.ok());
  INFO(c.html);
  CHECK(r->shortened == c.shortened);
}

TEST_CASE("Text placeholders: caps cut the text where gumbo's would be cut") {
  const std::string run = "order invoice shipment account backup server config export archive ticket";
  for (std::size_t cap : {0, 1, 10, 60, 75, 76, 77, 100, 200}) {
    HtmlLimits limits;
    limits.max_text_bytes = cap;
    limits.max_links = 1;
    CheckSameAsWholeGumbo("<p>a <a href=/1>1</a> " + run + "<a href=/2>2</a></p><pre> " + run + "</pre>", limits);
  }
}

TEST_CASE("Text placeholders: random documents of tricky pieces give gumbo's text and links") {
  static const char* const kPieces[] = {
      "<p>", "</p>", "<pre>", "</pre>", "<table>", "<tr>", "<td>", "</td>", "</table>", "<title>", "</title>",
      "<textarea>", "</textarea>", "<script>", "</script>", "<!--", "-->", "<style>", "</style>", "<a href=\"/x ",
      "\">", "<a href=/y>", "</a>", "<b>", "</b>", "<i>", "<frameset>", "<select>", "<option>", "<svg>",
      "<![CDATA[", "]]>", "</svg>", "<math>", "<template>", "</template>", "<!DOCTYPE html ", ">", "<", "&", "&amp;",
      "&not", "&#xE000;", "&#x", "\xEE\x80\x81", "-", "!", "]", "'", "\"", "=", "\r\n", "\t", "\f",
      "</", "</titl", "<plaintext>", "<noscript>", "<head>", "<body>", "</body>", "<br>", "<li>", "<div>",
      "\xC3\xA4", "<area href='/z ", "data-cfemail=\"", "<span data-cfemail=\"42ab ", "<?x ",
  };
  std::mt19937 rng(4);
  int shortened = 0;
  for (int doc = 0; doc < 3000; ++doc) {
    std::string html;
    const int pieces = static_cast<int>(rng() % 30);
    for (int i = 0; i < pieces; ++i) {
      if (rng() % 3 == 0) {
        html += (rng() % 2 ? " " : "\n");
        const std::size_t words = 8 + rng() % 12;
        for (std::size_t w = 0; w < words; ++w) html += std::string(1 + rng() % 7, static_cast<char>('a' + rng() % 26)) + " ";
      } else if (rng() % 40 == 0) {
        html.push_back('\0');
      } else {
        html += std::string(kPieces[rng() % (sizeof kPieces / sizeof *kPieces)]);
      }
    }
    shortened += CheckSameAsWholeGumbo(html);
  }
  CHECK(shortened > 1000);  // most documents keep their placeholders: the comparison covers them
}

TEST_CASE("A DOCTYPE anywhere but at the start never reaches gumbo (0.10.1 leaks one inside <noscript>)") {
  // Under the sanitizer build, LeakSanitizer fails this test if gumbo sees
  // these: each would leak its 200-byte name.
  std::string hostile = "<html><head><noscript>";
  for (int i = 0; i < 1000; ++i) hostile += "<!DOCTYPE " + std::string(200, 'x') + " PUBLIC \"a\" \"b\">";
  hostile += "</noscript></head><body><p>hello world</p><a href=/1>one</a></body>";
  auto r = ExtractHtml(hostile);
  REQUIRE(r.ok());
  CHECK(r->text.find("hello world") != std::string::npos);
  CHECK(r->text.find("xxx") == std::string::npos);
  REQUIRE(r->links.size() == 1);
  // Late ones are ignored by HTML anyway: the same text as without them.
  for (const char* late : {"<!DOCTYPE html>", "<!doctype html>", "<!DocType x y z>"}) {
    INFO(late);
    auto with = ExtractHtml(std::string("<p>a</p>") + late + "<p>b " + late + "c</p><noscript>" + late + "d</noscript>");
    auto without = ExtractHtml("<p>a</p><p>b c</p><noscript>d</noscript>");
    REQUIRE(with.ok());
    CHECK(with->text == without->text);
  }
  // One at the start (after whitespace or a byte order mark) still counts.
  for (const char* page : {"<!DOCTYPE html><p>x</p>", " \r\n<!doctype html><p>x</p>", "\xEF\xBB\xBF<!DOCTYPE html><p>x</p>"}) {
    auto r2 = ExtractHtml(page);
    REQUIRE(r2.ok());
    CHECK(r2->text.find('x') != std::string::npos);
    CHECK(r2->text.find("octype") == std::string::npos);
  }
}
