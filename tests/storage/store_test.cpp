#include "storage/store.h"

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include "storage/schema.h"
#include "tests/support/schema_rollback.h"
#include "tests/support/temp_dir.h"

using namespace leakmon;
using leakmon::testing::TempDir;

namespace {
PageRecord Page(std::int64_t site, const std::string& url, const std::string& sha, std::int64_t at) {
  PageRecord p;
  p.site_id = site;
  p.url = url;
  p.role = PageRole::kItem;
  p.fetched_at = at;
  p.http_status = 200;
  p.content_sha256 = sha;
  p.bytes = 10;
  return p;
}

std::string Pragma(Database& db, const std::string& name) {
  auto st = db.Prepare("PRAGMA " + name);
  REQUIRE(st.ok());
  auto row = st->Step();
  REQUIRE(row.ok());
  return st->ColumnText(0);
}
}  // namespace

TEST_CASE("A new database gets the schema, WAL and synchronous=NORMAL") {
  TempDir dir;
  auto store = Store::Open(dir.File("t.db"));
  REQUIRE(store.ok());
  CHECK(Pragma(store->db(), "user_version") == std::to_string(kSchemaVersion));
  CHECK(Pragma(store->db(), "journal_mode") == "wal");
  CHECK(Pragma(store->db(), "synchronous") == "1");  // NORMAL
  // Reopening is a no-op migration.
  auto again = Store::Open(dir.File("t.db"));
  REQUIRE(again.ok());
}

TEST_CASE("A database from a newer leakmon is refused") {
  TempDir dir;
  {
    auto db = Database::Open(dir.File("t.db"));
    REQUIRE(db.ok());
    REQUIRE(db->Exec("PRAGMA user_version=99").ok());
  }
  auto store = Store::Open(dir.File("t.db"));
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().message().find("newer than this leakmon supports") != std::string::npos);
}

TEST_CASE("Pages and findings: re-fetching the same content adds no new findings") {
  TempDir dir;
  auto store = Store::Open(dir.File("t.db"));
  REQUIRE(store.ok());
  auto run = store->BeginRun(1000);
  REQUIRE(run.ok());
  auto site = store->UpsertSite("s", 1000);
  REQUIRE(site.ok());
  CHECK(*store->UpsertSite("s", 1001) == *site);

  std::vector<FindingRecord> f = {{"email", std::string(64, 'a'), "P-1", 2}, {"name", std::string(64, 'b'), "P-1", 1}};
  auto fresh = store->RecordPage(*run, Page(*site, "http://x.onion/paste/1", "sha1", 1000), f);
  REQUIRE(fresh.ok());
  CHECK(*fresh == 2);
  CHECK(*store->ItemFetched(*site, "http://x.onion/paste/1"));
  CHECK_FALSE(*store->ItemFetched(*site, "http://x.onion/paste/2"));

  auto again = store->RecordPage(*run, Page(*site, "http://x.onion/paste/1", "sha1", 2000), f);
  REQUIRE(again.ok());
  CHECK(*again == 0);

  auto rows = store->ListFindings({});
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 2);
  CHECK((*rows)[0].site == "s");
  CHECK((*rows)[0].url == "http://x.onion/paste/1");
  CHECK((*rows)[0].first_seen_at == 1000);
  CHECK((*rows)[0].last_seen_at == 2000);
  CHECK((*rows)[0].content_sha256 == "sha1");

  FindingFilter later;
  later.since = 1500;
  CHECK(store->ListFindings(later)->empty());
  FindingFilter other;
  other.site = "t";
  CHECK(store->ListFindings(other)->empty());
}

TEST_CASE("A failed fetch is recorded on the page and does not count as fetched") {
  TempDir dir;
  auto store = Store::Open(dir.File("t.db"));
  REQUIRE(store.ok());
  auto run = store->BeginRun(1);
  auto site = store->UpsertSite("s", 1);
  PageRecord p;
  p.site_id = *site;
  p.url = "http://x.onion/paste/9";
  p.fetched_at = 5;
  p.error_kind = "timeout";
  p.error = "Operation timed out";
  REQUIRE(store->RecordPage(*run, p, {}).ok());
  CHECK_FALSE(*store->ItemFetched(*site, p.url));
  SiteRunTotals t;
  t.pages = 1;
  t.errors = 1;
  t.up = false;
  t.last_error = "timeout: Operation timed out";
  REQUIRE(store->RecordSiteRun(*run, *site, t, 6).ok());
  REQUIRE(store->FinishRun(*run, RunTotals{1, 0, 1, 0}, 3, 7).ok());
  auto st = store->db().Prepare("SELECT consecutive_failures, last_error FROM sites");
  REQUIRE(st->Step().ok());
  CHECK(st->ColumnInt(0) == 1);
  CHECK(st->ColumnText(1) == "timeout: Operation timed out");
}

