#include "crawler/html_text.h"

#include <algorithm>
#include <cctype>
#include <gumbo.h>
#include <memory>
#include <optional>
#include <random>
#include <strings.h>

#include "common/utf8.h"
#include "crawler/charset.h"

namespace leakmon {
namespace {

struct GumboOutputDeleter {
  void operator()(GumboOutput* out) const { gumbo_destroy_output(&kGumboDefaultOptions, out); }
};
using GumboOutputPtr = std::unique_ptr<GumboOutput, GumboOutputDeleter>;

bool IsSkipped(GumboTag tag) {
  return tag == GUMBO_TAG_SCRIPT || tag == GUMBO_TAG_STYLE || tag == GUMBO_TAG_TEMPLATE;
}

// Elements whose boundaries separate words.
bool IsBlock(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_ADDRESS: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_ASIDE: case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_BODY: case GUMBO_TAG_BR: case GUMBO_TAG_CAPTION: case GUMBO_TAG_DD: case GUMBO_TAG_DIV:
    case GUMBO_TAG_DL: case GUMBO_TAG_DT: case GUMBO_TAG_FIELDSET: case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_FIGURE: case GUMBO_TAG_FOOTER: case GUMBO_TAG_FORM: case GUMBO_TAG_H1: case GUMBO_TAG_H2:
    case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_HEADER:
    case GUMBO_TAG_HR: case GUMBO_TAG_LI: case GUMBO_TAG_MAIN: case GUMBO_TAG_NAV: case GUMBO_TAG_OL:
    case GUMBO_TAG_P: case GUMBO_TAG_PRE: case GUMBO_TAG_SECTION: case GUMBO_TAG_TABLE: case GUMBO_TAG_TR:
    case GUMBO_TAG_UL: case GUMBO_TAG_TITLE: case GUMBO_TAG_TEXTAREA: case GUMBO_TAG_OPTION:
    case GUMBO_TAG_SELECT: case GUMBO_TAG_HEAD: case GUMBO_TAG_HTML: case GUMBO_TAG_TD: case GUMBO_TAG_TH:
    case GUMBO_TAG_BUTTON: case GUMBO_TAG_LABEL: case GUMBO_TAG_INPUT: case GUMBO_TAG_IMG:
      return true;
    default:
      return false;
  }
}

// Gumbo's tokenizer takes text one character at a time (about 20 MB/s, most
// of an item page's cost). So long runs of plain text are handed to gumbo
// as short placeholders and put back when its tree is walked; the result is
// the same as gumbo's on the whole document, or the placeholders are not
// used (see Shorten).
//
// A run: at least kMinRun bytes that follow an ASCII space, tab or line
// feed, start and end with a printable ASCII character and hold only those
// and spaces, tabs and line feeds, but none of < > & - ] ! (what changes
// the state of any of gumbo's text or comment tokenizer states). Why the
// tree is the same: the bytes before a run are the same in both documents,
// so the tokenizer is in the same state where the run or its placeholder
// starts. If the placeholder then ends up, whole, in a text or comment node,
// that state was a text or comment state (after a whitespace character:
// its plain form, not a tag-name or character-reference lookahead), in
// which every byte of the run and of the placeholder is an ordinary
// character: both become character tokens of one kind (starting with one
// that is not whitespace) without a state change, and the tree builder
// treats such a sequence alike wherever it leaves any of them in the tree.
// Otherwise (a placeholder inside a tag or attribute, or dropped, or a
// placeholder-like text made by character references) the walk finds a
// placeholder missing, repeated or malformed, and the page is parsed again
// whole.
constexpr std::size_t kMinRun = 48;
constexpr std::string_view kLead = "\xEE\x80\x80";   // U+E000 (private use)
constexpr std::string_view kTrail = "\xEE\x80\x81";  // U+E001

// Placeholder letters that a page cannot guess (so text made from character
// references cannot pass for a placeholder), chosen once per process.
const std::string& PlaceholderNonce() {
  static const std::string nonce = [] {
    std::random_device random;
    std::string s;
    for (int i = 0; i < 8; ++i) s.push_back(static_cast<char>('a' + random() % 26));
    return s;
  }();
  return nonce;
}

constexpr bool IsRunCharSlow(unsigned char c) {
  return (c >= 0x20 && c < 0x7F && c != '<' && c != '>' && c != '&' && c != '-' && c != ']' && c != '!') ||
         c == '\t' || c == '\n';
}
struct RunChars {
  bool is[256] = {};
  constexpr RunChars() {
    for (int c = 0; c < 256; ++c) is[c] = IsRunCharSlow(static_cast<unsigned char>(c));
  }
};
constexpr RunChars kRunChars;
bool IsRunChar(unsigned char c) { return kRunChars.is[c]; }
bool IsRunSpace(unsigned char c) { return c == ' ' || c == '\t' || c == '\n'; }

struct Shortened {
  std::string doc;                     // the document with placeholders
  std::vector<std::string_view> runs;  // placeholder i stands for runs[i]
};

// The document with its runs replaced by placeholders; no runs when the
// document has none or holds U+E000 itself.
Shortened Shorten(std::string_view html) {
  Shortened out;
  if (html.size() < kMinRun || html.find(kLead) != std::string_view::npos) return out;
  const std::string& nonce = PlaceholderNonce();
  const std::size_t n = html.size();
  std::size_t copied = 0;  // html[0, copied) is in out.doc
  for (std::size_t i = 1; i < n; ++i) {
    const auto c = static_cast<unsigned char>(html[i]);
    if (!IsRunSpace(static_cast<unsigned char>(html[i - 1])) || IsRunSpace(c) || !IsRunChar(c)) continue;
    std::size_t end = i;
    while (end < n && IsRunChar(static_cast<unsigned char>(html[end]))) ++end;
    std::size_t last = end;  // one past the run's last non-space character
    while (IsRunSpace(static_cast<unsigned char>(html[last - 1]))) --last;
    if (last - i >= kMinRun) {
      if (out.doc.empty()) out.doc.reserve(n / 4);
      out.doc.append(html.substr(copied, i - copied));
      out.doc.append(kLead).append(nonce);
      for (std::size_t k = out.runs.size(); ; k /= 26) {
        out.doc.push_back(static_cast<char>('a' + k % 26));
        if (k < 26) break;
      }
      out.doc.append(kTrail);
      out.runs.push_back(html.substr(i, last - i));
      copied = last;
    }
    i = end;
  }
  if (out.runs.empty()) return out;
  out.doc.append(html.substr(copied));
  return out;
}

class Extractor {
 public:
  // `runs`: the placeholders' text when gumbo parsed a Shortened document.
  Extractor(const HtmlLimits& limits, HtmlContent* out, const std::vector<std::string_view>* runs = nullptr)
      : limits_(limits), out_(out), runs_(runs) {
    if (runs_) placed_.assign(runs_->size(), false);
  }

