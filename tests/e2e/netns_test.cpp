// No way around Tor: `leakmon crawl` in a private network namespace (root,
// loopback only) where a direct connection would succeed: /etc/hosts maps
// the onion name to 127.0.0.2, where a copy of the fixture site listens on
// port 80, and a default route leads into a dead-end veth pair, so that a
// connection to any other address or a DNS query is a countable packet.
// nftables counts every connection attempt (TCP SYN) and every other
// packet by destination. The tests prove that:
//   - every request went through the SOCKS proxy, by name, and nothing else
//     left leakmon: no direct connection, no DNS query;
//   - with the proxy down, crawl exits 1 and connects nowhere;
//   - http_proxy, ALL_PROXY, no_proxy and their variants change nothing.
// Controls show that the instruments catch a direct connection and a DNS
// query when one happens.
//
// Needs root (unshare, mount, ip, nft): ctest label `netns`.
#include <catch2/catch.hpp>
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netdb.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/fixtures/demo_content.h"
#include "tests/fixtures/paste_site.h"
#include "tests/fixtures/socks5_proxy.h"
#include "tests/support/crawl_dir.h"

using namespace leakmon::testing;

namespace {

void Sh(const std::vector<std::string>& argv, const std::string& stdin_data = "") {
  ProcessOptions o;
  o.stdin_data = stdin_data;
  ProcessResult r = RunProcess(argv, o);
  INFO(argv[0] << " " << (argv.size() > 1 ? argv[1] : "") << ": " << r.err);
  REQUIRE(r.exit_code == 0);
}

// The calling process enters a new network and mount namespace: loopback
// up, a dead-end default route, /etc/hosts and /etc/resolv.conf replaced.
// Call while the process has a single thread (at the start of a test).
class IsolatedNetwork {
 public:
  explicit IsolatedNetwork(const TempDir& dir) {
    auto check = [](bool ok, const char* what) {
      INFO(what << " failed (" << std::strerror(errno) << "); these tests need root");
      REQUIRE(ok);
    };
    check(::unshare(CLONE_NEWNET | CLONE_NEWNS) == 0, "unshare(CLONE_NEWNET | CLONE_NEWNS)");
    check(::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0, "making / private");
    std::string hosts = dir.Write("hosts", "127.0.0.1 localhost\n127.0.0.2 " + std::string(kDemoOnion) + "\n");
    std::string resolv = dir.Write("resolv.conf", "nameserver 10.53.0.53\noptions timeout:1 attempts:1\n");
    check(::mount(hosts.c_str(), "/etc/hosts", nullptr, MS_BIND, nullptr) == 0, "bind-mounting /etc/hosts");
    check(::mount(resolv.c_str(), "/etc/resolv.conf", nullptr, MS_BIND, nullptr) == 0, "bind-mounting /etc/resolv.conf");
    Sh({"/usr/sbin/ip", "link", "set", "lo", "up"});
    Sh({"/usr/sbin/ip", "link", "add", "lm0", "type", "veth", "peer", "name", "lm1"});
    Sh({"/usr/sbin/ip", "addr", "add", "10.66.0.1/24", "dev", "lm0"});
    Sh({"/usr/sbin/ip", "-6", "addr", "add", "fd66::1/64", "dev", "lm0", "nodad"});
    Sh({"/usr/sbin/ip", "link", "set", "lm0", "up"});
    Sh({"/usr/sbin/ip", "link", "set", "lm1", "up"});
    Sh({"/usr/sbin/ip", "route", "add", "default", "via", "10.66.0.2"});
    Sh({"/usr/sbin/ip", "-6", "route", "add", "default", "via", "fd66::2"});
  }

  ~IsolatedNetwork() {
    ::umount2("/etc/resolv.conf", MNT_DETACH);
    ::umount2("/etc/hosts", MNT_DETACH);
  }

