// Fuzzes the HTTP body handling (crawler/content.h, crawler/charset.h): a
// hostile body with a fuzzer-chosen Content-Type (media type and charset
// label, real or bogus), decoded to UTF-8 and reduced to text and links under
// small, fuzzer-chosen caps. Checks that whatever leaves the body handling is
// valid UTF-8 without NUL bytes and within every cap.
#include <fuzzer/FuzzedDataProvider.h>

#include <string>

#include "crawler/charset.h"
#include "crawler/content.h"
#include "fuzz/fuzz_check.h"

namespace {

bool HasNul(const std::string& s) { return s.find('\0') != std::string::npos; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace leakmon;
  FuzzedDataProvider in(data, size);
  ContentLimits limits;
  limits.html.max_input_bytes = in.ConsumeIntegralInRange<std::size_t>(0, 1 << 16);
  limits.html.max_text_bytes = in.ConsumeIntegralInRange<std::size_t>(0, 4096);
  limits.html.max_links = in.ConsumeIntegralInRange<std::size_t>(0, 64);
  limits.html.max_depth = in.ConsumeIntegralInRange<std::size_t>(1, 512);
  limits.max_decoded_bytes = in.ConsumeIntegralInRange<std::size_t>(0, 1 << 16);
  static constexpr const char* kTypes[] = {"",
                                           "text/html",
                                           "text/html; charset=utf-8",
                                           "text/html; charset=iso-8859-1",
                                           "text/html; charset=windows-1251",
                                           "text/plain; charset=utf-16",
                                           "text/plain; charset=utf-16le",
                                           "text/plain; charset=shift_jis",
                                           "text/plain; charset=koi8-r",
                                           "text/plain; charset=\"gb18030\"",
                                           "TEXT/PLAIN;CHARSET=US-ASCII",
                                           "text/plain; charset=no-such-charset",
                                           "application/json",
                                           "application/xhtml+xml; charset=utf-32",
                                           "application/octet-stream",
                                           "image/png"};
  // Half the time a type from the list, otherwise the fuzzer writes its own.
  std::string content_type = in.ConsumeBool() ? std::string(in.PickValueInArray(kTypes))
                                              : in.ConsumeRandomLengthString(96);
  const std::string body = in.ConsumeRemainingBytesAsString();

  DecodedText decoded = DecodeToUtf8(body, CharsetFromContentType(content_type), limits.max_decoded_bytes);
  FUZZ_CHECK(IsValidUtf8(decoded.text));
  FUZZ_CHECK(!HasNul(decoded.text));
  FUZZ_CHECK(decoded.text.size() <= limits.max_decoded_bytes);
  FUZZ_CHECK(!decoded.charset.empty());
  (void)CharsetFromHtmlMeta(body);

  Result<PageContent> page = ExtractContent(body, content_type, limits);
  if (page.ok()) {
    FUZZ_CHECK(IsValidUtf8(page->text));
    FUZZ_CHECK(!HasNul(page->text));
    FUZZ_CHECK(page->text.size() <= limits.html.max_text_bytes);
    FUZZ_CHECK(page->links.size() <= limits.html.max_links);
    FUZZ_CHECK(page->html || page->links.empty());
  }
  // The releasing variant gives the same answer.
  Result<PageContent> released = ExtractContentReleasing(std::string(body), content_type, limits);
  FUZZ_CHECK(released.ok() == page.ok());
  if (page.ok()) {
    FUZZ_CHECK(released->text == page->text);
    FUZZ_CHECK(released->links == page->links);
  }
  return 0;
}
