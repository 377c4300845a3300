#include "storage/sqlite.h"

#include <sqlite3.h>

namespace leakmon {

void Statement::Deleter::operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
void Database::Deleter::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

void Statement::NoteBind(int rc) {
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
}

Statement& Statement::Bind(int index, std::int64_t value) {
  NoteBind(sqlite3_bind_int64(stmt_.get(), index, value));
  return *this;
}

Statement& Statement::Bind(int index, std::string_view value) {
  NoteBind(sqlite3_bind_text64(stmt_.get(), index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

Statement& Statement::BindNull(int index) {
  NoteBind(sqlite3_bind_null(stmt_.get(), index));
  return *this;
}

Statement& Statement::BindOptional(int index, const std::optional<std::int64_t>& value) {
  return value ? Bind(index, *value) : BindNull(index);
}

Statement& Statement::BindOptional(int index, const std::optional<std::string>& value) {
  return value ? Bind(index, std::string_view(*value)) : BindNull(index);
}

Result<bool> Statement::Step() {
  if (bind_error_ != 0) {
    return Status::Internal(std::string("sqlite bind failed: ") + sqlite3_errstr(bind_error_));
  }
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Status::IoError(std::string("sqlite: ") + sqlite3_errmsg(db_));
}

Status Statement::Run() {
  for (;;) {
    Result<bool> r = Step();
    if (!r.ok()) return r.status();
    if (!*r) return Status::Ok();
  }
}

void Statement::Reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
  bind_error_ = 0;
}

std::int64_t Statement::ColumnInt(int col) const { return sqlite3_column_int64(stmt_.get(), col); }

std::string Statement::ColumnText(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_.get(), col);
  if (!p) return {};
  return std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), col)));
}

bool Statement::ColumnIsNull(int col) const { return sqlite3_column_type(stmt_.get(), col) == SQLITE_NULL; }

Result<Database> Database::Open(const std::string& path) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  Database db(path, raw);  // owns raw even on failure
  if (rc != SQLITE_OK) {
    return Status::IoError(path + ": cannot open database: " + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, 10000);
  return db;
}

Status Database::Exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_.get(), s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = path_ + ": " + (err ? err : sqlite3_errstr(rc));
    sqlite3_free(err);
    return Status::IoError(msg);
  }
  return Status::Ok();
}

Status Database::ExecKept(const char* sql) {
  auto it = kept_.find(sql);
  if (it == kept_.end()) {
    LEAKMON_ASSIGN_OR_RETURN(Statement st, Prepare(sql));
    it = kept_.emplace(sql, std::move(st)).first;
  }
  sqlite3_stmt* st = it->second.stmt_.get();
  const int rc = sqlite3_step(st);
  Status status = rc == SQLITE_DONE || rc == SQLITE_ROW ? Status::Ok() : Status::IoError(Error());
  sqlite3_reset(st);
  return status;
}

Result<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return Status::Internal(path_ + ": cannot prepare statement: " + sqlite3_errmsg(db_.get()));
  }
  return Statement(db_.get(), stmt);
}

std::int64_t Database::LastInsertRowid() const { return sqlite3_last_insert_rowid(db_.get()); }
int Database::Changes() const { return sqlite3_changes(db_.get()); }
std::string Database::Error() const { return path_ + ": " + sqlite3_errmsg(db_.get()); }

Transaction::Transaction(Database& db) : db_(db), begin_(db.ExecKept("BEGIN IMMEDIATE")) {}

Transaction::~Transaction() {
  if (begin_.ok() && !done_) (void)db_.ExecKept("ROLLBACK");
}

Status Transaction::Commit() {
  if (!begin_.ok()) return begin_;
  Status s = db_.ExecKept("COMMIT");
  if (s.ok()) done_ = true;
  return s;
}

}  // namespace leakmon
