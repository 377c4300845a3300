#include "crawler/content.h"

#include "crawler/charset.h"

namespace leakmon {
namespace {

enum class Kind { kHtml, kText, kSniff, kUnsupported };

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

Kind KindOf(const std::string& media) {
  if (media.empty() || media == "application/octet-stream") return Kind::kSniff;
  if (media == "text/html" || media == "application/xhtml+xml") return Kind::kHtml;
  if (media.rfind("text/", 0) == 0 || media == "application/json" || media == "application/xml" ||
      media == "application/javascript" || EndsWith(media, "+json") || EndsWith(media, "+xml")) {
    return Kind::kText;
  }
  return Kind::kUnsupported;
}

// Binary data has NUL bytes or many control characters early on.
bool LooksBinary(std::string_view body) {
  std::string_view head = body.substr(0, 1024);
  std::size_t control = 0;
  for (unsigned char c : head) {
    if (c == 0) return true;
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f') ++control;
  }
  return control * 10 > head.size();
}

// Cuts `text` to at most `max` bytes without splitting a UTF-8 sequence.
bool CutUtf8(std::string* text, std::size_t max) {
  if (text->size() <= max) return false;
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>((*text)[cut]) & 0xC0) == 0x80) --cut;
  text->resize(cut);
  return true;
}

// A media type for error messages, which are stored: the Content-Type
// header is the server's text, so only its registered top-level type is
// named ("image/..."), never what follows.
std::string Described(const std::string& media_type) {
  static constexpr std::string_view kTopLevel[] = {"application", "audio", "font",      "image",  "message",
                                                   "model",       "text",  "multipart", "video"};
  std::string_view top = std::string_view(media_type).substr(0, media_type.find('/'));
  for (std::string_view t : kTopLevel) {
    if (top == t) return std::string(t) + "/...";
  }
  return "unknown";
}

}  // namespace

std::string MediaType(std::string_view content_type) {
  std::string_view m = content_type.substr(0, content_type.find(';'));
  while (!m.empty() && m.back() == ' ') m.remove_suffix(1);
  while (!m.empty() && m.front() == ' ') m.remove_prefix(1);
  std::string out(m);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

namespace {

// ExtractContent; when `owned` is given (it holds `body`), it is released
// right after decoding.
Result<PageContent> Extract(std::string_view body, std::string* owned, std::string_view content_type,
                            const ContentLimits& limits) {
  PageContent page;
  page.media_type = MediaType(content_type);
  Kind kind = KindOf(page.media_type);
  if (kind == Kind::kUnsupported) {
    return Status::InvalidArgument("unsupported content type " + Described(page.media_type));
  }
  if (kind == Kind::kSniff) {
    if (LooksLikeHtml(body)) {
      kind = Kind::kHtml;
    } else if (LooksBinary(body)) {
      return Status::InvalidArgument("binary content" +
                                     (page.media_type.empty() ? std::string() : " (" + Described(page.media_type) + ")"));
    } else {
      kind = Kind::kText;
    }
  }
  page.html = kind == Kind::kHtml;
  std::string label = CharsetFromContentType(content_type);
  if (label.empty() && page.html) label = CharsetFromHtmlMeta(body);
  DecodedText decoded = DecodeToUtf8(body, label, limits.max_decoded_bytes);
  if (owned) std::string().swap(*owned);
  page.charset = decoded.charset;
  page.truncated = decoded.truncated;
  if (!page.html) {
    page.text = std::move(decoded.text);
    page.truncated |= CutUtf8(&page.text, limits.html.max_text_bytes);
    return page;
  }
  Result<HtmlContent> html = ExtractHtml(decoded.text, limits.html);
  if (!html.ok()) return html.status();
  page.text = std::move(html->text);
  // gumbo can turn an overlong numeric character reference into bytes that
  // are not UTF-8 (found by fuzz/content_fuzzer): repair them.
  if (!IsValidUtf8(page.text)) {
    DecodedText repaired = DecodeToUtf8(page.text, "utf-8", limits.html.max_text_bytes);
    page.text = std::move(repaired.text);
    page.truncated |= repaired.truncated;
  }
  page.links = std::move(html->links);
  page.degraded = html->degraded;
  page.truncated |= html->text_truncated || html->links_truncated;
  return page;
}

}  // namespace

Result<PageContent> ExtractContent(std::string_view body, std::string_view content_type,
                                   const ContentLimits& limits) {
  return Extract(body, nullptr, content_type, limits);
}

Result<PageContent> ExtractContentReleasing(std::string&& body, std::string_view content_type,
                                            const ContentLimits& limits) {
  return Extract(body, &body, content_type, limits);
}

Result<std::string> DocumentText(std::string_view body, std::string_view content_type, const HtmlLimits& limits,
                                 std::vector<std::string>* links) {
  ContentLimits cl;
  cl.html = limits;
  cl.max_decoded_bytes = limits.max_input_bytes;
  // A local file of unknown type is scanned whatever it holds.
  std::string_view type = content_type;
  if (type.empty()) type = LooksLikeHtml(body) ? "text/html" : "text/plain";
  LEAKMON_ASSIGN_OR_RETURN(PageContent page, ExtractContent(body, type, cl));
  if (links) *links = std::move(page.links);
  return std::move(page.text);
}

}  // namespace leakmon
