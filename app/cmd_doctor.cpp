// leakmon doctor: checks, without crawling anything, that a crawl could run:
//   - the config loads and validates;
//   - the key file is readable and private (mode 0600 or stricter), and the
//     identifier file loads with that key;
//   - the database is writable (or its directory, when it does not exist
//     yet), and its schema is one this leakmon can use;
//   - Tor: with `[tor] launch`, that the tor program accepts the torrc
//     leakmon would give it (tor --verify-config); otherwise that the SOCKS
//     proxy answers a SOCKS5 handshake and, when `[tor] control` is set,
//     how far tor has bootstrapped.
// Nothing is created or changed. One line per check on stdout ("ok",
// "FAIL", or "note" for what cannot be checked).
//
// Exit codes: 0 every check passed, 1 a runtime check failed (database,
// Tor), 2 the config, key or identifier file is wrong.
#include "app/commands.h"

#include <cstdio>
#include <sys/stat.h>
#include <unistd.h>

#include "app/console.h"
#include "app/exit_codes.h"
#include "app/run_lock.h"
#include "app/secrets.h"
#include "config/load.h"
#include "config/validate.h"
#include "crawler/socks_probe.h"
#include "crawler/tor_control.h"
#include "crawler/tor_process.h"
#include "storage/schema.h"
#include "storage/sqlite.h"

namespace leakmon {
namespace {

class Checklist {
 public:
  void Ok(const std::string& what) { std::printf("ok    %s\n", what.c_str()); }
  void Note(const std::string& what) { std::printf("note  %s\n", what.c_str()); }
  void Fail(const std::string& what, const Status& why) {
    std::printf("FAIL  %s: %s\n", what.c_str(), why.message().c_str());
    exit_code_ = std::max(exit_code_, ExitCodeFor(why));
  }
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_ = kExitOk;
};

std::string Octal(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

void CheckSecrets(const Config& c, Checklist& list) {
  struct stat st {};
  if (::stat(c.identifiers.key_file.c_str(), &st) == 0) {
    Result<SecretKey> key = LoadKeyFile(c.identifiers.key_file);
    if (key.ok()) {
      list.Ok("key file " + c.identifiers.key_file + " is readable and private (mode " + Octal(st.st_mode) + ")");
    } else {
      list.Fail("key file " + c.identifiers.key_file, key.status());
      return;
    }
  } else {
    list.Fail("key file", LoadKeyFile(c.identifiers.key_file).status());
    return;
  }
  Result<LoadedIdentifiers> ids = LoadIdentifiers(c.identifiers.key_file, c.identifiers.file);
  if (ids.ok()) {
    list.Ok("identifier file " + c.identifiers.file + ": " + std::to_string(ids->ids.size()) +
            " identifiers, hashed with this key");
  } else {
    list.Fail("identifier file " + c.identifiers.file, ids.status());
  }
}

void CheckDatabase(const Config& c, Checklist& list) {
  const std::string& path = c.storage.database;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    std::string dir = path.substr(0, path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/'));
    if (dir.empty()) dir = ".";
    if (::access(dir.c_str(), W_OK) == 0) {
      list.Ok("database " + path + " does not exist yet; its directory is writable (the first crawl creates it)");
    } else {
      list.Fail("database " + path, Status::IoError("does not exist, and " + dir + " is not writable"));
    }
    return;
  }
  Result<Database> db = Database::Open(path);
  if (!db.ok()) return list.Fail("database " + path, db.status());
  Result<Statement> version = db->Prepare("PRAGMA user_version");
  int v = -1;
  if (version.ok()) {
    Result<bool> row = version->Step();
    if (row.ok() && *row) v = static_cast<int>(version->ColumnInt(0));
  }
  if (v > kSchemaVersion) {
    return list.Fail("database " + path, Status::IoError("schema version " + std::to_string(v) +
                                                         " is newer than this leakmon supports; upgrade leakmon"));
  }
  // A write transaction, rolled back: proves the file and its directory
  // (for the journal) are writable without changing anything.
  if (Status s = db->Exec("BEGIN IMMEDIATE; ROLLBACK"); !s.ok()) return list.Fail("database " + path, s);
  list.Ok("database " + path + " is writable (schema " + std::to_string(v) +
          (v < kSchemaVersion ? ", the next crawl migrates it to " + std::to_string(kSchemaVersion) : "") + ")");
  Result<std::unique_ptr<RunLock>> lock = RunLock::Acquire(path + ".lock");
  if (!lock.ok() && lock.status().code() == Status::Code::kAlreadyExists) list.Note("a crawl is running right now");
}

void CheckTor(const TorOptions& t, Checklist& list) {
  if (t.launch) {
    TorLaunchOptions o;
    o.binary = t.tor_binary;
    o.extra_torrc = t.extra_torrc;
    Status s = TorProcess::VerifyConfig(o);
    if (!s.ok()) return list.Fail("tor (launch = true)", s);
    list.Ok("tor (launch = true): " + t.tor_binary + " runs and accepts leakmon's torrc (" +
            std::to_string(t.extra_torrc.size()) + " extra lines)");
    list.Note("a launched tor's bootstrap is checked by each crawl, within bootstrap_timeout_seconds = " +
              std::to_string(t.bootstrap_timeout_seconds));
    return;
  }
  if (Status s = ProbeSocks5(t.proxy, 5000); !s.ok()) return list.Fail("tor SOCKS proxy", Status::Unavailable(s.message()));
  list.Ok("tor SOCKS proxy " + t.proxy + " answers a SOCKS5 handshake");
  if (t.control.empty()) {
    list.Note("no [tor] control: whether tor has bootstrapped cannot be checked before a crawl");
    return;
  }
  Result<std::unique_ptr<TorControl>> c = TorControl::Connect(t.control, 5000);
  if (!c.ok()) return list.Fail("tor control port", c.status());
  if (Status s = (*c)->Authenticate(); !s.ok()) return list.Fail("tor control port " + t.control, s);
  Result<std::string> value = (*c)->GetInfo("status/bootstrap-phase");
  Result<BootstrapPhase> phase = value.ok() ? ParseBootstrapPhase(*value) : Result<BootstrapPhase>(value.status());
  if (!phase.ok()) return list.Fail("tor control port " + t.control, phase.status());
  if (phase->progress < 100) {
    return list.Fail("tor bootstrap", Status::Unavailable("at " + std::to_string(phase->progress) + "% (" +
                                                          phase->summary + "); a crawl now would exit 1"));
  }
  list.Ok("tor has bootstrapped (100%, control port " + t.control + ")");
}

}  // namespace

int RunDoctor(const DoctorArgs& args) {
  Checklist list;
  Result<Config> config = LoadConfigFile(args.config);
  Status valid = config.ok() ? ValidateConfig(*config) : config.status();
  if (!valid.ok()) {
    list.Fail("config", valid);
    return list.exit_code();
  }
  list.Ok("config " + args.config + ": " + std::to_string(config->sites.size()) + " sites");
  CheckSecrets(*config, list);
  CheckDatabase(*config, list);
  CheckTor(config->tor, list);
  std::printf(list.exit_code() == kExitOk ? "doctor: everything a crawl needs is in place\n"
                                          : "doctor: a crawl would fail; see FAIL above\n");
  return list.exit_code();
}

}  // namespace leakmon
