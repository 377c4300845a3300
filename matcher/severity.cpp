#include "matcher/severity.h"

#include <algorithm>
#include <bit>
#include <map>
#include <string>

namespace leakmon {
namespace {

bool IsPersonKind(Kind k) { return k != Kind::kTerm && k != Kind::kEmailDomain; }

Severity KindSeverity(Kind k) {
  switch (k) {
    case Kind::kNationalId:
    case Kind::kPaymentCard:
    case Kind::kIban: return Severity::kCritical;
    case Kind::kEmail:
    case Kind::kPhone: return Severity::kHigh;
    case Kind::kName:
    case Kind::kTerm:
    case Kind::kEmailDomain: return Severity::kLow;
  }
  return Severity::kLow;
}

}  // namespace

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kLow: return "low";
    case Severity::kHigh: return "high";
    case Severity::kCritical: return "critical";
  }
  return "?";
}

std::optional<Severity> ParseSeverity(std::string_view name) {
  for (Severity s : {Severity::kLow, Severity::kHigh, Severity::kCritical}) {
    if (SeverityName(s) == name) return s;
  }
  return std::nullopt;
}

std::string_view StrengthName(Strength s) { return s == Strength::kExact ? "exact" : "folded"; }

PageAssessment AssessPage(std::span<const FindingFacts> findings, const SeverityOptions& options) {
  // ref -> bit set of the person kinds seen with it.
  std::map<std::string_view, std::uint32_t> kinds_by_ref;
  for (const FindingFacts& f : findings) {
    if (f.ref.empty()) continue;
    std::uint32_t& mask = kinds_by_ref[f.ref];
    if (IsPersonKind(f.kind)) mask |= 1u << static_cast<unsigned>(f.kind);
  }
  PageAssessment page;
  page.distinct_refs = static_cast<std::uint32_t>(kinds_by_ref.size());
  for (const auto& [ref, mask] : kinds_by_ref) {
    if (static_cast<std::uint32_t>(std::popcount(mask)) >= options.record_min_kinds) ++page.record_refs;
  }
  const bool bulk = page.distinct_refs >= options.high_min_refs;
  page.findings.reserve(findings.size());
  for (const FindingFacts& f : findings) {
    FindingAssessment a;
    a.severity = KindSeverity(f.kind);
    if (!f.ref.empty()) {
      a.record = static_cast<std::uint32_t>(std::popcount(kinds_by_ref[f.ref])) >= options.record_min_kinds &&
                 IsPersonKind(f.kind);
    }
    if (a.record) a.severity = Severity::kCritical;
    if (bulk && a.severity < Severity::kHigh) a.severity = Severity::kHigh;
    page.severity = std::max(page.severity.value_or(Severity::kLow), a.severity);
    page.findings.push_back(a);
  }
  return page;
}

}  // namespace leakmon
