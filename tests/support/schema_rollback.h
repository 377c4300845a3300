// Takes a test database back before schema migration 4 (the crawler's
// frontier, validators and site health) and migration 5 (the delivery's
// message id), for tests of older migrations.
#pragma once

#include <string>

#include "storage/sqlite.h"

namespace leakmon::testing {

inline bool RollBackCrawlerMigration(Database& db) {
  std::string sql = "DROP INDEX alert_deliveries_message; ALTER TABLE alert_deliveries DROP COLUMN message_id;";
  sql += "DROP TABLE frontier; DROP TABLE listing_yields; ALTER TABLE sites DROP COLUMN next_attempt_at;";
  for (const char* col : {"last_ok_at", "etag", "last_modified", "item_links", "empty_runs", "ever_yielded"}) {
    sql += std::string("ALTER TABLE pages DROP COLUMN ") + col + ";";
  }
  for (const char* col : {"status", "retries", "interrupted"}) {
    sql += std::string("ALTER TABLE site_runs DROP COLUMN ") + col + ";";
  }
  return db.Exec(sql).ok();
}

}  // namespace leakmon::testing
