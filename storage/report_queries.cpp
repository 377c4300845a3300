#include "storage/report_queries.h"

namespace leakmon {
namespace {

std::optional<std::int64_t> OptInt(const Statement& st, int col) {
  if (st.ColumnIsNull(col)) return std::nullopt;
  return st.ColumnInt(col);
}

}  // namespace

Result<std::vector<SiteHealth>> ListSiteHealth(Database& db) {
  LEAKMON_ASSIGN_OR_RETURN(Statement st, db.Prepare(R"sql(
SELECT s.name, s.last_run_at, s.last_success_at, s.consecutive_failures, coalesce(s.last_error, ''),
       (SELECT sr.up FROM site_runs sr WHERE sr.site_id = s.id AND coalesce(sr.status, '') != 'skipped'
        ORDER BY sr.run_id DESC LIMIT 1),
       (SELECT coalesce(sum(sr.pages), 0) FROM site_runs sr WHERE sr.site_id = s.id)
FROM sites s ORDER BY s.name)sql"));
  std::vector<SiteHealth> out;
  for (;;) {
    LEAKMON_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    SiteHealth h;
    h.name = st.ColumnText(0);
    h.last_run_at = OptInt(st, 1);
    h.last_success_at = OptInt(st, 2);
    h.consecutive_failures = st.ColumnInt(3);
    h.last_error = st.ColumnText(4);
    if (!st.ColumnIsNull(5)) h.up = st.ColumnInt(5) != 0;
    h.pages_fetched = st.ColumnInt(6);
    out.push_back(std::move(h));
  }
  return out;
}

Result<std::vector<SiteRunPoint>> ListSiteHistory(Database& db, std::int64_t since) {
  LEAKMON_ASSIGN_OR_RETURN(Statement st, db.Prepare(R"sql(
SELECT s.name, r.started_at, sr.up FROM site_runs sr JOIN runs r ON r.id = sr.run_id JOIN sites s ON s.id = sr.site_id
WHERE r.started_at >= ? ORDER BY r.started_at, s.name)sql"));
  st.Bind(1, since);
  std::vector<SiteRunPoint> out;
  for (;;) {
    LEAKMON_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(SiteRunPoint{st.ColumnText(0), st.ColumnInt(1), st.ColumnInt(2) != 0});
  }
  return out;
}

Result<std::optional<RunSummary>> LastFinishedRun(Database& db) {
  LEAKMON_ASSIGN_OR_RETURN(Statement st, db.Prepare(
      "SELECT id, started_at, finished_at, exit_code FROM runs WHERE finished_at IS NOT NULL "
      "ORDER BY finished_at DESC, id DESC LIMIT 1"));
  LEAKMON_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<RunSummary>();
  RunSummary r;
  r.id = st.ColumnInt(0);
  r.started_at = st.ColumnInt(1);
  r.finished_at = OptInt(st, 2);
  r.exit_code = OptInt(st, 3);
  return std::optional<RunSummary>(r);
}

}  // namespace leakmon