  void Walk(const GumboNode* root) {
    // Explicit stack of (node, entering?, silent?) instead of recursion.
    // Silent nodes (inside script, style, template) add nothing; they are
    // walked only to account for placeholders.
    struct Step {
      const GumboNode* node;
      bool entering;
      bool silent;
    };
    std::vector<Step> stack;
    stack.push_back({root, true, false});
    while (!stack.empty()) {
      auto [node, entering, silent] = stack.back();
      stack.pop_back();
      if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA ||
          node->type == GUMBO_NODE_WHITESPACE || node->type == GUMBO_NODE_COMMENT) {
        if (node->type != GUMBO_NODE_COMMENT && !silent) {
          AppendText(node->v.text.text);
        } else if (runs_) {
          Place(node->v.text.text, false);
        }
        continue;
      }
      if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_DOCUMENT &&
          node->type != GUMBO_NODE_TEMPLATE) {
        continue;
      }
      const GumboVector* children;
      GumboTag tag = GUMBO_TAG_UNKNOWN;
      if (node->type == GUMBO_NODE_DOCUMENT) {
        children = &node->v.document.children;
      } else {
        tag = node->v.element.tag;
        children = &node->v.element.children;
      }
      if (IsSkipped(tag) || silent) {
        if (!runs_) continue;
        silent = true;
      } else if (!entering) {
        Separate(tag);
        continue;
      } else {
        Separate(tag);
        if (tag == GUMBO_TAG_A || tag == GUMBO_TAG_AREA) Link(node);
        if (node->type == GUMBO_NODE_ELEMENT) Attributes(node);
        stack.push_back({node, false, false});
      }
      for (unsigned i = children->length; i > 0; --i) {
        stack.push_back({static_cast<const GumboNode*>(children->data[i - 1]), true, silent});
      }
    }
  }

  // With placeholders: each was found exactly once, well formed.
  bool AllPlaced() const {
    return !broken_ && std::all_of(placed_.begin(), placed_.end(), [](bool p) { return p; });
  }

 private:
  // Appends a text node's text, placeholders replaced by their runs.
  void AppendText(std::string_view text) {
    if (!runs_) return Append(text);
    Place(text, true);
  }

  // Accounts for the placeholders in `text` (and appends the text with
  // their runs when `output`).
  void Place(std::string_view text, bool output) {
    const std::string& nonce = PlaceholderNonce();
    for (;;) {
      const std::size_t lead = text.find(kLead);
      if (output) Append(text.substr(0, lead));
      if (lead == std::string_view::npos) return;
      text.remove_prefix(lead + kLead.size());
      const std::size_t trail = text.find(kTrail);
      std::size_t index = 0, scale = 1;
      bool ok = trail != std::string_view::npos && trail > nonce.size() && trail - nonce.size() <= 4 &&
                text.substr(0, nonce.size()) == nonce;
      for (std::size_t k = nonce.size(); ok && k < trail; ++k, scale *= 26) {
        ok = text[k] >= 'a' && text[k] <= 'z';
        index += static_cast<std::size_t>(text[k] - 'a') * scale;
      }
      if (!ok || index >= placed_.size() || placed_[index]) {
        broken_ = true;
        return;
      }
      placed_[index] = true;
      if (output) Append((*runs_)[index]);
      text.remove_prefix(trail + kTrail.size());
    }
  }

  void Append(std::string_view sv) {
    if (out_->text_truncated) return;
    std::size_t room = limits_.max_text_bytes - std::min(limits_.max_text_bytes, out_->text.size());
    if (sv.size() > room) {
      sv = sv.substr(0, room);
      out_->text_truncated = true;
    }
    out_->text.append(sv);
  }

  void Separate(GumboTag tag) {
    if (!IsBlock(tag) || out_->text.empty() || out_->text.back() == '\n') return;
    if ((tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH) && out_->text.back() == ' ') return;
    if (tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH) return Append(" ");
    if (out_->text.back() == ' ') out_->text.pop_back();
    Append("\n");
  }

  void Link(const GumboNode* node) {
    const GumboAttribute* href = gumbo_get_attribute(&node->v.element.attributes, "href");
    if (!href) return;
    if (out_->links.size() >= limits_.max_links) {
      out_->links_truncated = true;
      return;
    }
    out_->links.emplace_back(href->value);
  }

  // Values the matcher needs that live only in attributes: every link
  // (mailto:, tel:, hosts) and Cloudflare's data-cfemail.
  void Attributes(const GumboNode* node) {
    const GumboVector* attrs = &node->v.element.attributes;
    GumboTag tag = node->v.element.tag;
    if (tag == GUMBO_TAG_A || tag == GUMBO_TAG_AREA) {
      if (const GumboAttribute* href = gumbo_get_attribute(attrs, "href")) AddAttribute("", href->value);
    }
    if (const GumboAttribute* cf = gumbo_get_attribute(attrs, "data-cfemail")) AddAttribute("data-cfemail=", cf->value);
  }

  void AddAttribute(std::string_view prefix, std::string_view value) {
    if (attribute_lines_ >= limits_.max_links) return;
    ++attribute_lines_;
    attribute_text_.append(prefix);
    attribute_text_.append(value.substr(0, 4096));
    attribute_text_.push_back('\n');
  }

 public:
  // Appends the attribute values after the visible text, within the text cap.
  void Finish() {
    if (attribute_text_.empty()) return;
    Append("\n");
    Append(attribute_text_);
  }

 private:
  std::string attribute_text_;
  std::size_t attribute_lines_ = 0;

  const HtmlLimits& limits_;
  HtmlContent* out_;
  const std::vector<std::string_view>* runs_;
  std::vector<bool> placed_;
  bool broken_ = false;
};

