#include "crawler/local_socket.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

namespace leakmon {
namespace {

struct AddrInfoDeleter {
  void operator()(addrinfo* a) const { freeaddrinfo(a); }
};

// Waits for `events` on `fd`; false on timeout or error.
bool WaitFor(int fd, short events, int timeout_ms) {
  pollfd p{fd, events, 0};
  int rc;
  do {
    rc = ::poll(&p, 1, timeout_ms);
  } while (rc < 0 && errno == EINTR);
  return rc == 1 && (p.revents & (events | POLLHUP | POLLERR));
}

// Finishes a non-blocking connect() on `fd`; empty on success, else why not.
std::string CompleteConnect(int fd, const sockaddr* addr, socklen_t len, int timeout_ms) {
  if (::connect(fd, addr, len) == 0) return "";
  if (errno != EINPROGRESS) return std::strerror(errno);
  if (!WaitFor(fd, POLLOUT, timeout_ms)) return "connection timed out";
  int err = 0;
  socklen_t elen = sizeof err;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0) return std::strerror(errno);
  return err == 0 ? "" : std::strerror(err);
}

}  // namespace

Result<UniqueFd> ConnectTcp(const std::string& host, int port, int timeout_ms) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* raw = nullptr;
  int gai = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &raw);
  std::unique_ptr<addrinfo, AddrInfoDeleter> ai(raw);
  if (gai != 0) return Status::Unavailable(std::string("cannot resolve ") + host + ": " + gai_strerror(gai));
  std::string last_error = "no address";
  for (addrinfo* a = ai.get(); a; a = a->ai_next) {
    UniqueFd s(::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol));
    if (!s.valid()) {
      last_error = std::strerror(errno);
      continue;
    }
    last_error = CompleteConnect(s.get(), a->ai_addr, a->ai_addrlen, timeout_ms);
    if (last_error.empty()) return s;
  }
  return Status::Unavailable(last_error);
}

Result<UniqueFd> ConnectUnix(const std::string& path, int timeout_ms) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  if (path.size() >= sizeof a.sun_path) return Status::InvalidArgument("socket path too long: " + path);
  std::memcpy(a.sun_path, path.data(), path.size());
  UniqueFd s(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!s.valid()) return Status::Unavailable(std::strerror(errno));
  std::string error = CompleteConnect(s.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a, timeout_ms);
  if (!error.empty()) return Status::Unavailable(error);
  return s;
}

Status SendAll(int fd, std::string_view data, int timeout_ms) {
  while (!data.empty()) {
    if (!WaitFor(fd, POLLOUT, timeout_ms)) return Status::Unavailable("timed out sending");
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return Status::Unavailable(std::strerror(errno));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return Status::Ok();
}

Result<std::size_t> ReceiveSome(int fd, std::string* out, std::size_t max, int timeout_ms) {
  for (;;) {
    if (!WaitFor(fd, POLLIN, timeout_ms)) return Status::Unavailable("timed out waiting for a reply");
    char buf[4096];
    ssize_t n = ::recv(fd, buf, std::min(max, sizeof buf), 0);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return Status::Unavailable(std::strerror(errno));
    }
    out->append(buf, static_cast<std::size_t>(n));
    return static_cast<std::size_t>(n);
  }
}

}  // namespace leakmon
