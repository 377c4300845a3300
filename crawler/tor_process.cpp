#include "crawler/tor_process.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "common/files.h"
#include "common/spawn_attributes.h"
#include "common/unique_fd.h"

extern char** environ;

namespace leakmon {
namespace {

using Clock = std::chrono::steady_clock;

std::string QuoteTorrc(const std::string& value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

// tor's last warnings and errors from its log, for messages about failures.
std::string LogTail(const std::string& dir) {
  Result<std::string> log = ReadFileBounded(dir + "/tor.log", 4 << 20);
  if (!log.ok() || log->empty()) return "";
  std::vector<std::string> picked;
  std::size_t pos = 0;
  while (pos < log->size()) {
    std::size_t eol = log->find('\n', pos);
    if (eol == std::string::npos) eol = log->size();
    std::string line = log->substr(pos, eol - pos);
    pos = eol + 1;
    bool noteworthy = line.find("[warn]") != std::string::npos || line.find("[err]") != std::string::npos;
    if (noteworthy && line.find("running Tor as root") == std::string::npos) {
      picked.push_back(line.substr(0, 300));
    }
  }
  if (picked.size() > 3) picked.erase(picked.begin(), picked.end() - 3);
  std::string out;
  for (const std::string& l : picked) out += "\n  tor: " + l;
  return out;
}

std::string DescribeExit(int status) {
  if (WIFEXITED(status)) return "tor exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("tor was killed by signal ") + strsignal(WTERMSIG(status));
  return "tor stopped";
}

// Waits up to `ms` for `pid` to exit; true if it did (and was reaped).
bool WaitExit(pid_t pid, int ms, int* status) {
  auto end = Clock::now() + std::chrono::milliseconds(ms);
  for (;;) {
    pid_t r = ::waitpid(pid, status, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD)) return true;
    if (Clock::now() >= end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// A new directory under $TMPDIR (or /tmp), mode 0700, for tor's data.
Result<std::string> MakePrivateDirectory() {
  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/leakmon-tor-XXXXXX";
  if (!::mkdtemp(tmpl.data())) {
    return Status::IoError("cannot create a DataDirectory for tor (" + tmpl + "): " + std::strerror(errno));
  }
  if (::chmod(tmpl.c_str(), 0700) != 0) return Status::IoError("cannot chmod " + tmpl);
  return tmpl;
}

}  // namespace

// Writes <dir>/torrc and an empty <dir>/torrc-defaults, then starts
// `binary -f torrc --defaults-torrc torrc-defaults <extra_args>` in its own
// process group, default signal handling, output to <dir>/tor.log.
Result<pid_t> TorProcess::SpawnTor(const std::string& binary, const std::string& dir,
                                   const std::vector<std::string>& extra_torrc,
                                   const std::vector<std::string>& extra_args) {
  const std::string torrc = dir + "/torrc";
  const std::string defaults = dir + "/torrc-defaults";
  LEAKMON_RETURN_IF_ERROR(WriteNewFile(torrc, Torrc(dir, extra_torrc, ::getpid()), 0600));
  LEAKMON_RETURN_IF_ERROR(WriteNewFile(defaults, "", 0600));
  UniqueFd log(::open((dir + "/tor.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  UniqueFd null(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!log.valid() || !null.valid()) return Status::IoError("cannot open tor's log in " + dir);

  SpawnAttributes sa;
  posix_spawn_file_actions_adddup2(&sa.actions, null.get(), 0);
  posix_spawn_file_actions_adddup2(&sa.actions, log.get(), 1);
  posix_spawn_file_actions_adddup2(&sa.actions, log.get(), 2);
  posix_spawnattr_setpgroup(&sa.attr, 0);
  sa.AddFlags(POSIX_SPAWN_SETPGROUP);
  std::vector<std::string> args = {binary, "-f", torrc, "--defaults-torrc", defaults};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  int rc = binary.find('/') == std::string::npos
               ? posix_spawnp(&pid, binary.c_str(), &sa.actions, &sa.attr, argv.data(), environ)
               : posix_spawn(&pid, binary.c_str(), &sa.actions, &sa.attr, argv.data(), environ);
  if (rc != 0) return Status::Unavailable("cannot start tor (" + binary + "): " + std::strerror(rc));
  return pid;
}

Status TorProcess::VerifyConfig(const TorLaunchOptions& options) {
  std::unique_ptr<TorProcess> scratch(new TorProcess());  // owns the directory, removes it
  LEAKMON_ASSIGN_OR_RETURN(scratch->dir_, MakePrivateDirectory());
  LEAKMON_ASSIGN_OR_RETURN(pid_t pid, SpawnTor(options.binary, scratch->dir_, options.extra_torrc, {"--verify-config"}));
  int status = 0;
  if (!WaitExit(pid, 30000, &status)) {
    scratch->pid_ = pid;  // the destructor kills it
    return Status::Unavailable("tor --verify-config did not finish within 30 s");
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Status::Ok();
  return Status::InvalidArgument("tor (" + options.binary + ") refuses the torrc leakmon would give it: " +
                                 DescribeExit(status) + LogTail(scratch->dir_));
}

std::string TorProcess::Torrc(const std::string& dir, const std::vector<std::string>& extra, pid_t owner) {
  std::string t = "# Written by leakmon for one run; removed when the run ends.\n";
  t += "DataDirectory " + QuoteTorrc(dir) + "\n";
  t += "SocksPort auto ExtendedErrors IsolateSOCKSAuth\n";
  t += "ControlPort auto\n";
  t += "CookieAuthentication 1\n";
  t += "CookieAuthFile " + QuoteTorrc(dir + "/control_auth_cookie") + "\n";
  t += "ControlPortWriteToFile " + QuoteTorrc(dir + "/control-port") + "\n";
  t += "__OwningControllerProcess " + std::to_string(owner) + "\n";
  t += "ClientOnly 1\n";
  t += "AvoidDiskWrites 1\n";
  t += "Log notice stdout\n";
  for (const std::string& line : extra) t += line + "\n";
  return t;
}

Result<std::unique_ptr<TorProcess>> TorProcess::Launch(const TorLaunchOptions& options,
                                                        const std::function<void(const BootstrapPhase&)>& on_progress) {
  const auto deadline = Clock::now() + std::chrono::seconds(options.bootstrap_timeout_seconds);
  auto left_ms = [&] {
    return std::max<std::int64_t>(
        0, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
  };
  std::unique_ptr<TorProcess> tor(new TorProcess());

  LEAKMON_ASSIGN_OR_RETURN(tor->dir_, MakePrivateDirectory());
  LEAKMON_ASSIGN_OR_RETURN(pid_t pid, SpawnTor(options.binary, tor->dir_, options.extra_torrc, {}));
  tor->pid_ = pid;

  // tor writes "PORT=127.0.0.1:NNNN" once its control port listens.
  std::string control_address;
  while (control_address.empty()) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      tor->pid_ = -1;
      return Status::Unavailable(DescribeExit(status) + " before opening its control port" + LogTail(tor->dir_));
    }
    Result<std::string> file = ReadFileBounded(tor->dir_ + "/control-port", 4096);
    if (file.ok()) {
      std::size_t at = file->find("PORT=");
      std::size_t eol = file->find('\n', at);
      if (at != std::string::npos && eol != std::string::npos) control_address = file->substr(at + 5, eol - at - 5);
    }
    if (control_address.empty()) {
      if (left_ms() == 0) {
        return Status::Unavailable("tor did not open its control port within " +
                                   std::to_string(options.bootstrap_timeout_seconds) + " s" + LogTail(tor->dir_));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  auto control = TorControl::Connect(control_address, static_cast<int>(std::clamp<std::int64_t>(left_ms(), 1000, 10000)));
  if (!control.ok()) return control.status();
  tor->control_ = std::move(*control);
  LEAKMON_RETURN_IF_ERROR(tor->control_->Authenticate(tor->dir_ + "/control_auth_cookie"));
  LEAKMON_RETURN_IF_ERROR(tor->control_->Command("TAKEOWNERSHIP"));
  tor->owned_ = true;
  LEAKMON_ASSIGN_OR_RETURN(std::string socks, tor->control_->GetInfo("net/listeners/socks"));
  if (socks.empty()) return Status::Unavailable("tor opened no SOCKS port" + LogTail(tor->dir_));
  tor->socks_url_ = "socks5h://" + socks.substr(0, socks.find(' '));

  Status boot = WaitForBootstrap(*tor->control_, std::max<std::int64_t>(left_ms(), 1), 250, on_progress);
  if (!boot.ok()) {
    return Status::Unavailable("the tor leakmon started (" + options.binary + "): " + boot.message() +
                               LogTail(tor->dir_));
  }
  return tor;
}

void TorProcess::Stop() {
  control_.reset();  // tor took ownership of this connection: closing it makes tor exit
  if (pid_ > 0) {
    int status = 0;
    if (!owned_ || !WaitExit(pid_, 3000, &status)) {
      ::kill(pid_, SIGTERM);
      if (!WaitExit(pid_, 3000, &status)) {
        ::kill(pid_, SIGKILL);
        WaitExit(pid_, 3000, &status);
      }
    }
    pid_ = -1;
  }
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    dir_.clear();
  }
}

TorProcess::~TorProcess() { Stop(); }

}  // namespace leakmon