TEST_CASE("Severity, strength and record grouping are stored per finding and per page") {
  TempDir dir;
  auto store = Store::Open(dir.File("t.db"));
  REQUIRE(store.ok());
  auto run = store->BeginRun(1);
  auto site = store->UpsertSite("s", 1);
  PageRecord p = Page(*site, "http://x.onion/paste/1", "sha1", 10);
  p.severity = "critical";
  p.distinct_refs = 2;
  p.record_refs = 1;
  std::vector<FindingRecord> f = {{"national_id", std::string(64, 'a'), "P-1", 1, "critical", "exact", true},
                                  {"name", std::string(64, 'b'), "P-1", 2, "critical", "folded", true},
                                  {"name", std::string(64, 'c'), "P-2", 1, "low", "exact", false}};
  REQUIRE(store->RecordPage(*run, p, f).ok());
  auto rows = store->ListFindings({});
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 3);
  CHECK((*rows)[0].severity == "critical");
  CHECK((*rows)[0].record);
  CHECK((*rows)[1].strength == "folded");
  CHECK((*rows)[2].severity == "low");
  CHECK_FALSE((*rows)[2].record);
  for (const FindingRow& r : *rows) {
    CHECK(r.page_severity == std::optional<std::string>("critical"));
    CHECK(r.page_distinct_refs == 2);
    CHECK(r.page_record_refs == 1);
  }

  // A later fetch with a different assessment updates page and findings.
  p.fetched_at = 20;
  p.severity = "low";
  p.distinct_refs = 1;
  p.record_refs = 0;
  f = {{"name", std::string(64, 'c'), "P-2", 1, "low", "exact", false}};
  REQUIRE(store->RecordPage(*run, p, f).ok());
  rows = store->ListFindings({});
  CHECK((*rows)[0].page_severity == std::optional<std::string>("low"));

  // The schema refuses labels the rules do not produce.
  f = {{"name", std::string(64, 'd'), "P-3", 1, "medium", "exact", false}};
  CHECK_FALSE(store->RecordPage(*run, p, f).ok());
}

TEST_CASE("A version-1 database migrates, keeping its findings as low/exact") {
  TempDir dir;
  {
    auto store = Store::Open(dir.File("t.db"));
    REQUIRE(store.ok());
    auto run = store->BeginRun(1);
    auto site = store->UpsertSite("s", 1);
    REQUIRE(store->RecordPage(*run, Page(*site, "http://x.onion/paste/1", "sha1", 10),
                              {{"email", std::string(64, 'a'), "P-1", 1}})
                .ok());
    // Back to version 1: without migration 4's tables and columns, migration
    // 3's tables, nor migration 2's columns and index.
    REQUIRE(leakmon::testing::RollBackCrawlerMigration(store->db()));
    for (const char* table : {"alert_attempts", "alert_deliveries", "alert_channels", "alert_outbox_findings",
                              "alert_outbox"}) {
      REQUIRE(store->db().Exec(std::string("DROP TABLE ") + table).ok());
    }
    REQUIRE(store->db().Exec("DROP INDEX findings_severity").ok());
    for (const char* col : {"severity", "strength", "record"}) {
      REQUIRE(store->db().Exec(std::string("ALTER TABLE findings DROP COLUMN ") + col).ok());
    }
    for (const char* col : {"severity", "distinct_refs", "record_refs"}) {
      REQUIRE(store->db().Exec(std::string("ALTER TABLE pages DROP COLUMN ") + col).ok());
    }
    REQUIRE(store->db().Exec("PRAGMA user_version=1").ok());
  }
  auto store = Store::Open(dir.File("t.db"));
  REQUIRE(store.ok());
  CHECK(Pragma(store->db(), "user_version") == std::to_string(kSchemaVersion));
  auto rows = store->ListFindings({});
  REQUIRE(rows->size() == 1);
  CHECK((*rows)[0].severity == "low");
  CHECK((*rows)[0].strength == "exact");
  CHECK_FALSE((*rows)[0].page_severity.has_value());
  // Migration 3 marks pages fetched with a 2xx as fetched successfully.
  auto site = store->UpsertSite("s", 1);
  auto item = store->Item(*site, "http://x.onion/paste/1");
  REQUIRE(item.ok());
  CHECK(item->fetched);
  CHECK(item->last_ok_at == 10);
}

