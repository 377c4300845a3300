#include "storage/store.h"

#include <algorithm>

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
  LEAKMON_ASSIGN_OR_RETURN(Statement st, db_.Prepare(
      "SELECT 1 FROM pages WHERE site_id = ? AND url = ? AND role = 'item' "
      "AND http_status BETWEEN 200 AND 299 AND error_kind IS NULL"));
  st.Bind(1, site_id).Bind(2, url);
  return st.Step();
}

Result<std::int64_t> Store::RecordPage(std::int64_t run_id, const PageRecord& p,
                                       const std::vector<FindingRecord>& findings) {
  Transaction tx(db_);
  LEAKMON_RETURN_IF_ERROR(tx.status());
  std::optional<std::string> error_kind, error;
  if (!p.error_kind.empty()) {
    error_kind = p.error_kind;
    error = p.error;
  }
  {
    LEAKMON_ASSIGN_OR_RETURN(Statement st, db_.Prepare(R"sql(
INSERT INTO pages (site_id, url, role, first_fetched_at, last_fetched_at, http_status, content_sha256,
                   bytes, error_kind, error, severity, distinct_refs, record_refs)
VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
ON CONFLICT (site_id, url) DO UPDATE SET
  severity = excluded.severity,
  distinct_refs = excluded.distinct_refs,
  record_refs = excluded.record_refs,
  last_fetched_at = excluded.last_fetched_at,
  fetch_count = fetch_count + 1,
  http_status = excluded.http_status,
  content_sha256 = coalesce(excluded.content_sha256, content_sha256),
  bytes = excluded.bytes,
  error_kind = excluded.error_kind,
  error = excluded.error)sql"));
    st.Bind(1, p.site_id).Bind(2, p.url).Bind(3, PageRoleName(p.role)).Bind(4, p.fetched_at)
        .BindOptional(5, p.http_status).BindOptional(6, p.content_sha256).Bind(7, p.bytes).BindOptional(8, error_kind).BindOptional(9, error)
        .BindOptional(10, p.severity).Bind(11, p.distinct_refs).Bind(12, p.record_refs);
    LEAKMON_RETURN_IF_ERROR(st.Run());
  }
  std::int64_t page_id;
  {
    LEAKMON_ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT id FROM pages WHERE site_id = ? AND url = ?"));
    st.Bind(1, p.site_id).Bind(2, p.url);
    LEAKMON_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::Internal("page row vanished after upsert");
    page_id = st.ColumnInt(0);
  }
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
  {
    LEAKMON_ASSIGN_OR_RETURN(Statement st, db_.Prepare(
        "INSERT OR REPLACE INTO site_runs (run_id, site_id, pages, errors, new_findings, item_links, up) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)"));
    LEAKMON_RETURN_IF_ERROR(st.Bind(1, run_id).Bind(2, site_id).Bind(3, t.pages).Bind(4, t.errors)
                                .Bind(5, t.new_findings).Bind(6, t.item_links).Bind(7, std::int64_t{t.up})
                                .Run());
  }
  {
    LEAKMON_ASSIGN_OR_RETURN(Statement st, db_.Prepare(
        t.up ? "UPDATE sites SET last_run_at = ?1, last_success_at = ?1, consecutive_failures = 0, "
               "last_error = NULL WHERE id = ?2"
             : "UPDATE sites SET last_run_at = ?1, consecutive_failures = consecutive_failures + 1, "
               "last_error = ?3 WHERE id = ?2"));
    st.Bind(1, now).Bind(2, site_id);
    if (!t.up) st.Bind(3, t.last_error);
    LEAKMON_RETURN_IF_ERROR(st.Run());
  }
  return tx.Commit();
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
