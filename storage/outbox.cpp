#include "storage/outbox.h"

namespace leakmon {

Status EnqueueAlert(Database& db, std::int64_t run_id, std::int64_t page_id, std::int64_t now,
                    const std::string& severity, const std::string& content_sha256,
                    const std::vector<std::int64_t>& finding_ids) {
  {
    LEAKMON_ASSIGN_OR_RETURN(Statement st, db.Prepare(
        "INSERT INTO alert_outbox (run_id, page_id, created_at, severity, content_sha256) VALUES (?, ?, ?, ?, ?)"));
    st.Bind(1, run_id).Bind(2, page_id).Bind(3, now).Bind(5, content_sha256);
    if (severity.empty()) {
      st.BindNull(4);
    } else {
      st.Bind(4, severity);
    }
    LEAKMON_RETURN_IF_ERROR(st.Run());
  }
  const std::int64_t alert_id = db.LastInsertRowid();
  LEAKMON_ASSIGN_OR_RETURN(Statement link, db.Prepare(
      "INSERT INTO alert_outbox_findings (outbox_id, finding_id) VALUES (?, ?)"));
  for (std::int64_t id : finding_ids) {
    link.Reset();
    LEAKMON_RETURN_IF_ERROR(link.Bind(1, alert_id).Bind(2, id).Run());
  }
  return Status::Ok();
}

Status Outbox::RegisterChannel(const std::string& channel, std::int64_t now) {
  LEAKMON_ASSIGN_OR_RETURN(Statement st, db_.Prepare(
      "INSERT INTO alert_channels (name, registered_at, first_outbox_id) "
      "VALUES (?1, ?2, (SELECT coalesce(max(id), 0) + 1 FROM alert_outbox)) ON CONFLICT (name) DO NOTHING"));
  return st.Bind(1, channel).Bind(2, now).Run();
}

Result<AlertRow> Outbox::LoadAlert(std::int64_t id) {
  AlertRow a;
  {
    LEAKMON_ASSIGN_OR_RETURN(Statement st, db_.Prepare(R"sql(
SELECT o.id, o.created_at, coalesce(o.severity, ''), s.name, p.url, o.content_sha256
FROM alert_outbox o JOIN pages p ON p.id = o.page_id JOIN sites s ON s.id = p.site_id WHERE o.id = ?)sql"));
    st.Bind(1, id);
    LEAKMON_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::NotFound("alert " + std::to_string(id) + " is not in the outbox");
    a.id = st.ColumnInt(0);
    a.created_at = st.ColumnInt(1);
    a.severity = st.ColumnText(2);
    a.site = st.ColumnText(3);
    a.url = st.ColumnText(4);
    a.content_sha256 = st.ColumnText(5);
  }
  LEAKMON_ASSIGN_OR_RETURN(Statement st, db_.Prepare(R"sql(
SELECT f.kind, f.ref, f.hash, f.count, f.first_seen_at
FROM alert_outbox_findings af JOIN findings f ON f.id = af.finding_id
WHERE af.outbox_id = ? ORDER BY f.kind, f.ref, f.hash)sql"));
  st.Bind(1, id);
  for (;;) {
    LEAKMON_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    a.findings.push_back(AlertFindingRow{st.ColumnText(0), st.ColumnText(1), st.ColumnText(2), st.ColumnInt(3)});
    std::int64_t seen = st.ColumnInt(4);
    if (a.first_seen_at == 0 || seen < a.first_seen_at) a.first_seen_at = seen;
  }
  return a;
}

Result<std::vector<AlertRow>> Outbox::Due(const std::string& channel, std::int64_t now, std::int64_t limit) {
  struct DueRow {
    std::int64_t id;
    std::int64_t attempts;
    std::string message_id;
  };
  std::vector<DueRow> rows;
  auto collect = [&rows](Statement& st) -> Status {
    for (;;) {
      LEAKMON_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) return Status::Ok();
      rows.push_back(DueRow{st.ColumnInt(0), st.ColumnInt(1), st.ColumnText(2)});
    }
  };
  {
    LEAKMON_ASSIGN_OR_RETURN(Statement st, db_.Prepare(R"sql(
SELECT o.id, coalesce(d.attempts, 0), coalesce(d.message_id, '')
FROM alert_outbox o JOIN alert_channels c ON c.name = ?1 AND o.id >= c.first_outbox_id
LEFT JOIN alert_deliveries d ON d.outbox_id = o.id AND d.channel = ?1
WHERE d.outbox_id IS NULL OR (d.state = 'pending' AND d.next_attempt_at <= ?2)
ORDER BY o.id LIMIT ?3)sql"));
    st.Bind(1, channel).Bind(2, now).Bind(3, limit);
    LEAKMON_RETURN_IF_ERROR(collect(st));
  }
  if (static_cast<std::int64_t>(rows.size()) == limit && limit > 0) {
    // The limit may have cut a message: add its due alerts past the last id.
    LEAKMON_ASSIGN_OR_RETURN(Statement st, db_.Prepare(R"sql(
SELECT d.outbox_id, d.attempts, d.message_id FROM alert_deliveries d
WHERE d.channel = ?1 AND d.state = 'pending' AND d.next_attempt_at <= ?2 AND d.outbox_id > ?3
  AND d.message_id IN (SELECT message_id FROM alert_deliveries WHERE channel = ?1 AND outbox_id <= ?3
                       AND state = 'pending' AND next_attempt_at <= ?2 AND message_id IS NOT NULL)
ORDER BY d.outbox_id)sql"));
    st.Bind(1, channel).Bind(2, now).Bind(3, rows.back().id);
    LEAKMON_RETURN_IF_ERROR(collect(st));
  }
  std::vector<AlertRow> out;
  for (DueRow& r : rows) {
    LEAKMON_ASSIGN_OR_RETURN(AlertRow a, LoadAlert(r.id));
    a.attempts = r.attempts;
    a.message_id = std::move(r.message_id);
    out.push_back(std::move(a));
  }
  return out;
}

Status Outbox::BeginAttempt(const std::vector<std::int64_t>& alert_ids, const std::string& channel,
                            const std::string& message_id, std::int64_t now, std::int64_t retry_at) {
  Transaction tx(db_);
  LEAKMON_RETURN_IF_ERROR(tx.status());
  LEAKMON_ASSIGN_OR_RETURN(Statement st, db_.Prepare(R"sql(
INSERT INTO alert_deliveries (outbox_id, channel, state, attempts, last_attempt_at, next_attempt_at, message_id)
VALUES (?1, ?2, 'pending', 1, ?3, ?4, ?5)
ON CONFLICT (outbox_id, channel) DO UPDATE SET
  attempts = attempts + 1, last_attempt_at = excluded.last_attempt_at, next_attempt_at = excluded.next_attempt_at,
  message_id = coalesce(message_id, excluded.message_id))sql"));
  for (std::int64_t id : alert_ids) {
    st.Reset();
    LEAKMON_RETURN_IF_ERROR(st.Bind(1, id).Bind(2, channel).Bind(3, now).Bind(4, retry_at).Bind(5, message_id).Run());
  }
  return tx.Commit();
}

Status Outbox::FinishAttempt(const std::vector<std::int64_t>& alert_ids, const std::string& channel,
                             std::int64_t now, const std::string& error) {
  Transaction tx(db_);
  LEAKMON_RETURN_IF_ERROR(tx.status());
  LEAKMON_ASSIGN_OR_RETURN(Statement upd, db_.Prepare(
      error.empty()
          ? "UPDATE alert_deliveries SET state = 'sent', delivered_at = ?3, last_error = NULL "
            "WHERE outbox_id = ?1 AND channel = ?2"
          : "UPDATE alert_deliveries SET last_error = ?4 WHERE outbox_id = ?1 AND channel = ?2"));
  LEAKMON_ASSIGN_OR_RETURN(Statement log, db_.Prepare(
      "INSERT INTO alert_attempts (outbox_id, channel, attempted_at, ok, error) VALUES (?, ?, ?, ?, ?)"));
  for (std::int64_t id : alert_ids) {
    upd.Reset();
    upd.Bind(1, id).Bind(2, channel);
    if (error.empty()) {
      upd.Bind(3, now);
    } else {
      upd.Bind(4, error);
    }
    LEAKMON_RETURN_IF_ERROR(upd.Run());
    log.Reset();
    log.Bind(1, id).Bind(2, channel).Bind(3, now).Bind(4, std::int64_t{error.empty()});
    if (error.empty()) {
      log.BindNull(5);
    } else {
      log.Bind(5, error);
    }
    LEAKMON_RETURN_IF_ERROR(log.Run());
  }
  return tx.Commit();
}

Status Outbox::Skip(const std::vector<std::int64_t>& alert_ids, const std::string& channel, std::int64_t now) {
  Transaction tx(db_);
  LEAKMON_RETURN_IF_ERROR(tx.status());
  LEAKMON_ASSIGN_OR_RETURN(Statement st, db_.Prepare(R"sql(
INSERT INTO alert_deliveries (outbox_id, channel, state, next_attempt_at, delivered_at)
VALUES (?1, ?2, 'skipped', 0, ?3)
ON CONFLICT (outbox_id, channel) DO UPDATE SET state = 'skipped', delivered_at = excluded.delivered_at)sql"));
  for (std::int64_t id : alert_ids) {
    st.Reset();
    LEAKMON_RETURN_IF_ERROR(st.Bind(1, id).Bind(2, channel).Bind(3, now).Run());
  }
  return tx.Commit();
}

Result<std::vector<std::pair<AlertRow, std::vector<DeliveryState>>>> Outbox::List(bool pending_only,
                                                                                  std::int64_t limit) {
  std::vector<std::pair<AlertRow, std::vector<DeliveryState>>> out;
  std::vector<std::int64_t> ids;
  {
    LEAKMON_ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT id FROM alert_outbox ORDER BY id DESC LIMIT ?"));
    st.Bind(1, limit);
    for (;;) {
      LEAKMON_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      ids.push_back(st.ColumnInt(0));
    }
  }
  LEAKMON_ASSIGN_OR_RETURN(Statement st, db_.Prepare(R"sql(
SELECT c.name, coalesce(d.state, 'pending'), coalesce(d.attempts, 0), d.last_attempt_at,
       coalesce(d.next_attempt_at, 0), d.delivered_at, coalesce(d.last_error, '')
FROM alert_channels c LEFT JOIN alert_deliveries d ON d.outbox_id = ?1 AND d.channel = c.name
WHERE ?1 >= c.first_outbox_id ORDER BY c.name)sql"));
  for (std::int64_t id : ids) {
    std::vector<DeliveryState> states;
    st.Reset();
    st.Bind(1, id);
    for (;;) {
      LEAKMON_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      DeliveryState d;
      d.alert_id = id;
      d.channel = st.ColumnText(0);
      d.state = st.ColumnText(1);
      d.attempts = st.ColumnInt(2);
      if (!st.ColumnIsNull(3)) d.last_attempt_at = st.ColumnInt(3);
      d.next_attempt_at = st.ColumnInt(4);
      if (!st.ColumnIsNull(5)) d.delivered_at = st.ColumnInt(5);
      d.last_error = st.ColumnText(6);
      if (pending_only && d.state != "pending") continue;
      states.push_back(std::move(d));
    }
    if (pending_only && states.empty()) continue;
    LEAKMON_ASSIGN_OR_RETURN(AlertRow a, LoadAlert(id));
    out.emplace_back(std::move(a), std::move(states));
  }
  return out;
}

Result<std::int64_t> Outbox::PendingCount(const std::vector<std::string>& channels) {
  std::int64_t total = 0;
  LEAKMON_ASSIGN_OR_RETURN(Statement st, db_.Prepare(R"sql(
SELECT count(*) FROM alert_outbox o JOIN alert_channels c ON c.name = ?1 AND o.id >= c.first_outbox_id
LEFT JOIN alert_deliveries d ON d.outbox_id = o.id AND d.channel = ?1
WHERE d.outbox_id IS NULL OR d.state = 'pending')sql"));
  for (const std::string& ch : channels) {
    st.Reset();
    st.Bind(1, ch);
    LEAKMON_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) total += st.ColumnInt(0);
  }
  return total;
}

}  // namespace leakmon
