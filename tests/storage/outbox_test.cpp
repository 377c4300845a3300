#include "storage/outbox.h"

#include <catch2/catch.hpp>

#include "storage/store.h"
#include "tests/support/schema_rollback.h"
#include "tests/support/temp_dir.h"

using namespace leakmon;
using leakmon::testing::TempDir;

namespace {

struct Fixture {
  TempDir dir;
  Store store = *Store::Open(dir.File("t.db"));
  std::int64_t run = *store.BeginRun(100);
  std::int64_t site = *store.UpsertSite("s", 100);
  Outbox outbox{store.db()};

  // Records a page with `findings` (kind, ref) at time `at`; returns the new-finding count.
  std::int64_t Page(const std::string& url, std::vector<std::pair<std::string, std::string>> findings,
                    std::int64_t at, const std::string& severity = "high") {
    PageRecord p;
    p.site_id = site;
    p.url = url;
    p.fetched_at = at;
    p.http_status = 200;
    p.content_sha256 = std::string(64, 'c');
    p.severity = severity;
    std::vector<FindingRecord> f;
    for (const auto& [kind, ref] : findings) {
      FindingRecord r{kind, std::string(64, kind[0]), ref, 2};
      r.severity = severity;
      f.push_back(r);
    }
    auto fresh = store.RecordPage(run, p, f);
    REQUIRE(fresh.ok());
    return *fresh;
  }

  std::int64_t Count(const std::string& sql) {
    auto st = store.db().Prepare(sql);
    REQUIRE(st.ok());
    REQUIRE(*st->Step());
    return st->ColumnInt(0);
  }
};

std::vector<std::int64_t> Ids(const std::vector<AlertRow>& rows) {
  std::vector<std::int64_t> ids;
  for (const auto& r : rows) ids.push_back(r.id);
  return ids;
}

}  // namespace

TEST_CASE("Outbox: new findings get exactly one alert, written with them") {
  Fixture f;
  REQUIRE(f.outbox.RegisterChannel("hook", 100).ok());
  CHECK(f.Page("http://x.onion/1", {{"email", "P-1"}, {"name", "P-1"}}, 200) == 2);
  CHECK(f.Page("http://x.onion/2", {}, 200) == 0);       // no findings, no alert
  CHECK(f.Page("http://x.onion/1", {{"email", "P-1"}, {"name", "P-1"}}, 300) == 0);  // nothing new
  CHECK(f.Count("SELECT count(*) FROM alert_outbox") == 1);

  auto due = f.outbox.Due("hook", 300);
  REQUIRE(due.ok());
  REQUIRE(due->size() == 1);
  const AlertRow& a = (*due)[0];
  CHECK(a.site == "s");
  CHECK(a.url == "http://x.onion/1");
  CHECK(a.severity == "high");
  CHECK(a.first_seen_at == 200);
  CHECK(a.content_sha256 == std::string(64, 'c'));
  REQUIRE(a.findings.size() == 2);
  CHECK(a.findings[0].kind == "email");
  CHECK(a.findings[0].ref == "P-1");
  CHECK(a.findings[0].count == 2);

  // One more finding on the same page later: a second alert with only that one.
  CHECK(f.Page("http://x.onion/1", {{"email", "P-1"}, {"phone", "P-2"}}, 400) == 1);
  due = f.outbox.Due("hook", 400);
  REQUIRE(due->size() == 2);
  REQUIRE((*due)[1].findings.size() == 1);
  CHECK((*due)[1].findings[0].kind == "phone");
}

TEST_CASE("Outbox: a failed page write leaves neither findings nor alert") {
  Fixture f;
  PageRecord p;
  p.site_id = f.site;
  p.url = "http://x.onion/1";
  p.fetched_at = 1;
  // Findings without a content digest are refused inside the transaction.
  auto r = f.store.RecordPage(f.run, p, {{"email", std::string(64, 'e'), "", 1}});
  CHECK_FALSE(r.ok());
  CHECK(f.Count("SELECT count(*) FROM findings") == 0);
  CHECK(f.Count("SELECT count(*) FROM alert_outbox") == 0);
}

TEST_CASE("Outbox: delivery states, retries with a due time, and no second delivery") {
  Fixture f;
  REQUIRE(f.outbox.RegisterChannel("a", 100).ok());
  REQUIRE(f.outbox.RegisterChannel("b", 100).ok());
  f.Page("http://x.onion/1", {{"email", "P-1"}}, 200);
  auto due = f.outbox.Due("a", 200);
  REQUIRE(due->size() == 1);
  std::vector<std::int64_t> ids = Ids(*due);

  // A failed attempt: recorded, retried only once due.
  REQUIRE(f.outbox.BeginAttempt(ids, "a", "m-1", 200, 260).ok());
  REQUIRE(f.outbox.FinishAttempt(ids, "a", 201, "HTTP 500").ok());
  CHECK(f.outbox.Due("a", 259)->empty());
  CHECK(f.outbox.Due("a", 260)->size() == 1);
  CHECK(*f.outbox.PendingCount({"a", "b"}) == 2);

  // A crash after BeginAttempt (no FinishAttempt) still leaves it pending.
  REQUIRE(f.outbox.BeginAttempt(ids, "a", "m-1", 260, 400).ok());
  CHECK(f.outbox.Due("a", 400)->size() == 1);

  REQUIRE(f.outbox.BeginAttempt(ids, "a", "m-1", 400, 800).ok());
  REQUIRE(f.outbox.FinishAttempt(ids, "a", 401, "").ok());
  CHECK(f.outbox.Due("a", 100000)->empty());
  CHECK(f.outbox.Due("b", 100000)->size() == 1);  // channels are independent
  CHECK(*f.outbox.PendingCount({"a", "b"}) == 1);
  CHECK(f.Count("SELECT attempts FROM alert_deliveries WHERE channel = 'a'") == 3);
  CHECK(f.Count("SELECT count(*) FROM alert_attempts WHERE channel = 'a'") == 2);
  CHECK(f.Count("SELECT count(*) FROM alert_attempts WHERE channel = 'a' AND ok = 1") == 1);

  REQUIRE(f.outbox.Skip(ids, "b", 500).ok());
  CHECK(f.outbox.Due("b", 100000)->empty());
  CHECK(*f.outbox.PendingCount({"a", "b"}) == 0);

  auto all = f.outbox.List(false);
  REQUIRE(all->size() == 1);
  REQUIRE((*all)[0].second.size() == 2);
  CHECK((*all)[0].second[0].state == "sent");
  CHECK((*all)[0].second[0].attempts == 3);
  CHECK((*all)[0].second[1].state == "skipped");
  CHECK(f.outbox.List(true)->empty());
}

