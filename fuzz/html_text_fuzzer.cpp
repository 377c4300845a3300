// Fuzzes HTML -> text and links (crawler/html_text.h) with hostile pages:
// small, fuzzer-chosen limits so every truncation and the degraded path for
// deep documents are reached. Checks that every limit holds, and that text
// placeholders give the text and links of gumbo reading every character.
#include <fuzzer/FuzzedDataProvider.h>

#include "crawler/content.h"
#include "crawler/html_text.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace leakmon;
  FuzzedDataProvider in(data, size);
  HtmlLimits limits;
  limits.max_input_bytes = in.ConsumeIntegralInRange<std::size_t>(0, 1 << 16);
  limits.max_text_bytes = in.ConsumeIntegralInRange<std::size_t>(0, 4096);
  limits.max_links = in.ConsumeIntegralInRange<std::size_t>(0, 64);
  limits.max_depth = in.ConsumeIntegralInRange<std::size_t>(1, 512);
  static constexpr const char* kTypes[] = {"", "text/html; charset=utf-8", "text/plain", "application/json"};
  const char* content_type = in.PickValueInArray(kTypes);
  const std::string body = in.ConsumeRemainingBytesAsString();

  Result<HtmlContent> html = ExtractHtml(body, limits);
  FUZZ_CHECK(html.ok() == (body.size() <= limits.max_input_bytes));
  if (html.ok()) {
    FUZZ_CHECK(html->text.size() <= limits.max_text_bytes);
    FUZZ_CHECK(html->links.size() <= limits.max_links);
    FUZZ_CHECK(html->degraded == (EstimateHtmlDepth(body) > limits.max_depth));
    // Text placeholders change nothing: the same as gumbo reading every character.
    HtmlLimits whole_limits = limits;
    whole_limits.text_placeholders = false;
    Result<HtmlContent> whole = ExtractHtml(body, whole_limits);
    FUZZ_CHECK(whole.ok() && whole->text == html->text && whole->links == html->links &&
               whole->text_truncated == html->text_truncated && whole->links_truncated == html->links_truncated);
  }

  std::vector<std::string> links;
  Result<std::string> text = DocumentText(body, content_type, limits, &links);
  if (text.ok()) {
    FUZZ_CHECK(text->size() <= limits.max_text_bytes);
    FUZZ_CHECK(links.size() <= limits.max_links);
  }
  (void)LooksLikeHtml(body);
  return 0;
}
