// Fuzzes the identifier-file reader (matcher/identifier_file.h): the file
// hash-ids writes and every scan and crawl reads. Errors must name the
// file; a parsed set must be usable (Find on every stored hash works).
#include "fuzz/fuzz_check.h"
#include "fuzz/fuzz_key.h"
#include "matcher/identifier_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace leakmon;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Result<IdentifierSet> set = ParseIdentifierFile(text, "fuzz.csv", fuzz::FuzzHasher());
  if (!set.ok()) {
    FUZZ_CHECK(set.status().message().rfind("fuzz.csv:", 0) == 0);
    return 0;
  }
  for (std::uint32_t i = 0; i < set->size(); ++i) {
    const Identifier& id = set->identifier(i);
    FUZZ_CHECK(IsValidRef(id.ref));
    bool found = false;
    for (const IdentifierSet::Posting& p : set->Find(id.hash)) found |= p.id == i;
    FUZZ_CHECK(found);
  }
  return 0;
}
