// Fuzzes the config loader (config/load.h) and validation
// (config/validate.h) with arbitrary TOML. Errors must come back as values
// naming the file; nothing may throw or crash.
#include "config/load.h"
#include "config/validate.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace leakmon;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Result<Config> config = ParseConfig(text, "/fuzz/leakmon.toml");
  if (!config.ok()) {
    FUZZ_CHECK(config.status().message().rfind("/fuzz/leakmon.toml", 0) == 0);
    return 0;
  }
  Status valid = ValidateConfig(*config);
  if (!valid.ok()) FUZZ_CHECK(valid.message().rfind("/fuzz/leakmon.toml", 0) == 0);
  return 0;
}
