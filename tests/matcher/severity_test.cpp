#include "matcher/severity.h"

#include <catch2/catch.hpp>

using namespace leakmon;

namespace {

struct Case {
  const char* what;
  std::vector<FindingFacts> findings;
  std::optional<Severity> page;
  std::vector<Severity> each;
  std::vector<bool> record;
  std::uint32_t distinct_refs;
  std::uint32_t record_refs;
};

constexpr Severity L = Severity::kLow, H = Severity::kHigh, C = Severity::kCritical;

}  // namespace

TEST_CASE("Severity rules: records, critical kinds, bulk leaks, lone mentions") {
  auto c = GENERATE(values<Case>({
      {"nothing", {}, std::nullopt, {}, {}, 0, 0},
      {"a lone name", {{Kind::kName, "P-1"}}, L, {L}, {false}, 1, 0},
      {"a lone folded name", {{Kind::kName, "P-1", Strength::kFolded}}, L, {L}, {false}, 1, 0},
      {"a lone term", {{Kind::kTerm, ""}}, L, {L}, {false}, 0, 0},
      {"an email domain", {{Kind::kEmailDomain, ""}}, L, {L}, {false}, 0, 0},
      {"a lone email", {{Kind::kEmail, "P-1"}}, H, {H}, {false}, 1, 0},
      {"a lone phone", {{Kind::kPhone, "P-1"}}, H, {H}, {false}, 1, 0},
      {"a national id alone is critical", {{Kind::kNationalId, "P-1"}}, C, {C}, {false}, 1, 0},
      {"a card alone is critical", {{Kind::kPaymentCard, ""}}, C, {C}, {false}, 0, 0},
      {"an iban alone is critical", {{Kind::kIban, "P-1"}}, C, {C}, {false}, 1, 0},
      {"name + HETU of one ref: record", {{Kind::kName, "P-1"}, {Kind::kNationalId, "P-1"}}, C, {C, C},
       {true, true}, 1, 1},
      {"email + phone of one ref: record", {{Kind::kEmail, "P-1"}, {Kind::kPhone, "P-1"}}, C, {C, C},
       {true, true}, 1, 1},
      {"folded name + email: record", {{Kind::kName, "P-1", Strength::kFolded}, {Kind::kEmail, "P-1"}}, C,
       {C, C}, {true, true}, 1, 1},
      {"two names of one ref are one kind", {{Kind::kName, "P-1"}, {Kind::kName, "P-1"}}, L, {L, L},
       {false, false}, 1, 0},
      {"name + term of one ref: a term is not a person kind", {{Kind::kName, "P-1"}, {Kind::kTerm, "P-1"}}, L,
       {L, L}, {false, false}, 1, 0},
      {"name + email of different refs", {{Kind::kName, "P-1"}, {Kind::kEmail, "P-2"}}, H, {L, H},
       {false, false}, 2, 0},
      {"without refs nothing groups", {{Kind::kName, ""}, {Kind::kEmail, ""}}, H, {L, H}, {false, false}, 0, 0},
      {"three refs: bulk, every finding at least high",
       {{Kind::kName, "P-1"}, {Kind::kName, "P-2"}, {Kind::kName, "P-3"}, {Kind::kTerm, ""}}, H, {H, H, H, H},
       {false, false, false, false}, 3, 0},
      {"a record inside a bulk page",
       {{Kind::kName, "P-1"}, {Kind::kPhone, "P-1"}, {Kind::kName, "P-2"}, {Kind::kName, "P-3"}}, C,
       {C, C, H, H}, {true, true, false, false}, 3, 1},
  }));
  INFO(c.what);
  PageAssessment a = AssessPage(c.findings, SeverityOptions{});
  CHECK(a.severity == c.page);
  CHECK(a.distinct_refs == c.distinct_refs);
  CHECK(a.record_refs == c.record_refs);
  REQUIRE(a.findings.size() == c.each.size());
  for (std::size_t i = 0; i < c.each.size(); ++i) {
    CHECK(a.findings[i].severity == c.each[i]);
    CHECK(a.findings[i].record == c.record[i]);
  }
}

TEST_CASE("Severity thresholds are configurable") {
  std::vector<FindingFacts> page = {{Kind::kName, "P-1"}, {Kind::kEmail, "P-1"}, {Kind::kName, "P-2"}};
  SeverityOptions strict;
  strict.record_min_kinds = 3;
  strict.high_min_refs = 2;
  PageAssessment a = AssessPage(page, strict);
  CHECK(a.record_refs == 0);
  CHECK(a.severity == Severity::kHigh);
  CHECK(a.findings[2].severity == Severity::kHigh);  // bulk at 2 refs

  SeverityOptions lax;
  lax.high_min_refs = 100;
  a = AssessPage(page, lax);
  CHECK(a.record_refs == 1);
  CHECK(a.findings[2].severity == Severity::kLow);
}

TEST_CASE("Severity and strength names round-trip") {
  for (Severity s : {L, H, C}) CHECK(ParseSeverity(SeverityName(s)) == s);
  CHECK_FALSE(ParseSeverity("medium").has_value());
  CHECK(StrengthName(Strength::kExact) == "exact");
  CHECK(StrengthName(Strength::kFolded) == "folded");
}
