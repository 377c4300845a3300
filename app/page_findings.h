// From the scanner's matches on one page to what is stored and printed:
// one FindingRecord per identifier found, with the matcher's severity
// assessment (matcher/severity.h), and the page's summary. Shared by `crawl`
// and `scan`. Holds no text: only kinds, hashes, refs, counts and labels.
#pragma once

#include <vector>

#include "config/options.h"
#include "matcher/identifier_set.h"
#include "matcher/scanner.h"
#include "matcher/severity.h"
#include "storage/store.h"

namespace leakmon {

// The scanner's options from [matcher] (and the text cap).
ScanOptions ScanOptionsFrom(const MatcherOptions& options, std::size_t max_text_bytes);

// The [matcher] thresholds as the severity rules take them.
SeverityOptions SeverityOptionsFrom(const MatcherOptions& options);

// Assesses `matches` and returns their records. When `page` is given, its
// severity, distinct_refs and record_refs are set (severity stays empty when
// there are no matches).
std::vector<FindingRecord> PageFindings(const std::vector<Match>& matches, const IdentifierSet& ids,
                                        const SeverityOptions& options, PageRecord* page = nullptr);

}  // namespace leakmon