// Elements that never deepen gumbo's tree: void elements, and elements
// whose end tag is optional (a new sibling closes them).
bool NeverNests(std::string_view name) {
  static constexpr std::string_view kNames[] = {
      "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
      "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody",
      "tfoot", "colgroup", "caption", "rb", "rt", "rp", "html", "head", "body", "!doctype"};
  for (std::string_view n : kNames) {
    if (n == name) return true;
  }
  return false;
}

// Decodes the character reference starting at s[0] == '&' into `out`;
// returns the bytes consumed (0: not a reference we know, copy the '&').
std::size_t DecodeEntity(std::string_view s, std::string* out) {
  static constexpr std::pair<std::string_view, std::string_view> kNamed[] = {
      {"amp;", "&"}, {"lt;", "<"}, {"gt;", ">"}, {"quot;", "\""}, {"apos;", "'"}, {"nbsp;", " "},
      {"auml;", "\xC3\xA4"}, {"ouml;", "\xC3\xB6"}, {"uuml;", "\xC3\xBC"}, {"aring;", "\xC3\xA5"},
      {"Auml;", "\xC3\x84"}, {"Ouml;", "\xC3\x96"}, {"Uuml;", "\xC3\x9C"}, {"Aring;", "\xC3\x85"},
      {"eacute;", "\xC3\xA9"}, {"szlig;", "\xC3\x9F"}};
  for (const auto& [name, value] : kNamed) {
    if (s.substr(1, name.size()) == name) {
      out->append(value);
      return name.size() + 1;
    }
  }
  if (s.size() < 4 || s[1] != '#') return 0;
  bool hex = s[2] == 'x' || s[2] == 'X';
  std::size_t i = hex ? 3 : 2;
  char32_t cp = 0;
  std::size_t digits = 0;
  for (; i < s.size() && digits < 7; ++i, ++digits) {
    char c = s[i];
    int v = c >= '0' && c <= '9' ? c - '0' : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
            : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (v < 0) break;
    cp = cp * (hex ? 16 : 10) + static_cast<char32_t>(v);
  }
  if (digits == 0 || i >= s.size() || s[i] != ';') return 0;
  AppendUtf8(cp == 0 ? char32_t{0xFFFD} : cp, out);
  return i + 1;
}

