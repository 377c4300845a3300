#include "tests/support/process.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace leakmon::testing {

std::string LeakmonBinary() {
  if (const char* p = std::getenv("LEAKMON_BINARY")) return p;
#ifdef LEAKMON_BINARY_PATH
  return LEAKMON_BINARY_PATH;
#else
  return "leakmon";
#endif
}

struct Subprocess::Io {
  std::string stdin_data;
  int in_fd = -1, out_fd = -1, err_fd = -1;
  std::chrono::steady_clock::time_point deadline;
  bool timed_out = false;
  ProcessResult result;
};

Subprocess::Subprocess(const std::vector<std::string>& argv, const ProcessOptions& options)
    : io_(std::make_unique<Io>()) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
    io_->result.err = "pipe failed";
    waited_ = true;
    return;
  }
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(in_pipe[0], 0);
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    if (!options.cwd.empty() && ::chdir(options.cwd.c_str()) != 0) ::_exit(127);
    for (const auto& name : options.unset_env) ::unsetenv(name.c_str());
    for (const auto& [k, v] : options.env) ::setenv(k.c_str(), v.c_str(), 1);
    if (options.unlimited_core) {
      rlimit unlimited{RLIM_INFINITY, RLIM_INFINITY};
      if (::setrlimit(RLIMIT_CORE, &unlimited) != 0) ::_exit(126);
    }
    if (options.uid != static_cast<uid_t>(-1)) {
      if (::setgroups(0, nullptr) != 0 || ::setresgid(options.uid, options.uid, options.uid) != 0 ||
          ::setresuid(options.uid, options.uid, options.uid) != 0) {
        ::_exit(126);
      }
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  if (options.on_start) options.on_start(pid_);
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  io_->stdin_data = options.stdin_data;
  io_->in_fd = in_pipe[1];
  io_->out_fd = out_pipe[0];
  io_->err_fd = err_pipe[0];
  io_->deadline = std::chrono::steady_clock::now() + options.timeout;
  const pid_t pid = pid_;
  Io* io = io_.get();
  reader_ = std::thread([io, pid] {
    const char* in_data = io->stdin_data.data();
    std::size_t in_left = io->stdin_data.size();
    if (in_left == 0) {
      ::close(io->in_fd);
      io->in_fd = -1;
    } else {
      ::fcntl(io->in_fd, F_SETFL, O_NONBLOCK);
    }
    while (io->out_fd >= 0 || io->err_fd >= 0) {
      pollfd fds[3];
      int n = 0;
      if (io->out_fd >= 0) fds[n++] = {io->out_fd, POLLIN, 0};
      if (io->err_fd >= 0) fds[n++] = {io->err_fd, POLLIN, 0};
      if (io->in_fd >= 0) fds[n++] = {io->in_fd, POLLOUT, 0};
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(io->deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 && !io->timed_out) {
        ::kill(pid, SIGKILL);
        io->timed_out = true;
      }
      int wait_ms = io->timed_out ? 1000 : static_cast<int>(std::min<long long>(left.count(), 1000));
      int rc = ::poll(fds, static_cast<nfds_t>(n), wait_ms);
      if (rc < 0 && errno != EINTR) break;
      for (int i = 0; i < n; ++i) {
        if (!fds[i].revents) continue;
        if (fds[i].fd == io->in_fd) {
          ssize_t w = ::write(io->in_fd, in_data, in_left);
          if (w > 0) {
            in_data += w;
            in_left -= static_cast<std::size_t>(w);
          }
          if (w < 0 || in_left == 0) {
            ::close(io->in_fd);
            io->in_fd = -1;
          }
          continue;
        }
        char buf[65536];
        ssize_t r = ::read(fds[i].fd, buf, sizeof buf);
        bool is_out = fds[i].fd == io->out_fd;
        if (r > 0) {
          (is_out ? io->result.out : io->result.err).append(buf, static_cast<std::size_t>(r));
        } else {
          ::close(fds[i].fd);
          (is_out ? io->out_fd : io->err_fd) = -1;
        }
      }
    }
    if (io->in_fd >= 0) ::close(io->in_fd);
    io->in_fd = -1;
  });
}

Subprocess::~Subprocess() {
  if (!waited_) {
    Kill(SIGKILL);
    Wait();
  }
}

bool Subprocess::Running() const {
  if (pid_ <= 0 || waited_) return false;
  siginfo_t info{};
  if (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) != 0) return false;
  return info.si_pid == 0;
}

void Subprocess::Kill(int sig) {
  if (pid_ > 0 && !waited_) ::kill(pid_, sig);
}

ProcessResult Subprocess::Wait() {
  if (waited_) return io_->result;
  if (reader_.joinable()) reader_.join();
  int status = 0;
  rusage usage{};
  ::wait4(pid_, &status, 0, &usage);
  waited_ = true;
  ProcessResult& r = io_->result;
  r.max_rss_kb = usage.ru_maxrss;
  if (WIFEXITED(status) && !io_->timed_out) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) {
    r.signal = WTERMSIG(status);
    r.core_dumped = WCOREDUMP(status);
  }
  return r;
}

ProcessResult RunProcess(const std::vector<std::string>& argv, const ProcessOptions& options) {
  return Subprocess(argv, options).Wait();
}

}  // namespace leakmon::testing
