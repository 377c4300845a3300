#include "app/page_findings.h"

#include "common/sha256.h"

namespace leakmon {

ScanOptions ScanOptionsFrom(const MatcherOptions& options, std::size_t max_text_bytes) {
  ScanOptions out;
  out.default_region = options.default_region;
  out.max_text_bytes = max_text_bytes;
  return out;
}

SeverityOptions SeverityOptionsFrom(const MatcherOptions& options) {
  SeverityOptions out;
  out.high_min_refs = static_cast<std::uint32_t>(options.high_min_refs);
  out.record_min_kinds = static_cast<std::uint32_t>(options.record_min_kinds);
  return out;
}

std::vector<FindingRecord> PageFindings(const std::vector<Match>& matches, const IdentifierSet& ids,
                                        const SeverityOptions& options, PageRecord* page) {
  std::vector<FindingFacts> facts;
  facts.reserve(matches.size());
  for (const Match& m : matches) {
    IdentifierView id = ids.identifier(m.id);
    facts.push_back(FindingFacts{id.kind, id.ref, m.strength});
  }
  PageAssessment assessment = AssessPage(facts, options);
  std::vector<FindingRecord> out;
  out.reserve(matches.size());
  for (std::size_t i = 0; i < matches.size(); ++i) {
    IdentifierView id = ids.identifier(matches[i].id);
    FindingRecord r;
    r.kind = std::string(KindName(id.kind));
    r.hash = HexEncode(id.hash);
    r.ref = std::string(id.ref);
    r.count = matches[i].count;
    r.severity = std::string(SeverityName(assessment.findings[i].severity));
    r.strength = std::string(StrengthName(matches[i].strength));
    r.record = assessment.findings[i].record;
    out.push_back(std::move(r));
  }
  if (page) {
    if (assessment.severity) page->severity = std::string(SeverityName(*assessment.severity));
    page->distinct_refs = assessment.distinct_refs;
    page->record_refs = assessment.record_refs;
  }
  return out;
}

}  // namespace leakmon
