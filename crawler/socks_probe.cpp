#include "crawler/socks_probe.h"

#include "common/url.h"
#include "crawler/local_socket.h"

namespace leakmon {

Status ProbeSocks5(const std::string& proxy_url, int timeout_ms) {
  Result<UrlParts> u = ParseUrl(proxy_url);
  if (!u.ok() || u->port <= 0) return Status::InvalidArgument("bad proxy URL " + proxy_url);
  std::string host = u->host;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string where = "the Tor SOCKS proxy at " + host + ":" + std::to_string(u->port);
  auto fail = [&](const std::string& why) {
    return Status::Unavailable("cannot reach " + where + ": " + why + ". Is tor running?");
  };

  Result<UniqueFd> s = ConnectTcp(host, u->port, timeout_ms);
  if (!s.ok()) return fail(s.status().message());
  const char hello[] = {0x05, 0x01, 0x00};  // SOCKS5, one method: no auth
  if (Status sent = SendAll(s->get(), std::string_view(hello, sizeof hello), timeout_ms); !sent.ok()) {
    return fail(sent.message());
  }
  std::string reply;
  while (reply.size() < 2) {
    Result<std::size_t> n = ReceiveSome(s->get(), &reply, 2 - reply.size(), timeout_ms);
    if (!n.ok() || *n == 0) return fail("no SOCKS5 reply");
  }
  if (reply[0] != 0x05 || reply[1] != 0x00) return fail("the peer is not a SOCKS5 proxy accepting connections");
  return Status::Ok();
}

}  // namespace leakmon
