// `[tor] launch = true` with the real tor binary on a machine that cannot
// reach the Tor network: leakmon reports that bootstrap did not finish,
// within the timeout, exits 1, and leaves no tor and no DataDirectory.
//
// Kept apart from the other e2e tests: it starts tor processes, so it holds
// the `tornet` lock (tests/tornet checks that runs leave no tor behind).
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>

#include "tests/fixtures/demo_content.h"
#include "tests/fixtures/socks5_proxy.h"
#include "tests/support/leakmon_cli.h"

using namespace leakmon::testing;

TEST_CASE("launch = true with the real tor on a machine without network: bootstrap does not finish, exit 1",
          "[tor]") {
  TempDir dir;
  Socks5Proxy proxy;  // not used: only to prove nothing went through a proxy
  REQUIRE(proxy.Start() > 0);
  REQUIRE(MakeKeyAndIdentifiers(dir, "kind,value,ref\nemail,someone@example.fi,P-1\n"));
  dir.Write("leakmon.toml", "[tor]\nlaunch = true\nbootstrap_timeout_seconds = 5\n[identifiers]\n"
                            "file = \"identifiers.lmids\"\nkey_file = \"leakmon.key\"\n[[site]]\nname = \"s\"\n"
                            "start = [\"http://" + std::string(kDemoOnion) + "/latest\"]\nitems = '/paste/'\n");
  TempDir tmp;
  ProcessOptions o;
  o.env["TMPDIR"] = tmp.path();
  auto start = std::chrono::steady_clock::now();
  ProcessResult r = Leakmon({"crawl", "--config", "leakmon.toml"}, dir.path(), o);
  auto took = std::chrono::steady_clock::now() - start;
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("has not finished bootstrapping within 5 s") != std::string::npos);
  CHECK(r.err.find("nothing was fetched") != std::string::npos);
  CHECK(took < std::chrono::seconds(15));
  CHECK(std::filesystem::is_empty(tmp.path()));  // the private DataDirectory is gone
  CHECK(proxy.connections() == 0);
}

TEST_CASE("doctor with launch = true runs tor --verify-config: a bad extra torrc line is a config problem") {
  TempDir dir;
  REQUIRE(MakeKeyAndIdentifiers(dir, "kind,value,ref\nemail,someone@example.fi,P-1\n"));
  auto config = [&](const std::string& extra) {
    dir.Write("leakmon.toml", "[tor]\nlaunch = true\nextra_torrc = [" + extra + "]\n[identifiers]\n"
                              "file = \"identifiers.lmids\"\nkey_file = \"leakmon.key\"\n[[site]]\nname = \"s\"\n"
                              "start = [\"http://" + std::string(kDemoOnion) + "/latest\"]\nitems = '/paste/'\n");
  };
  TempDir tmp;
  ProcessOptions o;
  o.env["TMPDIR"] = tmp.path();
  config("\"UseBridges 1\", \"Bridge 127.0.0.1:1\"");
  ProcessResult good = Leakmon({"doctor", "--config", "leakmon.toml"}, dir.path(), o);
  INFO(good.out);
  CHECK(good.exit_code == 0);
  CHECK(good.out.find("ok    tor (launch = true): tor runs and accepts leakmon's torrc (2 extra lines)") !=
        std::string::npos);
  config("\"NoSuchTorOption 1\"");
  ProcessResult bad = Leakmon({"doctor", "--config", "leakmon.toml"}, dir.path(), o);
  INFO(bad.out);
  CHECK(bad.exit_code == 2);
  CHECK(bad.out.find("FAIL  tor (launch = true): tor (tor) refuses the torrc leakmon would give it") != std::string::npos);
  CHECK(bad.out.find("NoSuchTorOption") != std::string::npos);
  CHECK(std::filesystem::is_empty(tmp.path()));  // the scratch directories are gone
}
