// RAII owners for SQLite's C handles, with errors as Status values.
//
// Database owns a sqlite3*, Statement a sqlite3_stmt*, Transaction an open
// transaction (rolled back unless Commit() succeeds). None can be copied;
// Database and Statement can be moved. A Statement must not outlive its
// Database. Not thread-safe: one Database per thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace leakmon {

class Statement {
 public:
  Statement(Statement&&) = default;
  Statement& operator=(Statement&&) = default;

  // Bind by 1-based index. A failed bind is reported by the next Step().
  Statement& Bind(int index, std::int64_t value);
  Statement& Bind(int index, std::string_view value);
  Statement& Bind(int index, const std::string& value) { return Bind(index, std::string_view(value)); }
  Statement& Bind(int index, const char* value) { return Bind(index, std::string_view(value)); }
  Statement& BindNull(int index);
  Statement& BindOptional(int index, const std::optional<std::int64_t>& value);
  Statement& BindOptional(int index, const std::optional<std::string>& value);

  // true: a row is available; false: done.
  Result<bool> Step();

  // Steps to completion, ignoring rows.
  Status Run();

  // Resets for re-execution and clears bindings.
  void Reset();

  std::int64_t ColumnInt(int col) const;
  std::string ColumnText(int col) const;
  bool ColumnIsNull(int col) const;

 private:
  friend class Database;
  struct Deleter {
    void operator()(sqlite3_stmt* s) const;
  };
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  void NoteBind(int rc);

  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, Deleter> stmt_;
  int bind_error_ = 0;
};

class Database {
 public:
  // Opens (creating if needed) the database at `path`, with a busy timeout.
  static Result<Database> Open(const std::string& path);

  Database(Database&&) = default;
  Database& operator=(Database&&) = default;

  // Runs one or more statements without results.
  Status Exec(std::string_view sql);
  // Runs one statement without parameters or results (BEGIN IMMEDIATE,
  // COMMIT, ROLLBACK: once per recorded page), prepared on its first use
  // and kept. `sql` must be a string literal (the cache is keyed by its
  // address).
  Status ExecKept(const char* sql);

  Result<Statement> Prepare(std::string_view sql);

  std::int64_t LastInsertRowid() const;
  int Changes() const;

  // The SQLite error message of the last failure, prefixed with the path.
  std::string Error() const;

  const std::string& path() const { return path_; }
  sqlite3* raw() const { return db_.get(); }

 private:
  struct Deleter {
    void operator()(sqlite3* db) const;
  };
  Database(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}

  std::string path_;
  std::unique_ptr<sqlite3, Deleter> db_;
  std::map<const char*, Statement> kept_;  // after db_: finalized before it closes
};

// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless committed.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // Whether BEGIN succeeded.
  const Status& status() const { return begin_; }
  Status Commit();

 private:
  Database& db_;
  Status begin_;
  bool done_ = false;
};

}  // namespace leakmon
