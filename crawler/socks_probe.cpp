#include "crawler/socks_probe.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/unique_fd.h"
#include "common/url.h"

namespace leakmon {
namespace {

struct AddrInfoDeleter {
  void operator()(addrinfo* a) const { freeaddrinfo(a); }
};

bool WaitFor(int fd, short events, int timeout_ms) {
  pollfd p{fd, events, 0};
  int rc;
  do {
    rc = ::poll(&p, 1, timeout_ms);
  } while (rc < 0 && errno == EINTR);
  return rc == 1 && (p.revents & events);
}

}  // namespace

Status ProbeSocks5(const std::string& proxy_url, int timeout_ms) {
  Result<UrlParts> u = ParseUrl(proxy_url);
  if (!u.ok() || u->port <= 0) return Status::InvalidArgument("bad proxy URL " + proxy_url);
  std::string host = u->host;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string where = "the Tor SOCKS proxy at " + host + ":" + std::to_string(u->port);

  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* raw = nullptr;
  int gai = ::getaddrinfo(host.c_str(), std::to_string(u->port).c_str(), &hints, &raw);
  std::unique_ptr<addrinfo, AddrInfoDeleter> ai(raw);
  if (gai != 0) return Status::Unavailable("cannot resolve " + where + ": " + gai_strerror(gai));

  std::string last_error = "no address";
  for (addrinfo* a = ai.get(); a; a = a->ai_next) {
    UniqueFd s(::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol));
    if (s.get() < 0) {
      last_error = std::strerror(errno);
      continue;
    }
    if (::connect(s.get(), a->ai_addr, a->ai_addrlen) != 0) {
      if (errno != EINPROGRESS) {
        last_error = std::strerror(errno);
        continue;
      }
      if (!WaitFor(s.get(), POLLOUT, timeout_ms)) {
        last_error = "connection timed out";
        continue;
      }
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(s.get(), SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) {
        last_error = std::strerror(err);
        continue;
      }
    }
    const unsigned char hello[] = {0x05, 0x01, 0x00};  // SOCKS5, one method: no auth
    if (::send(s.get(), hello, sizeof hello, MSG_NOSIGNAL) != static_cast<ssize_t>(sizeof hello)) {
      last_error = std::strerror(errno);
      continue;
    }
    unsigned char reply[2];
    std::size_t got = 0;
    while (got < sizeof reply) {
      if (!WaitFor(s.get(), POLLIN, timeout_ms)) break;
      ssize_t n = ::recv(s.get(), reply + got, sizeof reply - got, 0);
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    if (got < sizeof reply) {
      last_error = "no SOCKS5 reply";
      continue;
    }
    if (reply[0] != 0x05 || reply[1] != 0x00) {
      last_error = "the peer is not a SOCKS5 proxy accepting connections";
      continue;
    }
    return Status::Ok();
  }
  return Status::Unavailable("cannot reach " + where + ": " + last_error + ". Is tor running?");
}

}  // namespace leakmon