// The value of attribute `name` in the tag text `tag` (between '<' and
// '>'), entity-decoded; nullopt if absent.
std::optional<std::string> Attribute(std::string_view tag, std::string_view name) {
  std::size_t i = 0;
  while (i < tag.size() && !std::isspace(static_cast<unsigned char>(tag[i]))) ++i;  // the tag name
  while (i < tag.size()) {
    while (i < tag.size() && (std::isspace(static_cast<unsigned char>(tag[i])) || tag[i] == '/')) ++i;
    std::size_t key_start = i;
    while (i < tag.size() && tag[i] != '=' && !std::isspace(static_cast<unsigned char>(tag[i])) && tag[i] != '/') ++i;
    std::string_view key = tag.substr(key_start, i - key_start);
    while (i < tag.size() && std::isspace(static_cast<unsigned char>(tag[i]))) ++i;
    std::string_view value;
    if (i < tag.size() && tag[i] == '=') {
      ++i;
      while (i < tag.size() && std::isspace(static_cast<unsigned char>(tag[i]))) ++i;
      if (i < tag.size() && (tag[i] == '"' || tag[i] == '\'')) {
        char q = tag[i++];
        std::size_t end = tag.find(q, i);
        if (end == std::string_view::npos) end = tag.size();
        value = tag.substr(i, end - i);
        i = end + 1;
      } else {
        std::size_t v_start = i;
        while (i < tag.size() && !std::isspace(static_cast<unsigned char>(tag[i]))) ++i;
        value = tag.substr(v_start, i - v_start);
      }
    }
    if (key.empty()) {
      ++i;
      continue;
    }
    bool same = key.size() == name.size();
    for (std::size_t k = 0; same && k < key.size(); ++k) {
      same = std::tolower(static_cast<unsigned char>(key[k])) == name[k];
    }
    if (same) {
      std::string decoded;
      for (std::size_t k = 0; k < value.size(); ++k) {
        std::size_t used = value[k] == '&' ? DecodeEntity(value.substr(k), &decoded) : 0;
        if (used == 0) {
          decoded.push_back(value[k]);
        } else {
          k += used - 1;
        }
      }
      return decoded;
    }
  }
  return std::nullopt;
}

