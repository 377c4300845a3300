#include "storage/schema.h"

#include <string>

namespace leakmon {
namespace {

// migrations[i] takes the schema from version i to i + 1. Append only.
const char* const kMigrations[] = {
    // 0 -> 1: the walking skeleton.
    R"sql(
CREATE TABLE sites (
  id                   INTEGER PRIMARY KEY,
  name                 TEXT NOT NULL UNIQUE,
  created_at           INTEGER NOT NULL,
  last_run_at          INTEGER,
  last_success_at      INTEGER,
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  last_error           TEXT
);
CREATE TABLE runs (
  id           INTEGER PRIMARY KEY,
  started_at   INTEGER NOT NULL,
  finished_at  INTEGER,
  pages        INTEGER NOT NULL DEFAULT 0,
  bytes        INTEGER NOT NULL DEFAULT 0,
  errors       INTEGER NOT NULL DEFAULT 0,
  new_findings INTEGER NOT NULL DEFAULT 0,
  exit_code    INTEGER
);
CREATE TABLE site_runs (
  run_id       INTEGER NOT NULL REFERENCES runs(id),
  site_id      INTEGER NOT NULL REFERENCES sites(id),
  pages        INTEGER NOT NULL,
  errors       INTEGER NOT NULL,
  new_findings INTEGER NOT NULL,
  item_links   INTEGER NOT NULL,
  up           INTEGER NOT NULL,
  PRIMARY KEY (run_id, site_id)
);
CREATE TABLE pages (
  id               INTEGER PRIMARY KEY,
  site_id          INTEGER NOT NULL REFERENCES sites(id),
  url              TEXT NOT NULL,
  role             TEXT NOT NULL CHECK (role IN ('listing', 'item')),
  first_fetched_at INTEGER NOT NULL,
  last_fetched_at  INTEGER NOT NULL,
  fetch_count      INTEGER NOT NULL DEFAULT 1,
  http_status      INTEGER,
  content_sha256   TEXT,
  bytes            INTEGER,
  error_kind       TEXT,
  error            TEXT,
  UNIQUE (site_id, url)
);
CREATE TABLE findings (
  id             INTEGER PRIMARY KEY,
  page_id        INTEGER NOT NULL REFERENCES pages(id),
  run_id         INTEGER NOT NULL REFERENCES runs(id),
  kind           TEXT NOT NULL,
  hash           TEXT NOT NULL,
  ref            TEXT NOT NULL DEFAULT '',
  count          INTEGER NOT NULL,
  content_sha256 TEXT NOT NULL,
  first_seen_at  INTEGER NOT NULL,
  last_seen_at   INTEGER NOT NULL,
  UNIQUE (page_id, kind, hash, ref)
);
CREATE INDEX findings_first_seen ON findings (first_seen_at);
)sql",
    // 1 -> 2: severity and record grouping (matcher/severity.h). Per finding:
    // its severity, whether it matched exactly or only folded, and whether its
    // ref makes a record match on the page. Per page: the page's severity
    // (NULL without findings), its distinct refs and record-match refs.
    R"sql(
ALTER TABLE findings ADD COLUMN severity TEXT NOT NULL DEFAULT 'low'
  CHECK (severity IN ('low', 'high', 'critical'));
ALTER TABLE findings ADD COLUMN strength TEXT NOT NULL DEFAULT 'exact'
  CHECK (strength IN ('exact', 'folded'));
ALTER TABLE findings ADD COLUMN record INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pages ADD COLUMN severity TEXT CHECK (severity IN ('low', 'high', 'critical'));
ALTER TABLE pages ADD COLUMN distinct_refs INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pages ADD COLUMN record_refs INTEGER NOT NULL DEFAULT 0;
CREATE INDEX findings_severity ON findings (severity, first_seen_at);
)sql",
    // 2 -> 3: the alert outbox (storage/outbox.h). An alert is written in the
    // transaction that records its new findings; deliveries are per channel.
    R"sql(
CREATE TABLE alert_outbox (
  id             INTEGER PRIMARY KEY,
  run_id         INTEGER NOT NULL REFERENCES runs(id),
  page_id        INTEGER NOT NULL REFERENCES pages(id),
  created_at     INTEGER NOT NULL,
  severity       TEXT,
  content_sha256 TEXT NOT NULL
);
CREATE TABLE alert_outbox_findings (
  outbox_id  INTEGER NOT NULL REFERENCES alert_outbox(id),
  finding_id INTEGER NOT NULL UNIQUE REFERENCES findings(id),
  PRIMARY KEY (outbox_id, finding_id)
);
CREATE TABLE alert_channels (
  name            TEXT PRIMARY KEY,
  registered_at   INTEGER NOT NULL,
  first_outbox_id INTEGER NOT NULL
);
CREATE TABLE alert_deliveries (
  outbox_id       INTEGER NOT NULL REFERENCES alert_outbox(id),
  channel         TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'skipped')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_attempt_at INTEGER,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  delivered_at    INTEGER,
  last_error      TEXT,
  PRIMARY KEY (outbox_id, channel)
);
CREATE TABLE alert_attempts (
  id           INTEGER PRIMARY KEY,
  outbox_id    INTEGER NOT NULL REFERENCES alert_outbox(id),
  channel      TEXT NOT NULL,
  attempted_at INTEGER NOT NULL,
  ok           INTEGER NOT NULL,
  error        TEXT
);
)sql",
    // 3 -> 4: the crawler's frontier, validators for rechecks, site health.
    R"sql(
