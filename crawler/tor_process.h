// TorProcess: a private tor for one leakmon run (`[tor] launch = true`).
//
// Launch():
//   1. creates a temporary DataDirectory (mkdtemp, mode 0700) under $TMPDIR
//      or /tmp, and writes a torrc there:
//        SocksPort auto ExtendedErrors IsolateSOCKSAuth, ControlPort auto,
//        CookieAuthentication 1, ControlPortWriteToFile,
//        __OwningControllerProcess <leakmon's pid>, then the extra lines;
//   2. starts `tor -f <torrc>` in its own process group (a terminal's
//      Ctrl-C reaches leakmon, which then stops tor itself), with tor's
//      output going to tor.log in the DataDirectory;
//   3. connects to the control port, authenticates with the cookie and
//      sends TAKEOWNERSHIP, so tor exits when leakmon does, however it ends;
//   4. reads the SOCKS port (GETINFO net/listeners/socks) and waits for
//      bootstrap 100% (WaitForBootstrap).
// All of this must finish within `bootstrap_timeout_seconds`; otherwise
// Launch fails with kUnavailable, quoting the bootstrap phase or tor's last
// warnings, and tor is already stopped.
//
// The destructor stops tor (closing the owning control connection, then
// SIGTERM, then SIGKILL after a few seconds) and removes the DataDirectory.
// Not thread-safe; one owner.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <sys/types.h>
#include <vector>

#include "common/result.h"
#include "crawler/tor_control.h"

namespace leakmon {

struct TorLaunchOptions {
  std::string binary = "tor";             // program; a bare name is found in PATH
  std::vector<std::string> extra_torrc;   // appended to the torrc, one option each
  std::int64_t bootstrap_timeout_seconds = 120;
};

class TorProcess {
 public:
  static Result<std::unique_ptr<TorProcess>> Launch(
      const TorLaunchOptions& options, const std::function<void(const BootstrapPhase&)>& on_progress = {});
  ~TorProcess();
  TorProcess(const TorProcess&) = delete;
  TorProcess& operator=(const TorProcess&) = delete;

  // "socks5h://127.0.0.1:<port>"
  const std::string& socks_url() const { return socks_url_; }
  const std::string& data_directory() const { return dir_; }
  pid_t pid() const { return pid_; }

  // Runs `tor --verify-config` on the torrc Launch would write (in a
  // scratch directory, removed afterwards): kInvalidArgument with tor's
  // complaint when tor refuses it (say, a bad extra_torrc line),
  // kUnavailable when tor cannot be started. For `leakmon doctor`.
  static Status VerifyConfig(const TorLaunchOptions& options);

  // The torrc text Launch writes, for `leakmon doctor` and tests. Pure.
  static std::string Torrc(const std::string& data_directory, const std::vector<std::string>& extra, pid_t owner);

 private:
  TorProcess() = default;
  void Stop();
  static Result<pid_t> SpawnTor(const std::string& binary, const std::string& dir,
                                const std::vector<std::string>& extra_torrc,
                                const std::vector<std::string>& extra_args);

  std::string dir_;
  pid_t pid_ = -1;
  std::unique_ptr<TorControl> control_;
  bool owned_ = false;  // TAKEOWNERSHIP succeeded: closing control_ stops tor
  std::string socks_url_;
};

}  // namespace leakmon