// The degraded extraction, one linear pass without a tree: text between
// tags (each tag a word break, <script>/<style> contents and comments
// skipped, common character references decoded) and the href of every <a>
// and <area>. Used for documents too deep or too large for gumbo.
void LinearHtml(std::string_view html, const HtmlLimits& limits, HtmlContent* out) {
  auto room = [&] { return out->text.size() < limits.max_text_bytes; };
  const std::size_t n = html.size();
  std::size_t i = 0;
  while (i < n) {
    char c = html[i];
    if (c == '&') {
      // An entity decodes to up to 4 bytes: it goes in whole or not at all
      // (appending it unchecked overran max_text_bytes; found by fuzzing).
      std::string decoded;
      std::size_t used = DecodeEntity(html.substr(i), &decoded);
      if (used == 0) decoded = "&";
      if (!out->text_truncated && out->text.size() + decoded.size() <= limits.max_text_bytes) {
        out->text += decoded;
      } else {
        out->text_truncated = true;
      }
      i += std::max<std::size_t>(used, 1);
    } else if (c != '<') {
      std::size_t next = std::min(html.find_first_of("<&", i), n);
      std::size_t take = std::min(next - i, limits.max_text_bytes - std::min(limits.max_text_bytes, out->text.size()));
      if (take < next - i) out->text_truncated = true;
      out->text.append(html.substr(i, take));
      i = next;
    } else if (html.compare(i, 4, "<!--") == 0) {
      std::size_t end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? n : end + 3;
    } else {
      std::size_t end = html.find('>', i);
      if (end == std::string_view::npos) end = n;
      std::string_view tag = html.substr(i + 1, end - i - 1);
      std::string name;
      for (char t : tag.substr(0, 8)) {
        if (!std::isalnum(static_cast<unsigned char>(t))) break;
        name.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(t))));
      }
      if (room() && !out->text.empty() && out->text.back() != ' ') out->text.push_back(' ');
      i = end + 1;
      if (name == "a" || name == "area") {
        if (std::optional<std::string> href = Attribute(tag, "href")) {
          if (out->links.size() < limits.max_links) {
            out->links.push_back(std::move(*href));
          } else {
            out->links_truncated = true;
          }
        }
      } else if (name == "script" || name == "style") {
        // Skip to the matching end tag, case-insensitively.
        std::string close = "</" + name;
        std::size_t j = i;
        for (; j + close.size() <= n; ++j) {
          bool match = true;
          for (std::size_t k = 0; match && k < close.size(); ++k) {
            match = std::tolower(static_cast<unsigned char>(html[j + k])) == close[k];
          }
          if (match) break;
        }
        // No end tag: the rest is skipped (not its last few bytes kept,
        // which could start inside a UTF-8 sequence; found by fuzzing).
        i = j + close.size() <= n ? j : n;
      }
    }
    if (!room() && i < n) out->text_truncated = true;
  }
}

// A cap cuts text at a byte count, possibly inside a UTF-8 sequence: drop
// the incomplete sequence at the end (found by fuzz/content_fuzzer).
void DropPartialUtf8Tail(std::string* text) {
  std::size_t lead = text->size();
  while (lead > 0 && text->size() - lead < 4 && (static_cast<unsigned char>((*text)[lead - 1]) & 0xC0) == 0x80) --lead;
  if (lead == 0) return;
  const auto b = static_cast<unsigned char>((*text)[lead - 1]);
  const std::size_t need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
  if (text->size() - (lead - 1) < need) text->resize(lead - 1);
}

// gumbo 0.10.1 leaks a DOCTYPE token's strings when the token comes inside
// <noscript> in the head (found by ASan: `<head><noscript>` followed by N
// long `<!DOCTYPE …>` leaks all N names, so a hostile page could leak about
// its own size on every fetch). HTML ignores every DOCTYPE but one at the
// very start of a document (after whitespace or a byte order mark), so
// every other one becomes a bogus comment ("<!-octype…"), which gumbo drops
// too. Returns false, leaving *out alone, when there is none to change.
bool RewriteLateDoctypes(std::string_view html, std::string* out) {
  static constexpr std::string_view kDoctype = "<!doctype";
  const std::size_t start = html.find_first_not_of(" \t\n\r\f", html.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0);
  bool changed = false;
  for (std::size_t i = html.find("<!"); i != std::string_view::npos; i = html.find("<!", i + 2)) {
    if (i == start || html.size() - i < kDoctype.size() ||
        ::strncasecmp(html.data() + i, kDoctype.data(), kDoctype.size()) != 0) {
      continue;
    }
    if (!changed) out->assign(html);
    changed = true;
    (*out)[i + 2] = '-';
  }
  return changed;
}

