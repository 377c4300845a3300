// Fuzzes the identifier-file reader (matcher/identifier_file.h): the file
// hash-ids writes and every scan and crawl reads. Errors must name the file
// and line; feeding the same text in arbitrary chunks must give exactly the
// result of parsing it whole; a parsed set holds valid refs.
#include <fuzzer/FuzzedDataProvider.h>

#include "fuzz/fuzz_check.h"
#include "fuzz/fuzz_key.h"
#include "matcher/identifier_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace leakmon;
  FuzzedDataProvider in(data, size);
  const std::uint32_t chunking = in.ConsumeIntegral<std::uint32_t>();
  const std::string text = in.ConsumeRemainingBytesAsString();

  Result<IdentifierSet> whole = ParseIdentifierFile(text, "fuzz.csv", fuzz::FuzzHasher());
  if (!whole.ok()) {
    FUZZ_CHECK(whole.status().message().rfind("fuzz.csv:", 0) == 0);
  } else {
    for (std::uint32_t i = 0; i < whole->size(); ++i) FUZZ_CHECK(IsValidRef(whole->identifier(i).ref));
  }

  // The same text in chunks of 1..64 bytes, sizes drawn from `chunking`.
  IdentifierFileParser parser("fuzz.csv", fuzz::FuzzHasher());
  Status fed;
  std::uint32_t bits = chunking;
  for (std::size_t at = 0; at < text.size() && fed.ok();) {
    std::size_t n = 1 + (bits & 63);
    bits = bits * 1103515245u + 12345u;
    fed = parser.Feed(std::string_view(text).substr(at, n));
    at += n;
  }
  Result<IdentifierSet> chunked = fed.ok() ? parser.Finish() : Result<IdentifierSet>(fed);
  FUZZ_CHECK(chunked.ok() == whole.ok());
  if (!whole.ok()) {
    FUZZ_CHECK(chunked.status().message() == whole.status().message());
    return 0;
  }
  FUZZ_CHECK(chunked->size() == whole->size());
  FUZZ_CHECK(chunked->postings() == whole->postings());
  FUZZ_CHECK(chunked->max_words() == whole->max_words());
  for (std::uint32_t i = 0; i < whole->size(); ++i) {
    FUZZ_CHECK(chunked->identifier(i).kind == whole->identifier(i).kind);
    FUZZ_CHECK(chunked->identifier(i).hash == whole->identifier(i).hash);
    FUZZ_CHECK(chunked->identifier(i).ref == whole->identifier(i).ref);
  }
  return 0;
}
