// The quality measurement: hashes a generated corpus's people.csv the way
// hash-ids does, scans every page the way crawl does (HTML through the
// extractor), and compares the findings with the ground truth.
#pragma once

#include <map>
#include <string>

#include "bench/corpus.h"

namespace leakmon::bench {

struct Recall {
  std::size_t planted = 0;
  std::size_t found = 0;
  double rate() const { return planted ? static_cast<double>(found) / static_cast<double>(planted) : 1.0; }
};

struct QualityReport {
  std::map<std::string, Recall> by_kind;  // "email"
  std::map<std::string, Recall> by_form;  // "email/bracket"
  std::size_t pages = 0;
  std::size_t decoy_pages = 0;
  std::size_t false_findings = 0;        // findings not planted on their page
  std::size_t decoy_page_findings = 0;   // of which on decoy-only pages
  std::size_t identifiers = 0;
  std::string Table() const;             // a Markdown table of all figures
};

QualityReport MeasureQuality(const CorpusOptions& options, std::size_t pages);

}  // namespace leakmon::bench
