// A fetched body -> the UTF-8 text leakmon scans and the links it follows.
// Pure: no I/O. Shared by the crawler and `leakmon scan` (local files).
//
// By media type (Content-Type without parameters, lowercase):
//   - text/html, application/xhtml+xml: HTML (html_text.h);
//   - other text/*, JSON (application/json, *+json), XML: plain text;
//   - none, or application/octet-stream: sniffed: HTML if it looks like
//     HTML, text unless it looks binary;
//   - anything else (images, archives, PDF...): kInvalidArgument
//     "unsupported content type ...", recorded as a "content" error.
// Every body is first decoded to UTF-8 (charset.h), so Latin-1 and
// Windows-1252 pages match, and invalid UTF-8 or NUL bytes never reach
// anything downstream. The decoded size is capped at `max_decoded_bytes`.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "crawler/html_text.h"

namespace leakmon {

struct ContentLimits {
  HtmlLimits html;                                  // text, links, depth, gumbo input caps
  std::size_t max_decoded_bytes = 8 * 1024 * 1024;  // UTF-8 after charset decoding
};

struct PageContent {
  std::string text;                // valid UTF-8, at most html.max_text_bytes
  std::vector<std::string> links;  // raw hrefs (HTML only), not yet resolved
  std::string media_type;          // "text/html", or "" when sniffed
  std::string charset;             // what the body was decoded from
  bool html = false;
  bool degraded = false;           // HTML reduced without gumbo
  bool truncated = false;          // text, links or decoding hit a cap
};

Result<PageContent> ExtractContent(std::string_view body, std::string_view content_type,
                                   const ContentLimits& limits);

// The same, releasing `body`'s memory as soon as it is decoded: a large
// page is not held three times over (body, UTF-8, text).
Result<PageContent> ExtractContentReleasing(std::string&& body, std::string_view content_type,
                                            const ContentLimits& limits);

// The text of a local file for `leakmon scan`: ExtractContent with the type
// sniffed. `links`, if given, receives the links.
Result<std::string> DocumentText(std::string_view body, std::string_view content_type, const HtmlLimits& limits,
                                 std::vector<std::string>* links = nullptr);

// The media type of a Content-Type value: lowercase, parameters removed.
std::string MediaType(std::string_view content_type);

}  // namespace leakmon