ALTER TABLE sites ADD COLUMN next_attempt_at INTEGER;
ALTER TABLE site_runs ADD COLUMN status TEXT;
ALTER TABLE site_runs ADD COLUMN retries INTEGER NOT NULL DEFAULT 0;
ALTER TABLE site_runs ADD COLUMN interrupted INTEGER NOT NULL DEFAULT 0;
UPDATE site_runs SET status = CASE WHEN up THEN 'up' ELSE 'down' END;
ALTER TABLE pages ADD COLUMN last_ok_at INTEGER;
ALTER TABLE pages ADD COLUMN etag TEXT;
ALTER TABLE pages ADD COLUMN last_modified TEXT;
ALTER TABLE pages ADD COLUMN item_links INTEGER;
ALTER TABLE pages ADD COLUMN empty_runs INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pages ADD COLUMN ever_yielded INTEGER NOT NULL DEFAULT 0;
UPDATE pages SET last_ok_at = last_fetched_at WHERE http_status BETWEEN 200 AND 299 AND error_kind IS NULL;
CREATE TABLE frontier (
  site_id       INTEGER NOT NULL REFERENCES sites(id),
  url           TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('listing', 'item')),
  discovered_at INTEGER NOT NULL,
  failed_runs   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (site_id, url)
);
CREATE TABLE listing_yields (
  run_id     INTEGER NOT NULL REFERENCES runs(id),
  page_id    INTEGER NOT NULL REFERENCES pages(id),
  item_links INTEGER NOT NULL,
  PRIMARY KEY (run_id, page_id)
);
)sql",
    // 4 -> 5: the message a delivery was last attempted in (storage/outbox.h),
    // so that a resend repeats the same message under the same id.
    R"sql(
ALTER TABLE alert_deliveries ADD COLUMN message_id TEXT;
CREATE INDEX alert_deliveries_message ON alert_deliveries (channel, message_id) WHERE message_id IS NOT NULL;
)sql",
};

constexpr int kMigrationCount = static_cast<int>(sizeof kMigrations / sizeof kMigrations[0]);
static_assert(kMigrationCount == kSchemaVersion, "one migration per schema version");

Result<int> UserVersion(Database& db) {
  LEAKMON_ASSIGN_OR_RETURN(Statement st, db.Prepare("PRAGMA user_version"));
  LEAKMON_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::Corruption(db.path() + ": PRAGMA user_version returned nothing");
  return static_cast<int>(st.ColumnInt(0));
}

}  // namespace

Status PrepareDatabase(Database& db) {
  // Debian's SQLite defaults to synchronous=FULL in WAL mode; NORMAL keeps
  // WAL's durability across application crashes at lower cost.
  LEAKMON_RETURN_IF_ERROR(db.Exec("PRAGMA journal_mode=WAL"));
  LEAKMON_RETURN_IF_ERROR(db.Exec("PRAGMA synchronous=NORMAL"));
  LEAKMON_RETURN_IF_ERROR(db.Exec("PRAGMA foreign_keys=ON"));
  // Freed pages are zeroed, so deleted rows leave no residue in the file.
  LEAKMON_RETURN_IF_ERROR(db.Exec("PRAGMA secure_delete=ON"));

  for (;;) {
    Result<int> version = UserVersion(db);
    if (!version.ok()) return version.status();
    if (*version == kSchemaVersion) return Status::Ok();
    if (*version > kSchemaVersion || *version < 0) {
      return Status::InvalidArgument(db.path() + ": database schema version " + std::to_string(*version) +
                                     " is newer than this leakmon supports (" + std::to_string(kSchemaVersion) +
                                     "); upgrade leakmon");
    }
    Transaction tx(db);
    LEAKMON_RETURN_IF_ERROR(tx.status());
    // Re-read inside the write lock: another process may have migrated.
    Result<int> locked = UserVersion(db);
    if (!locked.ok()) return locked.status();
    if (*locked != *version) continue;
    LEAKMON_RETURN_IF_ERROR(db.Exec(kMigrations[*version]).WithContext("migration to version " + std::to_string(*version + 1)));
    LEAKMON_RETURN_IF_ERROR(db.Exec("PRAGMA user_version=" + std::to_string(*version + 1)));
    LEAKMON_RETURN_IF_ERROR(tx.Commit());
  }
}

}  // namespace leakmon