TEST_CASE("The frontier: discovered items wait until fetched, failed runs count, listings leave when fetched") {
  TempDir dir;
  auto store = Store::Open(dir.File("t.db"));
  REQUIRE(store.ok());
  auto site = store->UpsertSite("s", 100);
  REQUIRE(site.ok());
  auto run = store->BeginRun(100);
  REQUIRE(run.ok());
  REQUIRE(store->AddToFrontier(*site, PageRole::kItem, {"u/1", "u/2", "u/3"}, 100).ok());
  REQUIRE(store->AddToFrontier(*site, PageRole::kListing, {"l/2"}, 100).ok());
  REQUIRE(store->AddToFrontier(*site, PageRole::kItem, {"u/2"}, 200).ok());  // already there: keeps its place
  auto b = store->FrontierBacklog(*site, 3);
  REQUIRE(b.ok());
  CHECK(b->items == std::vector<std::string>{"u/1", "u/2", "u/3"});
  CHECK(b->listings == std::vector<std::string>{"l/2"});

  // u/1 fetched: it leaves. u/2 fails in three runs: given up.
  REQUIRE(store->RecordPage(*run, Page(*site, "u/1", "aa", 110), {}).ok());
  PageRecord failed = Page(*site, "u/2", "", 110);
  failed.content_sha256.reset();
  failed.http_status = 503;
  failed.error_kind = "http";
  failed.error = "HTTP 503";
  for (int i = 0; i < 3; ++i) REQUIRE(store->RecordPage(*run, failed, {}).ok());
  PageRecord listing = Page(*site, "l/2", "bb", 110);
  listing.role = PageRole::kListing;
  listing.item_links = 0;
  REQUIRE(store->RecordPage(*run, listing, {}).ok());
  b = store->FrontierBacklog(*site, 3);
  REQUIRE(b.ok());
  CHECK(b->items == std::vector<std::string>{"u/3"});
  CHECK(b->listings.empty());

  auto u1 = store->Item(*site, "u/1");
  REQUIRE(u1.ok());
  CHECK(u1->fetched);
  CHECK(u1->last_ok_at == 110);
  CHECK(u1->content_sha256 == "aa");
  auto u2 = store->Item(*site, "u/2");
  REQUIRE(u2.ok());
  CHECK_FALSE(u2->fetched);
  CHECK(u2->failed_runs == 3);
  auto fetched = store->ItemFetched(*site, "u/1");
  REQUIRE(fetched.ok());
  CHECK(*fetched);
}

TEST_CASE("Validators and digest are those of the last successful fetch, a 304 keeps the item fetched") {
  TempDir dir;
  auto store = Store::Open(dir.File("t.db"));
  REQUIRE(store.ok());
  auto site = store->UpsertSite("s", 100);
  auto run = store->BeginRun(100);
  REQUIRE((site.ok() && run.ok()));
  PageRecord first = Page(*site, "u/1", "aa", 100);
  first.etag = "\"v1\"";
  first.last_modified = "Mon, 01 Jan 2024 00:00:00 GMT";
  REQUIRE(store->RecordPage(*run, first, {}).ok());
  PageRecord timeout = Page(*site, "u/1", "", 200);
  timeout.content_sha256.reset();
  timeout.http_status.reset();
  timeout.error_kind = "timeout";
  REQUIRE(store->RecordPage(*run, timeout, {}).ok());
  PageRecord not_modified = Page(*site, "u/1", "", 300);
  not_modified.content_sha256.reset();
  not_modified.http_status = 304;
  not_modified.etag = "\"v1\"";
  REQUIRE(store->RecordPage(*run, not_modified, {}).ok());
  auto item = store->Item(*site, "u/1");
  REQUIRE(item.ok());
  CHECK(item->fetched);
  CHECK(item->last_ok_at == 300);
  CHECK(item->content_sha256 == "aa");
  CHECK(item->etag == "\"v1\"");
}