TEST_CASE("Outbox: an attempted alert keeps its message, and the limit never cuts a message in two") {
  Fixture f;
  REQUIRE(f.outbox.RegisterChannel("a", 100).ok());
  for (int i = 1; i <= 5; ++i) f.Page("http://x.onion/" + std::to_string(i), {{"email", "P-" + std::to_string(i)}}, 200);
  auto due = f.outbox.Due("a", 200);
  REQUIRE(due->size() == 5);
  for (const AlertRow& a : *due) CHECK(a.message_id.empty());
  // Alerts 2 and 4 went out in one message, alert 1 in another; all failed.
  REQUIRE(f.outbox.BeginAttempt({2, 4}, "a", "m-2-4", 200, 300).ok());
  REQUIRE(f.outbox.FinishAttempt({2, 4}, "a", 200, "HTTP 503").ok());
  REQUIRE(f.outbox.BeginAttempt({1}, "a", "m-1", 200, 300).ok());
  // A later attempt does not move an alert to another message.
  REQUIRE(f.outbox.BeginAttempt({1}, "a", "m-other", 250, 300).ok());
  due = f.outbox.Due("a", 300);
  REQUIRE(Ids(*due) == std::vector<std::int64_t>{1, 2, 3, 4, 5});
  CHECK((*due)[0].message_id == "m-1");
  CHECK((*due)[1].message_id == "m-2-4");
  CHECK((*due)[2].message_id.empty());
  CHECK((*due)[3].message_id == "m-2-4");
  // A limit of 2 would end inside m-2-4: alert 4 comes too, 3 and 5 wait.
  CHECK(Ids(*f.outbox.Due("a", 300, 2)) == std::vector<std::int64_t>{1, 2, 4});
  CHECK(Ids(*f.outbox.Due("a", 300, 1)) == std::vector<std::int64_t>{1});
  // Not yet due: neither alert of m-2-4 is pulled in by the limit.
  CHECK(Ids(*f.outbox.Due("a", 299, 5)) == std::vector<std::int64_t>{3, 5});
}

TEST_CASE("Outbox: a channel added later gets only alerts created after it") {
  Fixture f;
  f.Page("http://x.onion/1", {{"email", "P-1"}}, 200);
  CHECK(f.outbox.Due("late", 1000)->empty());  // unregistered
  REQUIRE(f.outbox.RegisterChannel("late", 300).ok());
  CHECK(f.outbox.Due("late", 1000)->empty());
  f.Page("http://x.onion/2", {{"email", "P-2"}}, 400);
  auto due = f.outbox.Due("late", 1000);
  REQUIRE(due->size() == 1);
  CHECK(due->front().url == "http://x.onion/2");
  // Registering again changes nothing.
  REQUIRE(f.outbox.RegisterChannel("late", 2000).ok());
  CHECK(f.outbox.Due("late", 3000)->size() == 1);
}

TEST_CASE("Findings can be filtered by severity") {
  Fixture f;
  f.Page("http://x.onion/1", {{"email", "P-1"}}, 200, "critical");
  f.Page("http://x.onion/2", {{"name", "P-2"}}, 200, "low");
  auto rows = f.store.ListFindings({});
  REQUIRE(rows->size() == 2);
  CHECK((*rows)[0].severity == "critical");
  FindingFilter only_low;
  only_low.severities = {"low"};
  rows = f.store.ListFindings(only_low);
  REQUIRE(rows->size() == 1);
  CHECK((*rows)[0].url == "http://x.onion/2");
}

TEST_CASE("A version-2 database migrates to the outbox, keeping its findings unalerted") {
  TempDir dir;
  {
    Fixture f;
    f.Page("http://x.onion/1", {{"email", "P-1"}}, 200);
    REQUIRE(leakmon::testing::RollBackCrawlerMigration(f.store.db()));
    for (const char* table : {"alert_attempts", "alert_deliveries", "alert_channels", "alert_outbox_findings",
                              "alert_outbox"}) {
      REQUIRE(f.store.db().Exec(std::string("DROP TABLE ") + table).ok());
    }
    REQUIRE(f.store.db().Exec("PRAGMA user_version=2").ok());
    REQUIRE(f.store.db().Exec("VACUUM INTO '" + dir.File("v2.db") + "'").ok());
  }
  auto store = Store::Open(dir.File("v2.db"));
  REQUIRE(store.ok());
  REQUIRE(store->ListFindings({})->size() == 1);
  Outbox outbox(store->db());
  REQUIRE(outbox.RegisterChannel("hook", 1000).ok());
  CHECK(outbox.Due("hook", 2000)->empty());  // old findings are not alerted after an upgrade
}
