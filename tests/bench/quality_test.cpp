// The quality test: a seeded corpus (bench/corpus.h) of paste pages with
// every kind planted in every supported form among decoys. Target: recall of
// at least 99% in every kind and every form, and no finding that was not
// planted (decoys: other people, near-miss checksums, dates, IPs, order
// numbers). `leakmon-bench quality` prints the same figures for
// docs/benchmarks.md.
#include <catch2/catch.hpp>
#include <cstdio>
#include <iterator>

#include "bench/quality.h"
#include "tests/matcher/kernel_limit.h"

using namespace leakmon::bench;

TEST_CASE("Quality: recall per kind and per form, zero false findings") {
  // Once per byte-mask implementation (matcher/byte_masks.h): the scanner's
  // findings must not depend on the CPU.
  const auto kernels = GENERATE(from_range(std::begin(leakmon::testing::kAllKernels), std::end(leakmon::testing::kAllKernels)));
  leakmon::testing::KernelLimit limit(kernels);
  INFO("implementation " << leakmon::testing::KernelName(leakmon::byte_masks::ActiveKernels()));
  CorpusOptions options;
  options.seed = 20261128;
  QualityReport r = MeasureQuality(options, 1500);
  std::printf("%s", r.Table().c_str());
  CHECK(r.pages == 1500);
  CHECK(r.decoy_pages > 100);
  CHECK(r.false_findings == 0);
  for (const auto& [name, recall] : r.by_kind) {
    INFO("kind " << name << ": " << recall.found << "/" << recall.planted);
    CHECK(recall.planted >= 50);
    CHECK(recall.rate() >= 0.99);
  }
  for (const auto& [name, recall] : r.by_form) {
    INFO("form " << name << ": " << recall.found << "/" << recall.planted);
    CHECK(recall.planted >= 10);
    CHECK(recall.rate() >= 0.99);
  }
}
