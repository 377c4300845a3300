#include "report/exports.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <optional>

using namespace leakmon;
using nlohmann::json;

namespace {

FindingRow Finding(std::int64_t id, const std::string& url, const std::string& kind, const std::string& ref) {
  FindingRow f;
  f.id = id;
  f.site = "demo-paste";
  f.url = url;
  f.kind = kind;
  f.ref = ref;
  f.hash = std::string(64, 'a');
  f.count = 1;
  f.first_seen_at = 86400;
  f.last_seen_at = 86400;
  f.content_sha256 = std::string(64, 'c');
  f.severity = ref.empty() ? "low" : "critical";
  return f;
}

// Every array anywhere in the bundle (STIX 2.1 section 2.12: no empty lists).
void CheckNoEmptyList(const json& j, const std::string& where) {
  if (j.is_array()) {
    INFO(where);
    CHECK_FALSE(j.empty());
  }
  if (j.is_structured()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      CheckNoEmptyList(*it, where + "/" + (j.is_object() ? it.key() : std::string("[]")));
    }
  }
}

}  // namespace

TEST_CASE("STIX: x_leakmon_record_ids lists a page's record ids, and is absent when it has none") {
  struct Case {
    std::vector<FindingRow> findings;
    std::optional<std::vector<std::string>> record_ids;
  };
  const std::string a1 = "http://x.onion/paste/a1";
  std::vector<Case> cases = {
      {{Finding(1, a1, "email", "P-1"), Finding(2, a1, "name", "P-1"), Finding(3, a1, "email", "P-2")},
       std::vector<std::string>{"P-1", "P-2"}},
      {{Finding(1, a1, "term", "")}, std::nullopt},
      {{Finding(1, a1, "term", ""), Finding(2, a1, "email", "P-3")}, std::vector<std::string>{"P-3"}},
  };
  for (const Case& c : cases) {
    ExportData d;
    d.generated_at = 90000;
    d.findings = c.findings;
    json bundle = json::parse(ExportStix(d));
    CheckNoEmptyList(bundle, "bundle");
    int sightings = 0;
    for (const json& o : bundle["objects"]) {
      if (o["type"] != "sighting") continue;
      ++sightings;
      if (c.record_ids) {
        CHECK(o["x_leakmon_record_ids"] == json(*c.record_ids));
      } else {
        CHECK_FALSE(o.contains("x_leakmon_record_ids"));
      }
      CHECK_FALSE(o["x_leakmon_counts"].empty());
    }
    CHECK(sightings == 1);
  }
}
