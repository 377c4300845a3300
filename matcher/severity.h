// How bad a page is: record grouping by ref and the page's severity. Pure.
//
// Rules (README "Severity"; thresholds in [matcher]):
//   - A *record match* is one ref seen on one page through at least
//     record_min_kinds distinct person kinds (email, phone, national_id,
//     iban, payment_card, name; a folded name counts as a name). term and
//     email_domain describe the organization, not a person, and never make a
//     record. Findings without a ref never group.
//   - critical: a finding that is part of a record match, or any national_id,
//     payment_card or iban finding.
//   - high: any email or phone finding; and every finding on a page that
//     names at least high_min_refs distinct refs (a bulk leak).
//   - low: everything else: a lone name (exact or folded), term or
//     email_domain mention.
// A page's severity is the highest severity of its findings; a page without
// findings has none.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "matcher/kind.h"

namespace leakmon {

enum class Severity { kLow = 0, kHigh = 1, kCritical = 2 };

// "low", "high", "critical".
std::string_view SeverityName(Severity s);
std::optional<Severity> ParseSeverity(std::string_view name);

// How a match was made: on the identifier's canonical form, or only on its
// weaker diacritic-folded variant (names: Mäkinen ~ Makinen).
enum class Strength { kExact, kFolded };

// "exact", "folded".
std::string_view StrengthName(Strength s);

struct SeverityOptions {
  // Distinct refs on one page from which every finding there is at least
  // high: a bulk leak. [matcher] high_min_refs.
  std::uint32_t high_min_refs = 3;
  // Distinct person kinds of one ref on one page that make a record match.
  // [matcher] record_min_kinds.
  std::uint32_t record_min_kinds = 2;
};

// One finding on a page, as the rules see it.
struct FindingFacts {
  Kind kind;
  std::string_view ref;  // empty: no ref
  Strength strength = Strength::kExact;
};

struct FindingAssessment {
  Severity severity = Severity::kLow;
  bool record = false;  // its ref makes a record match on this page
};

struct PageAssessment {
  std::optional<Severity> severity;  // none when there are no findings
  std::uint32_t distinct_refs = 0;   // non-empty refs among the findings
  std::uint32_t record_refs = 0;     // refs that make a record match
  std::vector<FindingAssessment> findings;  // parallel to the input
};

PageAssessment AssessPage(std::span<const FindingFacts> findings, const SeverityOptions& options);

}  // namespace leakmon
