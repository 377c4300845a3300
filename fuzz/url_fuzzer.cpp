// Fuzzes URL parsing and link resolution (common/url.h): the crawler
// resolves every href a hostile page offers against the page's URL. A
// resolved link must itself parse as an absolute URL without a fragment.
#include <fuzzer/FuzzedDataProvider.h>

#include "common/url.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace leakmon;
  FuzzedDataProvider in(data, size);
  static constexpr const char* kBases[] = {
      "http://abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion/latest?page=2",
      "https://abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion:8443/a/b/c.html",
      "http://example.onion/"};
  std::string base = in.ConsumeBool() ? std::string(in.PickValueInArray(kBases)) : in.ConsumeRandomLengthString(256);
  const std::string ref = in.ConsumeRemainingBytesAsString();

  Result<UrlParts> parsed = ParseUrl(ref);
  if (parsed.ok()) {
    FUZZ_CHECK(!parsed->scheme.empty() && !parsed->host.empty());
    FUZZ_CHECK(parsed->url.find('#') == std::string::npos);
  }
  Result<std::string> resolved = ResolveUrl(base, ref);
  if (resolved.ok()) {
    FUZZ_CHECK(resolved->find('#') == std::string::npos);
  }
  return 0;
}
