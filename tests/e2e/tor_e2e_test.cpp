// leakmon crawl and Tor, with the real binary: per-site circuit isolation
// through SOCKS credentials, and the bootstrap check of an external tor's
// control port. (`launch = true`: tor_launch_e2e_test.cpp.)
#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "tests/fixtures/demo_content.h"
#include "tests/fixtures/paste_site.h"
#include "tests/fixtures/socks5_proxy.h"
#include "tests/fixtures/tor_control_stub.h"
#include "tests/support/leakmon_cli.h"

using namespace leakmon::testing;

namespace {

const std::string kOtherOnion = "leakmonothersite2p3xfhk7aqdqf4yz6hbqnlc5ytwmrj3dgk5xjzvq.onion";

struct TorWorld {
  TempDir dir;
  PasteSite site;
  Socks5Proxy proxy;

  TorWorld() {
    InstallDemoContent(site, "CANARY-TOR");
    REQUIRE(site.Start() > 0);
    proxy.MapAllOnion(site.port());
    REQUIRE(proxy.Start() > 0);
    REQUIRE(MakeKeyAndIdentifiers(dir, "kind,value,ref\nemail,someone@example.fi,P-1\n"));
    REQUIRE(Leakmon({"hash-ids", "--key", "leakmon.key", "--in", "people.csv", "--out", "identifiers.lmids"},
                    dir.path()).exit_code == 0);
  }

  // A config with `tor_section` as [tor] and two sites on different onions.
  void Configure(const std::string& tor_section) {
    std::string sites;
    for (const auto& [name, onion] : {std::pair<std::string, std::string>{"alpha", kDemoOnion},
                                      std::pair<std::string, std::string>{"beta", kOtherOnion}}) {
      sites += "[[site]]\nname = \"" + name + "\"\nstart = [\"http://" + onion +
               "/latest\"]\nfollow = '/latest\\?page=[0-9]+$'\nitems = '/paste/[A-Za-z0-9]+$'\n\n";
    }
    dir.Write("leakmon.toml", "[tor]\n" + tor_section + "\n[identifiers]\nfile = \"identifiers.lmids\"\n"
                              "key_file = \"leakmon.key\"\n\n" + sites);
  }

  ProcessResult Crawl() { return Leakmon({"crawl", "--config", "leakmon.toml"}, dir.path()); }
};

}  // namespace

TEST_CASE("Each site's requests carry their own SOCKS credentials, so Tor isolates them") {
  TorWorld w;
  w.Configure("proxy = \"" + w.proxy.url() + "\"\n");
  ProcessResult r = w.Crawl();
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::map<std::string, std::set<std::string>> users_by_host;
  for (const SocksRequest& q : w.proxy.requests()) users_by_host[q.host].insert(q.username);
  REQUIRE(users_by_host.size() == 2);
  CHECK(users_by_host[kDemoOnion] == std::set<std::string>{"leakmon/alpha"});
  CHECK(users_by_host[kOtherOnion] == std::set<std::string>{"leakmon/beta"});
}

TEST_CASE("isolate_sites = false sends no SOCKS credentials") {
  TorWorld w;
  w.Configure("proxy = \"" + w.proxy.url() + "\"\nisolate_sites = false\n");
  REQUIRE(w.Crawl().exit_code == 0);
  REQUIRE_FALSE(w.proxy.requests().empty());
  for (const SocksRequest& q : w.proxy.requests()) CHECK(q.username.empty());
}

TEST_CASE("An external tor that has not bootstrapped stops the crawl with exit 1 before any fetch") {
  TorWorld w;
  TorControlStub control;
  control.SetBootstrap(45, "loading_descriptors", "Loading relay descriptors");
  REQUIRE(control.Start() > 0);
  w.Configure("proxy = \"" + w.proxy.url() + "\"\ncontrol = \"" + control.address() +
              "\"\nbootstrap_timeout_seconds = 2\n");
  ProcessResult r = w.Crawl();
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("stuck at 45% (Loading relay descriptors)") != std::string::npos);
  CHECK(r.err.find("nothing was fetched") != std::string::npos);
  CHECK(w.proxy.requests().empty());
  CHECK(w.site.requested().empty());

  SECTION("once tor reports 100%, the same config crawls") {
    control.SetBootstrap(100, "done", "Done");
    ProcessResult ok = w.Crawl();
    INFO(ok.err);
    CHECK(ok.exit_code == 0);
    CHECK_FALSE(w.site.requested().empty());
  }
}
