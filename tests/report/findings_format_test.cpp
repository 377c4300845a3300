#include "report/findings_format.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace leakmon;

namespace {
FindingRow Row() {
  FindingRow r;
  r.site = "demo";
  r.url = "http://x.onion/paste/1";
  r.kind = "email";
  r.ref = "P-1";
  r.hash = std::string(64, 'a');
  r.count = 3;
  r.first_seen_at = 0;
  r.last_seen_at = 60;
  r.content_sha256 = std::string(64, 'c');
  return r;
}
}  // namespace

TEST_CASE("JSON export: schema string and the documented finding fields") {
  auto doc = nlohmann::json::parse(BuildJsonExport({Row()}, 86400));
  CHECK(doc["schema"] == "leakmon.findings/1");
  CHECK(doc["generated_at"] == "1970-01-02T00:00:00Z");
  REQUIRE(doc["findings"].size() == 1);
  const auto& f = doc["findings"][0];
  CHECK(f["site"] == "demo");
  CHECK(f["url"] == "http://x.onion/paste/1");
  CHECK(f["kind"] == "email");
  CHECK(f["ref"] == "P-1");
  CHECK(f["hash"] == std::string(64, 'a'));
  CHECK(f["count"] == 3);
  CHECK(f["first_seen"] == "1970-01-01T00:00:00Z");
  CHECK(f["content_sha256"] == std::string(64, 'c'));
}

TEST_CASE("CSV quotes fields and the table shortens hashes and hides control characters") {
  FindingRow r = Row();
  r.url = "http://x.onion/a,b\x1b[31m";
  std::string csv = FormatFindingsCsv({r});
  CHECK(csv.find("\"http://x.onion/a,b\x1b[31m\"") != std::string::npos);
  std::string table = FormatFindingsTable({r});
  CHECK(table.find(std::string(12, 'a') + " ") != std::string::npos);
  CHECK(table.find(std::string(13, 'a')) == std::string::npos);
  CHECK(table.find('\x1b') == std::string::npos);
}
