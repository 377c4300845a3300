#include "storage/store.h"

#include <algorithm>
#include <cctype>

#include "storage/outbox.h"
#include "storage/schema.h"

namespace leakmon {

Result<Store> Store::Open(const std::string& path) {
  LEAKMON_ASSIGN_OR_RETURN(Database db, Database::Open(path));
  LEAKMON_RETURN_IF_ERROR(PrepareDatabase(db));
  return Store(std::move(db));
}

Result<std::int64_t> Store::BeginRun(std::int64_t now) {
  LEAKMON_ASSIGN_OR_RETURN(Statement st, db_.Prepare("INSERT INTO runs (started_at) VALUES (?)"));
  LEAKMON_RETURN_IF_ERROR(st.Bind(1, now).Run());
  return db_.LastInsertRowid();
}

Status Store::FinishRun(std::int64_t run_id, const RunTotals& t, int exit_code, std::int64_t now) {
  LEAKMON_ASSIGN_OR_RETURN(Statement st, db_.Prepare(
      "UPDATE runs SET finished_at = ?, pages = ?, bytes = ?, errors = ?, new_findings = ?, exit_code = ? "
      "WHERE id = ?"));
  return st.Bind(1, now).Bind(2, t.pages).Bind(3, t.bytes).Bind(4, t.errors).Bind(5, t.new_findings)
      .Bind(6, std::int64_t{exit_code}).Bind(7, run_id).Run();
}

Result<std::int64_t> Store::UpsertSite(const std::string& name, std::int64_t now) {
  {
    LEAKMON_ASSIGN_OR_RETURN(Statement st, db_.Prepare(
        "INSERT INTO sites (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING"));
    LEAKMON_RETURN_IF_ERROR(st.Bind(1, name).Bind(2, now).Run());
  }
  LEAKMON_ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT id FROM sites WHERE name = ?"));
  st.Bind(1, name);
  LEAKMON_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::Internal("site row vanished after insert");
  return st.ColumnInt(0);
}

Result<bool> Store::ItemFetched(std::int64_t site_id, const std::string& url) {
  LEAKMON_ASSIGN_OR_RETURN(ItemState item, Item(site_id, url));
  return item.fetched;
}

Result<Store::Cached> Store::Prepared(const char* sql) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    LEAKMON_ASSIGN_OR_RETURN(Statement st, db_.Prepare(sql));
    it = prepared_.emplace(sql, std::make_unique<Statement>(std::move(st))).first;
  }
  return Cached(it->second.get());
}