  // Counts outgoing packets: SYNs to the proxy and to the site (the proxy's
  // upstream), and everything else by kind.
  void Count(int proxy_port, int site_port) {
    const std::string p = std::to_string(proxy_port), s = std::to_string(site_port);
    Sh({"/usr/sbin/nft", "-f", "-"},
       "table inet leakmon_test {\n"
       "  counter to_proxy {}\n  counter to_site {}\n  counter other_tcp {}\n"
       "  counter other_udp {}\n  counter other_ip {}\n"
       "  chain out {\n"
       "    type filter hook output priority 0; policy accept;\n"
       "    tcp flags & (syn | ack) == syn ip daddr 127.0.0.1 tcp dport " + p + " counter name to_proxy accept\n"
       "    tcp flags & (syn | ack) == syn ip daddr 127.0.0.1 tcp dport " + s + " counter name to_site accept\n"
       "    tcp flags & (syn | ack) == syn counter name other_tcp accept\n"
       "    meta l4proto tcp accept\n"
       // The kernel's own IPv6 neighbour discovery and multicast listener
       // reports on the veth pair, not anything a process sent.
       "    ip6 daddr ff00::/8 accept\n"
       "    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit } accept\n"
       // The kernel telling this host that an earlier packet (the DNS
       // control's) found no neighbour: it arrives seconds later, during
       // the crawl, addressed to our own veth address.
       "    icmp type destination-unreachable ip daddr 10.66.0.1 accept\n"
       "    meta l4proto udp counter name other_udp accept\n"
       "    counter name other_ip accept\n"
       "  }\n"
       "}\n");
  }

  // Packets counted so far, by counter name.
  std::map<std::string, long> Counters() {
    ProcessResult r = RunProcess({"/usr/sbin/nft", "list", "counters", "table", "inet", "leakmon_test"});
    REQUIRE(r.exit_code == 0);
    // "counter to_proxy {\n\t\tpackets 3 bytes 180\n\t}" for each counter.
    std::map<std::string, long> out;
    for (std::size_t at = r.out.find("counter "); at != std::string::npos; at = r.out.find("counter ", at + 1)) {
      std::size_t name_end = r.out.find(' ', at + 8);
      std::size_t packets = r.out.find("packets ", at);
      if (name_end == std::string::npos || packets == std::string::npos) break;
      out[r.out.substr(at + 8, name_end - at - 8)] = std::stol(r.out.substr(packets + 8));
    }
    REQUIRE(out.size() == 5);
    return out;
  }
};

std::map<std::string, long> Delta(const std::map<std::string, long>& after, const std::map<std::string, long>& before) {
  std::map<std::string, long> d;
  for (const auto& [k, v] : after) d[k] = v - before.at(k);
  return d;
}

// What a client that ignored the proxy would do: resolve the onion name
// locally and connect to it on port 80. Returns true if it connected.
bool DirectConnect() {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (::getaddrinfo(kDemoOnion, "80", &hints, &res) != 0) return false;
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  bool ok = ::connect(fd, res->ai_addr, res->ai_addrlen) == 0;
  const char req[] = "GET /latest HTTP/1.0\r\n\r\n";
  if (ok) ok = ::send(fd, req, sizeof req - 1, MSG_NOSIGNAL) > 0;
  char buf[64];
  if (ok) ok = ::recv(fd, buf, sizeof buf, 0) > 0;
  ::close(fd);
  ::freeaddrinfo(res);
  return ok;
}

// The whole world of one test: namespace, fixture site behind the proxy,
// the direct-connection trap, and a crawl directory.
struct World {
  TempDir scratch;
  IsolatedNetwork net{scratch};
  PasteSite site;
  PasteSite direct;  // where a connection by locally resolved name would land
  Socks5Proxy proxy;
  DemoContent content;
  std::unique_ptr<CrawlDir> dir;

  World() {
    content = InstallDemoContent(site, "CANARY-netns");
    InstallDemoContent(direct, "CANARY-netns");
    REQUIRE(site.Start() > 0);
    REQUIRE(direct.Start(80, "127.0.0.2") == 80);
    proxy.MapAllOnion(site.port());
    REQUIRE(proxy.Start() > 0);
    net.Count(proxy.port(), site.port());
    dir = std::make_unique<CrawlDir>(DemoConfig(proxy.url()), content.people_csv);
  }

  std::size_t AcceptedProxyRequests() const {
    std::size_t n = 0;
    for (const SocksRequest& r : proxy.requests()) n += r.accepted ? 1 : 0;
    return n;
  }
};

}  // namespace

