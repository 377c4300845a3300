// Fuzzes the binary identifier-file reader (matcher/identifier_set_file.h),
// which scan and crawl map and use in place. The checksum is not compared,
// so that damaged tables reach the checks behind it. Errors must name the
// file; a set that is accepted must answer every lookup within its tables
// (the sanitizers watch), find each of its postings, hold valid refs, and
// write back to a file that reads with its checksum to the same set.
#include <cstdlib>
#include <cstring>
#include <memory>
#include <sanitizer/asan_interface.h>

#include "fuzz/fuzz_check.h"
#include "fuzz/fuzz_key.h"
#include "matcher/identifier_file.h"
#include "matcher/identifier_set_file.h"

namespace {

// `size` bytes copied to an address aligned to 64, as a mapping is.
// aligned_alloc rounds the size up: the bytes past `size` are poisoned, so
// that a read past the input trips ASan.
std::shared_ptr<char> AlignedCopy(const void* data, std::size_t size) {
  const std::size_t rounded = (size + 63) / 64 * 64 + 64;
  std::shared_ptr<char> copy(static_cast<char*>(std::aligned_alloc(64, rounded)), [rounded](char* p) {
    ASAN_UNPOISON_MEMORY_REGION(p, rounded);
    std::free(p);
  });
  if (size) std::memcpy(copy.get(), data, size);
  ASAN_POISON_MEMORY_REGION(copy.get() + size, rounded - size);
  return copy;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace leakmon;
  std::shared_ptr<char> copy = AlignedCopy(data, size);
  std::span<const char> bytes(copy.get(), size);
  IdentifierSetFileOptions options;
  options.verify_checksum = false;
  Result<IdentifierSet> set = ParseIdentifierSetFile(bytes, copy, "fuzz.lmids", fuzz::FuzzHasher(), options);
  if (!set.ok()) {
    FUZZ_CHECK(set.status().message().rfind("fuzz.lmids: ", 0) == 0);
    return 0;
  }
  const IdentifierSet::Tables t = set->tables();
  for (std::uint32_t i = 0; i < set->size(); ++i) {
    FUZZ_CHECK(IsValidRef(set->identifier(i).ref));
    set->folded_hash(i);
  }
  // Every posting is found through its bucket, unless the filter (whose
  // bits only the checksum vouches for) turns its tag away.
  for (std::uint64_t p : t.postings) {
    bool found = false;
    set->ForEachPosting(p, [&](const IdentifierSet::Posting& posting) {
      FUZZ_CHECK(posting.id < set->size());
      found = true;
    });
    FUZZ_CHECK(found || !set->MayContain(p));
  }
  for (std::uint64_t v : t.vocab_tags) FUZZ_CHECK(set->InVocabulary(v));

  const std::string again = IdentifierSetFile(*set, fuzz::FuzzHasher());
  std::shared_ptr<char> copy2 = AlignedCopy(again.data(), again.size());
  Result<IdentifierSet> reread = ParseIdentifierSetFile(std::span<const char>(copy2.get(), again.size()), copy2,
                                                        "fuzz.lmids", fuzz::FuzzHasher());
  FUZZ_CHECK(reread.ok());
  FUZZ_CHECK(reread->size() == set->size());
  FUZZ_CHECK(reread->postings() == set->postings());
  FUZZ_CHECK(IdentifierSetFile(*reread, fuzz::FuzzHasher()) == again);
  return 0;
}