Result<ItemState> Store::Item(std::int64_t site_id, const std::string& url) {
  // One statement (one read transaction) for both tables: asked for every
  // item link of every listing.
  LEAKMON_ASSIGN_OR_RETURN(Cached st, Prepared(R"sql(
SELECT p.last_ok_at, p.content_sha256, p.etag, p.last_modified, f.failed_runs
FROM (SELECT ?1 AS site_id, ?2 AS url) k
LEFT JOIN pages p ON p.site_id = k.site_id AND p.url = k.url AND p.role = 'item' AND p.last_ok_at IS NOT NULL
LEFT JOIN frontier f ON f.site_id = k.site_id AND f.url = k.url AND f.role = 'item')sql"));
  st->Bind(1, site_id).Bind(2, url);
  LEAKMON_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::Internal("item lookup returned no row");
  ItemState item;
  if (!st->ColumnIsNull(0)) {
    item.fetched = true;
    item.last_ok_at = st->ColumnInt(0);
    item.content_sha256 = st->ColumnText(1);
    item.etag = st->ColumnText(2);
    item.last_modified = st->ColumnText(3);
  }
  if (!st->ColumnIsNull(4)) item.failed_runs = st->ColumnInt(4);
  return item;
}

Status Store::AddToFrontier(std::int64_t site_id, PageRole role, const std::vector<std::string>& urls,
                            std::int64_t now) {
  if (urls.empty()) return Status::Ok();
  Transaction tx(db_);
  LEAKMON_RETURN_IF_ERROR(tx.status());
  LEAKMON_ASSIGN_OR_RETURN(Statement st, db_.Prepare(
      "INSERT INTO frontier (site_id, url, role, discovered_at) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (site_id, url) DO NOTHING"));
  for (const std::string& url : urls) {
    st.Reset();
    st.Bind(1, site_id).Bind(2, url).Bind(3, PageRoleName(role)).Bind(4, now);
    LEAKMON_RETURN_IF_ERROR(st.Run());
  }
  return tx.Commit();
}

Result<Backlog> Store::FrontierBacklog(std::int64_t site_id, std::int64_t max_failed_runs) {
  LEAKMON_ASSIGN_OR_RETURN(Statement st, db_.Prepare(
      "SELECT url, role FROM frontier WHERE site_id = ? AND (role = 'listing' OR failed_runs < ?) ORDER BY rowid"));
  st.Bind(1, site_id).Bind(2, max_failed_runs);
  Backlog backlog;
  for (;;) {
    LEAKMON_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    (st.ColumnText(1) == "listing" ? backlog.listings : backlog.items).push_back(st.ColumnText(0));
  }
  return backlog;
}

Status Store::AdvanceFrontier(const PageRecord& p) {
  const bool leaves = p.error_kind.empty() || p.role == PageRole::kListing;
  LEAKMON_ASSIGN_OR_RETURN(Cached st, Prepared(
      leaves ? "DELETE FROM frontier WHERE site_id = ? AND url = ?"
             : "UPDATE frontier SET failed_runs = failed_runs + 1 WHERE site_id = ? AND url = ?"));
  return st->Bind(1, p.site_id).Bind(2, p.url).Run();
}

Status Store::RecordListingYield(std::int64_t run_id, std::int64_t page_id, std::int64_t item_links) {
  {
    LEAKMON_ASSIGN_OR_RETURN(Statement st, db_.Prepare(
        "INSERT OR REPLACE INTO listing_yields (run_id, page_id, item_links) VALUES (?, ?, ?)"));
    LEAKMON_RETURN_IF_ERROR(st.Bind(1, run_id).Bind(2, page_id).Bind(3, item_links).Run());
  }
  // empty_runs counts the runs without items since the listing last had
  // some; it only starts once the listing has ever had items.
  LEAKMON_ASSIGN_OR_RETURN(Statement st, db_.Prepare(R"sql(
UPDATE pages SET item_links = ?1,
  empty_runs = CASE WHEN ?1 > 0 THEN 0 ELSE empty_runs + ever_yielded END,
  ever_yielded = CASE WHEN ?1 > 0 THEN 1 ELSE ever_yielded END
WHERE id = ?2)sql"));
  return st.Bind(1, item_links).Bind(2, page_id).Run();
}

Result<std::int64_t> Store::RecordPage(std::int64_t run_id, const PageRecord& p,
                                       const std::vector<FindingRecord>& findings) {
  Transaction tx(db_);
  LEAKMON_RETURN_IF_ERROR(tx.status());
  std::optional<std::string> error_kind, error;
  std::optional<std::int64_t> ok_at;
  if (!p.error_kind.empty()) {
    error_kind = p.error_kind;
    error = p.error;
  } else {
    ok_at = p.fetched_at;
  }
  std::int64_t page_id;
  {
    // Validators are those of the last successful fetch. The page's
    // assessment changes only when its content was scanned: a failed fetch
    // or unchanged content (a recheck) keeps the last one.
    const bool assessed = p.error_kind.empty() && !p.unchanged;
    LEAKMON_ASSIGN_OR_RETURN(Cached st, Prepared(R"sql(
INSERT INTO pages (site_id, url, role, first_fetched_at, last_fetched_at, http_status, content_sha256,
                   bytes, error_kind, error, severity, distinct_refs, record_refs, last_ok_at, etag, last_modified)
VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
ON CONFLICT (site_id, url) DO UPDATE SET
  severity = CASE WHEN ?16 THEN excluded.severity ELSE severity END,
  distinct_refs = CASE WHEN ?16 THEN excluded.distinct_refs ELSE distinct_refs END,
  record_refs = CASE WHEN ?16 THEN excluded.record_refs ELSE record_refs END,
  last_fetched_at = excluded.last_fetched_at,
  fetch_count = fetch_count + 1,
  http_status = excluded.http_status,
  content_sha256 = coalesce(excluded.content_sha256, content_sha256),
  bytes = excluded.bytes,
  error_kind = excluded.error_kind,
  error = excluded.error,
  last_ok_at = coalesce(excluded.last_ok_at, last_ok_at),
  etag = CASE WHEN excluded.last_ok_at IS NULL THEN etag ELSE excluded.etag END,
  last_modified = CASE WHEN excluded.last_ok_at IS NULL THEN last_modified ELSE excluded.last_modified END
RETURNING id)sql"));
    st->Bind(1, p.site_id).Bind(2, p.url).Bind(3, PageRoleName(p.role)).Bind(4, p.fetched_at)
        .BindOptional(5, p.http_status).BindOptional(6, p.content_sha256).Bind(7, p.bytes).BindOptional(8, error_kind).BindOptional(9, error)
        .BindOptional(10, p.severity).Bind(11, p.distinct_refs).Bind(12, p.record_refs)
        .BindOptional(13, ok_at).Bind(14, p.etag).Bind(15, p.last_modified).Bind(16, std::int64_t{assessed});
    LEAKMON_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Status::Internal("the page upsert returned no id");
    page_id = st->ColumnInt(0);
    LEAKMON_RETURN_IF_ERROR(st->Run());  // completes the statement
  }
  LEAKMON_RETURN_IF_ERROR(AdvanceFrontier(p));
  if (p.item_links) LEAKMON_RETURN_IF_ERROR(RecordListingYield(run_id, page_id, *p.item_links));
  std::vector<std::int64_t> fresh_ids;
  if (!findings.empty()) {
    if (!p.content_sha256) return Status::Internal("findings without content digest");
    LEAKMON_ASSIGN_OR_RETURN(Statement ins, db_.Prepare(R"sql(
INSERT INTO findings (page_id, run_id, kind, hash, ref, count, content_sha256, first_seen_at, last_seen_at,
                      severity, strength, record)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?10, ?11)
ON CONFLICT (page_id, kind, hash, ref) DO NOTHING)sql"));
    LEAKMON_ASSIGN_OR_RETURN(Statement upd, db_.Prepare(
        "UPDATE findings SET last_seen_at = ?1, severity = ?6, strength = ?7, record = ?8 "
        "WHERE page_id = ?2 AND kind = ?3 AND hash = ?4 AND ref = ?5"));
    for (const FindingRecord& f : findings) {
      ins.Reset();
      ins.Bind(1, page_id).Bind(2, run_id).Bind(3, f.kind).Bind(4, f.hash).Bind(5, f.ref).Bind(6, f.count)
          .Bind(7, *p.content_sha256).Bind(8, p.fetched_at).Bind(9, f.severity).Bind(10, f.strength)
          .Bind(11, std::int64_t{f.record});
      LEAKMON_RETURN_IF_ERROR(ins.Run());
      if (db_.Changes() > 0) {
        fresh_ids.push_back(db_.LastInsertRowid());
      } else {
        upd.Reset();
        upd.Bind(1, p.fetched_at).Bind(2, page_id).Bind(3, f.kind).Bind(4, f.hash).Bind(5, f.ref)
            .Bind(6, f.severity).Bind(7, f.strength).Bind(8, std::int64_t{f.record});
        LEAKMON_RETURN_IF_ERROR(upd.Run());
      }
    }
  }
  if (!fresh_ids.empty()) {
    LEAKMON_RETURN_IF_ERROR(EnqueueAlert(db_, run_id, page_id, p.fetched_at, p.severity.value_or(""), *p.content_sha256,
                                         fresh_ids));
  }
  LEAKMON_RETURN_IF_ERROR(tx.Commit());
  return static_cast<std::int64_t>(fresh_ids.size());
}

Status Store::RecordSiteRun(std::int64_t run_id, std::int64_t site_id, const SiteRunTotals& t, std::int64_t now) {
  Transaction tx(db_);
  LEAKMON_RETURN_IF_ERROR(tx.status());
  const char* status = t.skipped ? "skipped" : t.up ? "up" : "down";
  {
    LEAKMON_ASSIGN_OR_RETURN(Statement st, db_.Prepare(
        "INSERT OR REPLACE INTO site_runs (run_id, site_id, pages, errors, new_findings, item_links, up, status, "
        "retries, interrupted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    LEAKMON_RETURN_IF_ERROR(st.Bind(1, run_id).Bind(2, site_id).Bind(3, t.pages).Bind(4, t.errors)
                                .Bind(5, t.new_findings).Bind(6, t.item_links).Bind(7, std::int64_t{t.up})
                                .Bind(8, status).Bind(9, t.retries).Bind(10, std::int64_t{t.interrupted})
                                .Run());
  }
  if (!t.skipped) {
    LEAKMON_ASSIGN_OR_RETURN(Statement st, db_.Prepare(
        t.up ? "UPDATE sites SET last_run_at = ?1, last_success_at = ?1, consecutive_failures = 0, "
               "last_error = NULL, next_attempt_at = NULL WHERE id = ?2"
             : "UPDATE sites SET last_run_at = ?1, consecutive_failures = consecutive_failures + 1, "
               "last_error = ?3, next_attempt_at = ?4 WHERE id = ?2"));
    st.Bind(1, now).Bind(2, site_id);
    if (!t.up) st.Bind(3, t.last_error).BindOptional(4, t.next_attempt_at);
    LEAKMON_RETURN_IF_ERROR(st.Run());
  }
  return tx.Commit();
}

Result<std::vector<SiteHealthRecord>> Store::SiteHealthReport(std::int64_t item_retry_runs,
                                                        std::int64_t adapter_broken_runs, int history_runs) {
  std::vector<SiteHealthRecord> out;
  std::vector<std::int64_t> ids;
  {
    LEAKMON_ASSIGN_OR_RETURN(Statement st, db_.Prepare(
        "SELECT id, name, last_run_at, last_success_at, consecutive_failures, last_error, next_attempt_at "
        "FROM sites ORDER BY name"));
    for (;;) {
      LEAKMON_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      SiteHealthRecord h;
      ids.push_back(st.ColumnInt(0));
      h.name = st.ColumnText(1);
      if (!st.ColumnIsNull(2)) h.last_run_at = st.ColumnInt(2);
      if (!st.ColumnIsNull(3)) h.last_success_at = st.ColumnInt(3);
      h.consecutive_failures = st.ColumnInt(4);
      h.last_error = st.ColumnText(5);
      if (!st.ColumnIsNull(6)) h.next_attempt_at = st.ColumnInt(6);
      out.push_back(std::move(h));
    }
  }
  LEAKMON_ASSIGN_OR_RETURN(Statement runs, db_.Prepare(
      "SELECT status, interrupted, item_links FROM site_runs WHERE site_id = ? ORDER BY run_id DESC LIMIT ?"));
  LEAKMON_ASSIGN_OR_RETURN(Statement counts, db_.Prepare(R"sql(
SELECT (SELECT count(*) FROM pages WHERE site_id = ?1),
       (SELECT count(*) FROM frontier WHERE site_id = ?1 AND role = 'item' AND failed_runs < ?2),
       (SELECT count(*) FROM frontier WHERE site_id = ?1 AND role = 'item' AND failed_runs >= ?2),
       (SELECT count(*) FROM findings f JOIN pages p ON p.id = f.page_id WHERE p.site_id = ?1))sql"));
  LEAKMON_ASSIGN_OR_RETURN(Statement broken, db_.Prepare(
      "SELECT url FROM pages WHERE site_id = ? AND role = 'listing' AND ever_yielded = 1 AND empty_runs >= ? "
      "ORDER BY url"));
  for (std::size_t i = 0; i < out.size(); ++i) {
    SiteHealthRecord& h = out[i];
    runs.Reset();
    runs.Bind(1, ids[i]).Bind(2, std::int64_t{history_runs});
    bool latest = true;
    for (;;) {
      LEAKMON_ASSIGN_OR_RETURN(bool row, runs.Step());
      if (!row) break;
      std::string status = runs.ColumnText(0);
      char c = status == "up" ? 'U' : status == "skipped" ? 'S' : 'D';
      if (runs.ColumnInt(1) != 0) c = static_cast<char>(std::tolower(c));
      h.history.insert(h.history.begin(), c);
      if (latest && status != "skipped") {
        h.last_item_links = runs.ColumnInt(2);
        latest = false;
      }
    }
    counts.Reset();
    counts.Bind(1, ids[i]).Bind(2, item_retry_runs);
    LEAKMON_ASSIGN_OR_RETURN(bool row, counts.Step());
    if (row) {
      h.pages = counts.ColumnInt(0);
      h.pending_items = counts.ColumnInt(1);
      h.given_up_items = counts.ColumnInt(2);
      h.findings = counts.ColumnInt(3);
    }
    broken.Reset();
    broken.Bind(1, ids[i]).Bind(2, adapter_broken_runs);
    for (;;) {
      LEAKMON_ASSIGN_OR_RETURN(bool more, broken.Step());
      if (!more) break;
      h.broken_listings.push_back(broken.ColumnText(0));
    }
  }
  return out;
}

Result<std::vector<FindingRow>> Store::ListFindings(const FindingFilter& filter) {
  LEAKMON_ASSIGN_OR_RETURN(Statement st, db_.Prepare(R"sql(
SELECT f.id, s.name, p.url, f.kind, f.ref, f.hash, f.count, f.first_seen_at, f.last_seen_at, f.content_sha256,
       f.severity, f.strength, f.record, p.severity, p.distinct_refs, p.record_refs
FROM findings f JOIN pages p ON p.id = f.page_id JOIN sites s ON s.id = p.site_id
WHERE (?1 IS NULL OR f.first_seen_at >= ?1) AND (?2 IS NULL OR s.name = ?2)
ORDER BY f.first_seen_at, f.id)sql"));
  st.BindOptional(1, filter.since).BindOptional(2, filter.site);
  std::vector<FindingRow> rows;
  for (;;) {
    LEAKMON_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    FindingRow r;
    r.id = st.ColumnInt(0);
    r.site = st.ColumnText(1);
    r.url = st.ColumnText(2);
    r.kind = st.ColumnText(3);
    r.ref = st.ColumnText(4);
    r.hash = st.ColumnText(5);
    r.count = st.ColumnInt(6);
    r.first_seen_at = st.ColumnInt(7);
    r.last_seen_at = st.ColumnInt(8);
    r.content_sha256 = st.ColumnText(9);
    r.severity = st.ColumnText(10);
    r.strength = st.ColumnText(11);
    r.record = st.ColumnInt(12) != 0;
    if (!st.ColumnIsNull(13)) r.page_severity = st.ColumnText(13);
    r.page_distinct_refs = st.ColumnInt(14);
    r.page_record_refs = st.ColumnInt(15);
    if (!filter.severities.empty() &&
        std::find(filter.severities.begin(), filter.severities.end(), r.severity) == filter.severities.end()) {
      continue;
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace leakmon
