// HTML -> visible text and links, with gumbo. Pure: no I/O.
//
// Text: the content of text nodes in document order, with a line break
// around block-level elements and <br>, and a space between table cells, so
// that words in different elements never run together. <script>, <style>
// and <template> contents are skipped. Entities are decoded by gumbo.
// After the visible text come the values the matcher needs from attributes,
// one per line: each <a>/<area> href (mailto:, tel:, link hosts) and each
// data-cfemail as "data-cfemail=<hex>" (Cloudflare's email obfuscation).
// Links: the raw href values of <a> and <area>, in document order, not yet
// resolved against the page URL.
//
// Every input is bounded (HtmlLimits): input larger than max_input_bytes is
// refused with kLimitExceeded; text and links beyond their caps are dropped
// and flagged. gumbo's time and memory grow with nesting and markup (22
// bytes of tree per byte of dense tags; quadratic in depth), so documents
// larger than max_gumbo_bytes or nested deeper than max_depth (a linear
// pre-scan estimates it) are not given to gumbo: one linear pass takes the
// text between tags and the hrefs of <a>/<area> instead (`degraded`). A
// hostile page is still scanned, in linear time. gumbo's tree is walked
// iteratively, so nesting cannot overflow the stack. Input must be UTF-8
// (charset.h decodes pages first). Long runs of plain text reach gumbo as
// short placeholders, put back when the tree is walked: the text and links
// are those of gumbo on the whole page (checked on every page; when a
// placeholder does not come back as text, the page is parsed again whole).
// A DOCTYPE anywhere but at the very start of a page is turned into a
// comment first (HTML ignores it anyway): gumbo 0.10.1 leaks one that comes
// inside <noscript> in the head.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace leakmon {

struct HtmlLimits {
  std::size_t max_input_bytes = 8 * 1024 * 1024;  // refuse larger documents
  std::size_t max_text_bytes = 8 * 1024 * 1024;   // text beyond this is dropped
  std::size_t max_links = 5000;                   // links beyond this are dropped
  // Element nesting beyond which gumbo is not run: its tree building is
  // quadratic in depth (1 MB of nested tags takes minutes).
  std::size_t max_depth = 400;
  // Larger documents take the linear path instead of gumbo.
  std::size_t max_gumbo_bytes = 2 * 1024 * 1024;
  // Hand gumbo long runs of plain text as placeholders (the same result,
  // several times faster on text-heavy pages; see html_text.cpp). false:
  // gumbo reads every character (the reference the tests compare with).
  bool text_placeholders = true;
};

struct HtmlContent {
  std::string text;
  // True when gumbo was skipped (too deep or too large): text and links
  // come from the linear pass.
  bool degraded = false;
  // True when gumbo read long text runs as placeholders (text_placeholders).
  bool shortened = false;
  std::vector<std::string> links;
  bool text_truncated = false;
  bool links_truncated = false;
};

Result<HtmlContent> ExtractHtml(std::string_view html, const HtmlLimits& limits = {});

// An upper estimate, in one linear pass, of the element nesting depth gumbo
// would build: start tags minus end tags, not counting void elements,
// self-closing tags or elements whose end tag is optional (p, li, td...).
std::size_t EstimateHtmlDepth(std::string_view html);

// A cheap sniff of the first bytes: does this look like an HTML document?
bool LooksLikeHtml(std::string_view body);

}  // namespace leakmon