// With gumbo's default options: a limit on recorded parse errors
// (max_errors) changes which duplicate attributes gumbo 0.10.1 keeps.
GumboOutput* Parse(std::string_view html) {
  return gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size());
}

// `content` is the one `extractor` fills.
HtmlContent Finished(Extractor& extractor, HtmlContent* content) {
  extractor.Finish();
  if (content->text_truncated) DropPartialUtf8Tail(&content->text);
  return std::move(*content);
}

}  // namespace

std::size_t EstimateHtmlDepth(std::string_view html) {
  std::size_t depth = 0, deepest = 0;
  const std::size_t n = html.size();
  for (std::size_t i = 0; i < n; ++i) {
    i = std::min(html.find('<', i), n);
    if (i + 1 >= n) break;
    if (html.compare(i, 4, "<!--") == 0) {
      std::size_t end = html.find("-->", i + 4);
      if (end == std::string_view::npos) break;
      i = end + 2;
      continue;
    }
    bool closing = html[i + 1] == '/';
    std::size_t j = i + (closing ? 2 : 1);
    char name[16];
    std::size_t len = 0;
    while (j < n && len < sizeof name && (std::isalnum(static_cast<unsigned char>(html[j])) || html[j] == '!')) {
      name[len++] = static_cast<char>(std::tolower(static_cast<unsigned char>(html[j])));
      ++j;
    }
    if (len == 0 || !std::isalpha(static_cast<unsigned char>(name[0]))) continue;
    std::string_view tag(name, len);
    if (NeverNests(tag)) continue;
    if (closing) {
      if (depth > 0) --depth;
      continue;
    }
    std::size_t end = html.find('>', j);
    if (end == std::string_view::npos) break;
    if (end > 0 && html[end - 1] == '/') continue;  // <x/>
    deepest = std::max(deepest, ++depth);
    i = end;
  }
  return deepest;
}

Result<HtmlContent> ExtractHtml(std::string_view html, const HtmlLimits& limits) {
  if (html.size() > limits.max_input_bytes) {
    return Status::LimitExceeded("HTML document of " + std::to_string(html.size()) + " bytes exceeds " +
                                 std::to_string(limits.max_input_bytes));
  }
  if (html.size() > limits.max_gumbo_bytes || EstimateHtmlDepth(html) > limits.max_depth) {
    HtmlContent degraded;
    degraded.degraded = true;
    LinearHtml(html, limits, &degraded);
    if (degraded.text_truncated) DropPartialUtf8Tail(&degraded.text);
    return degraded;
  }
  std::string rewritten;
  if (RewriteLateDoctypes(html, &rewritten)) html = rewritten;
  if (limits.text_placeholders) {
    const Shortened shortened = Shorten(html);
    if (!shortened.runs.empty()) {
      GumboOutputPtr output(Parse(shortened.doc));
      if (!output) return Status::Internal("gumbo failed to parse");
      HtmlContent content;
      Extractor extractor(limits, &content, &shortened.runs);
      extractor.Walk(output->document);
      if (extractor.AllPlaced()) {
        content.shortened = true;
        return Finished(extractor, &content);
      }
    }
  }
  GumboOutputPtr output(Parse(html));
  if (!output) return Status::Internal("gumbo failed to parse");
  HtmlContent content;
  Extractor extractor(limits, &content);
  extractor.Walk(output->document);
  return Finished(extractor, &content);
}

bool LooksLikeHtml(std::string_view body) {
  std::string head;
  for (char c : body.substr(0, 1024)) head.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  for (const char* marker : {"<!doctype html", "<html", "<head", "<body", "<div", "<p>", "<a ", "<table", "<br"}) {
    if (head.find(marker) != std::string::npos) return true;
  }
  return false;
}

}  // namespace leakmon