TEST_CASE("Site health: history, backoff, and listings that stopped yielding items") {
  TempDir dir;
  auto store = Store::Open(dir.File("t.db"));
  REQUIRE(store.ok());
  auto site = store->UpsertSite("s", 100);
  REQUIRE(site.ok());
  auto listing_run = [&](std::int64_t at, std::int64_t item_links) {
    auto run = store->BeginRun(at);
    REQUIRE(run.ok());
    PageRecord l = Page(*site, "http://x.onion/latest", "ll", at);
    l.role = PageRole::kListing;
    l.item_links = item_links;
    REQUIRE(store->RecordPage(*run, l, {}).ok());
    SiteRunTotals t;
    t.up = true;
    t.item_links = item_links;
    REQUIRE(store->RecordSiteRun(*run, *site, t, at).ok());
  };
  listing_run(100, 0);  // never yielded yet: not broken
  listing_run(200, 12);
  listing_run(300, 0);
  listing_run(400, 0);
  auto h = store->SiteHealthReport(3, 3);
  REQUIRE(h.ok());
  REQUIRE(h->size() == 1);
  CHECK(h->at(0).broken_listings.empty());  // two empty runs so far
  listing_run(500, 0);
  h = store->SiteHealthReport(3, 3);
  REQUIRE(h.ok());
  CHECK(h->at(0).broken_listings == std::vector<std::string>{"http://x.onion/latest"});
  CHECK(h->at(0).history == "UUUUU");
  CHECK(h->at(0).last_success_at == 500);

  // Down twice, with a next attempt; then a skipped run changes nothing but the history.
  auto run = store->BeginRun(600);
  REQUIRE(run.ok());
  SiteRunTotals down;
  down.last_error = "onion_not_found: gone";
  down.next_attempt_at = 4200;
  REQUIRE(store->RecordSiteRun(*run, *site, down, 600).ok());
  auto run2 = store->BeginRun(700);
  REQUIRE(run2.ok());
  SiteRunTotals skipped;
  skipped.skipped = true;
  REQUIRE(store->RecordSiteRun(*run2, *site, skipped, 700).ok());
  h = store->SiteHealthReport(3, 3);
  REQUIRE(h.ok());
  const SiteHealthRecord& s = h->at(0);
  CHECK(s.history == "UUUUUDS");
  CHECK(s.consecutive_failures == 1);
  CHECK(s.last_error == "onion_not_found: gone");
  CHECK(s.next_attempt_at == 4200);
  CHECK(s.last_run_at == 600);
  CHECK(s.last_item_links == 0);
}

TEST_CASE("A recheck that finds the content unchanged, or fails, keeps the page's assessment") {
  TempDir dir;
  auto store = Store::Open(dir.File("t.db"));
  REQUIRE(store.ok());
  auto run = store->BeginRun(1);
  auto site = store->UpsertSite("s", 1);
  PageRecord p = Page(*site, "http://x.onion/paste/1", "sha1", 10);
  p.severity = "critical";
  p.distinct_refs = 2;
  REQUIRE(store->RecordPage(*run, p, {{"email", std::string(64, 'a'), "P-1", 1, "critical", "exact", false}}).ok());
  PageRecord unchanged = Page(*site, "http://x.onion/paste/1", "", 20);
  unchanged.content_sha256.reset();
  unchanged.http_status = 304;
  unchanged.unchanged = true;
  REQUIRE(store->RecordPage(*run, unchanged, {}).ok());
  PageRecord failed = unchanged;
  failed.unchanged = false;
  failed.http_status.reset();
  failed.error_kind = "timeout";
  REQUIRE(store->RecordPage(*run, failed, {}).ok());
  auto rows = store->ListFindings({});
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 1);
  CHECK((*rows)[0].page_severity == std::optional<std::string>("critical"));
  CHECK((*rows)[0].page_distinct_refs == 2);
}