TEST_CASE("In a namespace where a direct connection would work, every crawl request goes through the proxy") {
  World w;
  // Controls: the instruments see a direct connection and a DNS query.
  auto before_controls = w.net.Counters();
  CHECK(DirectConnect());
  CHECK(w.direct.requested().size() == 1);
  addrinfo* res = nullptr;
  CHECK(::getaddrinfo("clearnet.example.com", "80", nullptr, &res) != 0);
  auto controls = Delta(w.net.Counters(), before_controls);
  CHECK(controls["other_tcp"] == 1);
  CHECK(controls["other_udp"] >= 1);

  auto before = w.net.Counters();
  ProcessResult r = w.dir->Run({"crawl", "--config", "leakmon.toml", "-v"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "demo-paste: 7 pages, 1 errors, 5 new findings\n");
  auto d = Delta(w.net.Counters(), before);
  INFO("to_proxy=" << d["to_proxy"] << " to_site=" << d["to_site"] << " other_tcp=" << d["other_tcp"]
                   << " other_udp=" << d["other_udp"] << " other_ip=" << d["other_ip"]);
  CHECK(d["other_tcp"] == 0);
  CHECK(d["other_udp"] == 0);
  CHECK(d["other_ip"] == 0);
  CHECK(w.direct.requested().size() == 1);  // the control's, nothing more
  CHECK(d["to_proxy"] >= 2);                // the SOCKS probe and the fetches
  // Every connection that reached the site was opened by the proxy for a
  // request leakmon made by name.
  CHECK(d["to_site"] == static_cast<long>(w.AcceptedProxyRequests()));
  for (const SocksRequest& q : w.proxy.requests()) CHECK(q.host == kDemoOnion);
  CHECK(w.site.requested().size() == 7);
}

TEST_CASE("With the proxy down, crawl exits 1 and connects nowhere") {
  World w;
  w.proxy.Stop();
  auto before = w.net.Counters();
  ProcessResult r = w.dir->Run({"crawl", "--config", "leakmon.toml", "-v"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("nothing was fetched") != std::string::npos);
  auto d = Delta(w.net.Counters(), before);
  CHECK(d["to_proxy"] <= 2);  // the refused SOCKS probe
  CHECK(d["to_site"] == 0);
  CHECK(d["other_tcp"] == 0);
  CHECK(d["other_udp"] == 0);
  CHECK(d["other_ip"] == 0);
  CHECK(w.site.requested().empty());
  CHECK(w.direct.requested().empty());
}

TEST_CASE("Proxy variables in the environment cannot change where crawl traffic goes") {
  struct Case {
    std::string name;
    std::map<std::string, std::string> env;
  };
  const std::string trap = "127.0.0.1:81";  // counted as other_tcp if used
  auto c = GENERATE_COPY(values<Case>({
      {"no_proxy=*", {{"no_proxy", "*"}, {"NO_PROXY", "*"}}},
      {"no_proxy=.onion", {{"no_proxy", ".onion," + std::string(kDemoOnion)}, {"NO_PROXY", ".onion"}}},
      {"http_proxy", {{"http_proxy", "http://" + trap}, {"HTTP_PROXY", "http://" + trap},
                      {"https_proxy", "http://" + trap}, {"HTTPS_PROXY", "http://" + trap}}},
      {"ALL_PROXY", {{"ALL_PROXY", "socks5h://" + trap}, {"all_proxy", "socks5://" + trap}}},
      {"all at once", {{"no_proxy", "*"}, {"NO_PROXY", "*"}, {"http_proxy", "http://" + trap},
                       {"HTTPS_PROXY", "http://" + trap}, {"ALL_PROXY", "socks5://" + trap},
                       {"SOCKS_PROXY", "socks5://" + trap}, {"CURL_HOME", "/nonexistent"}}},
  }));
  World w;
  auto before = w.net.Counters();
  ProcessOptions o;
  o.env = c.env;
  ProcessResult r = w.dir->Run({"crawl", "--config", "leakmon.toml"}, o);
  INFO(c.name << ": " << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "demo-paste: 7 pages, 1 errors, 5 new findings\n");
  auto d = Delta(w.net.Counters(), before);
  CHECK(d["other_tcp"] == 0);
  CHECK(d["other_udp"] == 0);
  CHECK(d["other_ip"] == 0);
  CHECK(d["to_site"] == static_cast<long>(w.AcceptedProxyRequests()));
  CHECK(w.direct.requested().empty());
  for (const SocksRequest& q : w.proxy.requests()) CHECK(q.host == kDemoOnion);
}
