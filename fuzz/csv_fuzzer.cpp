// Fuzzes the bounded CSV reader (common/csv.h) that reads the
// organization's identifier list in `hash-ids`. Checks the limits and that
// record lines only move forward.
#include <fuzzer/FuzzedDataProvider.h>

#include "common/csv.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace leakmon;
  FuzzedDataProvider in(data, size);
  CsvReader::Limits limits;
  limits.max_field_bytes = in.ConsumeIntegralInRange<std::size_t>(0, 64);
  limits.max_fields = in.ConsumeIntegralInRange<std::size_t>(1, 8);
  const std::string text = in.ConsumeRemainingBytesAsString();

  CsvReader reader(text, limits);
  std::vector<std::string> fields;
  std::size_t last_line = 0;
  std::size_t records = 0;
  while (reader.Next(&fields)) {
    FUZZ_CHECK(fields.size() <= limits.max_fields);
    for (const std::string& f : fields) FUZZ_CHECK(f.size() <= limits.max_field_bytes);
    FUZZ_CHECK(reader.record_line() > last_line);
    last_line = reader.record_line();
    FUZZ_CHECK(++records <= text.size());
  }
  return 0;
}
