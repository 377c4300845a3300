// command: runs the configured program (no shell) with the generic alert
// JSON on stdin; exit status 0 means delivered. The program is killed when
// it runs longer than timeout_seconds. Its stdout is discarded; its stderr
// is leakmon's.
#include <cerrno>
#include <cstring>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "common/spawn_attributes.h"
#include "common/unique_fd.h"
#include "report/alert_channels_impl.h"

extern char** environ;

namespace leakmon {
namespace {

// Blocks SIGPIPE for the calling thread while it lives, whatever the
// process's disposition, and drops a SIGPIPE raised meanwhile (one already
// pending before is left alone).
class SigpipeBlocked {
 public:
  SigpipeBlocked() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeBlocked() {
    if (!was_pending_) {
      const timespec zero{0, 0};
      while (sigtimedwait(&pipe_, nullptr, &zero) == SIGPIPE) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeBlocked(const SigpipeBlocked&) = delete;
  SigpipeBlocked& operator=(const SigpipeBlocked&) = delete;

 private:
  sigset_t pipe_;
  sigset_t old_;
  bool was_pending_ = false;
};

class CommandChannel : public AlertChannel {
 public:
  explicit CommandChannel(AlertOptions options) : AlertChannel(std::move(options)) {}

  Status Send(const AlertNotice& notice) override {
    const AlertOptions& o = options();
    const std::string payload = GenericPayload(notice);
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return Status::IoError(o.name + ": pipe failed");
    UniqueFd read_end(fds[0]);
    UniqueFd write_end(fds[1]);

    pid_t pid = 0;
    int rc = 0;
    {
      SpawnAttributes sa;  // the program gets default signal handling, SIGPIPE included
      posix_spawn_file_actions_adddup2(&sa.actions, read_end.get(), 0);
      posix_spawn_file_actions_addopen(&sa.actions, 1, "/dev/null", O_WRONLY, 0);
      std::vector<char*> argv;
      for (const std::string& a : o.command) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      rc = ::posix_spawnp(&pid, argv[0], &sa.actions, &sa.attr, argv.data(), environ);
    }
    if (rc != 0) return Status::Unavailable(o.name + ": cannot run " + o.command[0] + ": " + std::strerror(rc));
    (void)read_end.Close();

    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(o.timeout_seconds);
    auto ms_left = [&] {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      return static_cast<int>(std::max<long long>(0, left.count()));
    };
    // Feed stdin; a program that stops reading early is judged by its exit
    // status, and its closed pipe must not kill leakmon with SIGPIPE.
    SigpipeBlocked no_sigpipe;
    ::fcntl(write_end.get(), F_SETFL, O_NONBLOCK);
    std::size_t sent = 0;
    while (sent < payload.size() && ms_left() > 0) {
      pollfd p{write_end.get(), POLLOUT, 0};
      if (::poll(&p, 1, ms_left()) <= 0) continue;
      ssize_t n = ::write(write_end.get(), payload.data() + sent, payload.size() - sent);
      if (n > 0) {
        sent += static_cast<std::size_t>(n);
      } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
        break;  // EPIPE: the program closed its stdin
      }
    }
    (void)write_end.Close();

    int status = 0;
    for (;;) {
      pid_t w = ::waitpid(pid, &status, WNOHANG);
      if (w == pid) break;
      if (w < 0 && errno != EINTR) return Status::Internal(o.name + ": waitpid failed");
      if (ms_left() == 0) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        return Status::Unavailable(o.name + ": " + o.command[0] + " did not finish within " +
                                   std::to_string(o.timeout_seconds) + " s; killed");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Status::Ok();
    if (WIFEXITED(status)) {
      return Status::Unavailable(o.name + ": " + o.command[0] + " exited with status " +
                                 std::to_string(WEXITSTATUS(status)));
    }
    return Status::Unavailable(o.name + ": " + o.command[0] + " was killed by signal " +
                               std::to_string(WTERMSIG(status)));
  }
};

}  // namespace

std::unique_ptr<AlertChannel> NewCommandChannel(AlertOptions options) {
  return std::make_unique<CommandChannel>(std::move(options));
}

}  // namespace leakmon
