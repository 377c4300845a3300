// The database schema, versioned with PRAGMA user_version.
//
// Migrate() brings a database from any earlier version to kSchemaVersion,
// each step in its own transaction together with the user_version bump, so a
// crash leaves the database at one version or the next. A database newer
// than this binary is refused. Nothing in the schema holds page text or a
// plaintext identifier: only URLs, times, statuses, SHA-256 digests, keyed
// hashes, opaque refs and counts.
#pragma once

#include "common/status.h"
#include "storage/sqlite.h"

namespace leakmon {

inline constexpr int kSchemaVersion = 5;

// Sets WAL mode, synchronous=NORMAL and foreign keys, then migrates.
Status PrepareDatabase(Database& db);

}  // namespace leakmon
