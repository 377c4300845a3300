// leakmon doctor with the real binary: every check passing, and each kind
// of failure with its line and exit code (2 for config/key/identifiers, 1
// for database or Tor). The launch = true check is in
// tor_launch_e2e_test.cpp (it runs tor).
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include "tests/fixtures/socks5_proxy.h"
#include "tests/fixtures/tor_control_stub.h"
#include "tests/support/leakmon_cli.h"

using namespace leakmon::testing;

namespace {

const std::string kOnion = "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion";

struct DoctorWorld {
  TempDir dir;
  Socks5Proxy proxy;
  TorControlStub control;
  DoctorWorld() {
    REQUIRE(proxy.Start() > 0);
    REQUIRE(control.Start() > 0);
    REQUIRE(MakeKeyAndIdentifiers(dir, "kind,value,ref\nemail,someone@example.fi,P-1\n"));
    Configure("control = \"" + control.address() + "\"\n");
  }
  void Configure(const std::string& tor_extra) {
    dir.Write("leakmon.toml", "[tor]\nproxy = \"" + proxy.url() + "\"\n" + tor_extra +
                                  "[identifiers]\nfile = \"identifiers.lmids\"\nkey_file = \"leakmon.key\"\n"
                                  "[[site]]\nname = \"s\"\nstart = [\"http://" + kOnion + "/latest\"]\nitems = '/p/'\n");
  }
  ProcessResult Doctor() { return Leakmon({"doctor", "--config", "leakmon.toml"}, dir.path()); }
};

}  // namespace

TEST_CASE("doctor: every check passes, and nothing is created") {
  DoctorWorld w;
  ProcessResult r = w.Doctor();
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out ==
        "ok    config leakmon.toml: 1 sites\n"
        "ok    key file " + std::string("leakmon.key") + " is readable and private (mode 0600)\n"
        "ok    identifier file " + std::string("identifiers.lmids") + ": 1 identifiers, hashed with this key\n"
        "ok    database " + std::string("leakmon.db") + " does not exist yet; its directory is writable (the first "
        "crawl creates it)\n"
        "ok    tor SOCKS proxy " + w.proxy.url() + " answers a SOCKS5 handshake\n"
        "ok    tor has bootstrapped (100%, control port " + w.control.address() + ")\n"
        "doctor: everything a crawl needs is in place\n");
  CHECK(TempDir::Read(w.dir.File("leakmon.db")).empty());  // not created
  CHECK(w.proxy.requests().empty());                      // a handshake only: nothing requested
}

TEST_CASE("doctor: a key readable by others is a configuration problem (exit 2)") {
  DoctorWorld w;
  ::chmod(w.dir.File("leakmon.key").c_str(), 0644);
  ProcessResult r = w.Doctor();
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("FAIL  key file " + std::string("leakmon.key") + ": ") != std::string::npos);
  CHECK(r.out.find("chmod 600") != std::string::npos);
}

TEST_CASE("doctor: a proxy that does not answer, or a tor not bootstrapped, is a runtime problem (exit 1)") {
  DoctorWorld w;
  SECTION("tor at 30%") {
    w.control.SetBootstrap(30, "loading_status", "Loading networkstatus consensus");
    ProcessResult r = w.Doctor();
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("FAIL  tor bootstrap: at 30% (Loading networkstatus consensus); a crawl now would exit 1\n") !=
          std::string::npos);
  }
  SECTION("no proxy") {
    w.proxy.Stop();
    ProcessResult r = w.Doctor();
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("FAIL  tor SOCKS proxy: cannot reach the Tor SOCKS proxy at 127.0.0.1:") != std::string::npos);
  }
  SECTION("no control port: noted, not failed") {
    w.Configure("");
    ProcessResult r = w.Doctor();
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("note  no [tor] control: whether tor has bootstrapped cannot be checked") != std::string::npos);
  }
}

TEST_CASE("doctor: an existing database is checked for writing without being changed") {
  DoctorWorld w;
  w.Configure("");
  REQUIRE(Leakmon({"crawl", "--config", "leakmon.toml"}, w.dir.path()).exit_code == 3);  // creates it; site down
  std::string before = TempDir::Read(w.dir.File("leakmon.db"));
  ProcessResult r = w.Doctor();
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("ok    database " + std::string("leakmon.db") + " is writable (schema ") != std::string::npos);
  CHECK(TempDir::Read(w.dir.File("leakmon.db")) == before);
}
