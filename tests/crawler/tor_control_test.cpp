// TorControl against a control-port stub: authentication methods, GETINFO,
// bootstrap waiting; and the bootstrap-phase parser on tor's own strings.
#include "crawler/tor_control.h"

#include <catch2/catch.hpp>
#include <chrono>

#include "tests/fixtures/tor_control_stub.h"
#include "tests/support/temp_dir.h"

using namespace leakmon;
using leakmon::testing::TempDir;
using leakmon::testing::TorControlStub;

TEST_CASE("ParseBootstrapPhase reads tor's status/bootstrap-phase values") {
  struct Case {
    std::string value;
    int progress;
    std::string tag, summary, warning;
  };
  auto c = GENERATE(values<Case>({
      {"NOTICE BOOTSTRAP PROGRESS=100 TAG=done SUMMARY=\"Done\"", 100, "done", "Done", ""},
      {"NOTICE BOOTSTRAP PROGRESS=14 TAG=handshake SUMMARY=\"Handshaking with a relay\"", 14, "handshake",
       "Handshaking with a relay", ""},
      {"WARN BOOTSTRAP PROGRESS=5 TAG=conn SUMMARY=\"Connecting to a relay\" WARNING=\"Network is unreachable\" "
       "REASON=NOROUTE COUNT=3 RECOMMENDATION=ignore",
       5, "conn", "Connecting to a relay", "Network is unreachable"},
      {"NOTICE BOOTSTRAP PROGRESS=0 TAG=starting SUMMARY=\"Say \\\"hi\\\"\"", 0, "starting", "Say \"hi\"", ""},
  }));
  auto p = ParseBootstrapPhase(c.value);
  REQUIRE(p.ok());
  CHECK(p->progress == c.progress);
  CHECK(p->tag == c.tag);
  CHECK(p->summary == c.summary);
  CHECK(p->warning == c.warning);
}

TEST_CASE("ParseBootstrapPhase refuses what is not a bootstrap status") {
  auto bad = GENERATE(as<std::string>{}, "", "NOTICE CIRCUIT_ESTABLISHED", "NOTICE BOOTSTRAP PROGRESS=abc",
                      "NOTICE BOOTSTRAP TAG=done", "NOTICE BOOTSTRAP PROGRESS=1000");
  CHECK_FALSE(ParseBootstrapPhase(bad).ok());
}

TEST_CASE("NULL authentication, GETINFO and a bootstrapped tor") {
  TorControlStub stub;
  REQUIRE(stub.Start() > 0);
  auto c = TorControl::Connect(stub.address(), 2000);
  REQUIRE(c.ok());
  REQUIRE((*c)->Authenticate().ok());
  auto socks = (*c)->GetInfo("net/listeners/socks");
  REQUIRE(socks.ok());
  CHECK(*socks == "127.0.0.1:9050");
  CHECK(WaitForBootstrap(**c, 1000).ok());
  CHECK(stub.commands() == std::vector<std::string>{"PROTOCOLINFO 1", "AUTHENTICATE", "GETINFO net/listeners/socks",
                                                    "GETINFO status/bootstrap-phase"});
}

TEST_CASE("Cookie authentication sends the cookie file's bytes as hex") {
  TempDir dir;
  const std::string cookie(32, '\x5a');
  std::string path = dir.Write("control_auth_cookie", cookie, 0600);
  TorControlStub stub;
  stub.SetMethods("COOKIE,SAFECOOKIE");
  stub.SetCookie(path, cookie);
  REQUIRE(stub.Start() > 0);
  auto c = TorControl::Connect(stub.address(), 2000);
  REQUIRE(c.ok());
  REQUIRE((*c)->Authenticate().ok());
  std::string hex;
  for (int i = 0; i < 32; ++i) hex += "5a";
  CHECK(stub.commands().at(1) == "AUTHENTICATE " + hex);

  SECTION("a wrong cookie is refused") {
    std::string other = dir.Write("other_cookie", std::string(32, 'x'), 0600);
    auto c2 = TorControl::Connect(stub.address(), 2000);
    REQUIRE(c2.ok());
    Status s = (*c2)->Authenticate(other);
    CHECK_FALSE(s.ok());
    CHECK(s.message().find("AUTHENTICATE failed: 515") != std::string::npos);
  }
}

TEST_CASE("A password-only control port is refused with a clear message") {
  TorControlStub stub;
  stub.SetMethods("HASHEDPASSWORD");
  REQUIRE(stub.Start() > 0);
  auto c = TorControl::Connect(stub.address(), 2000);
  REQUIRE(c.ok());
  Status s = (*c)->Authenticate();
  CHECK(s.code() == Status::Code::kUnavailable);
  CHECK(s.message().find("accepts only HASHEDPASSWORD") != std::string::npos);
}

TEST_CASE("An unbootstrapped tor fails the wait within the timeout, naming the phase") {
  TorControlStub stub;
  stub.SetBootstrap(45, "loading_descriptors", "Loading relay descriptors");
  REQUIRE(stub.Start() > 0);
  auto c = TorControl::Connect(stub.address(), 2000);
  REQUIRE(c.ok());
  REQUIRE((*c)->Authenticate().ok());
  auto start = std::chrono::steady_clock::now();
  std::vector<int> seen;
  Status s = WaitForBootstrap(**c, 1200, 100, [&](const BootstrapPhase& p) { seen.push_back(p.progress); });
  auto took = std::chrono::steady_clock::now() - start;
  CHECK(s.code() == Status::Code::kUnavailable);
  CHECK(s.message().find("stuck at 45% (Loading relay descriptors)") != std::string::npos);
  CHECK(took < std::chrono::milliseconds(2500));
  CHECK(seen == std::vector<int>{45});  // reported once, not on every poll
}

TEST_CASE("Connecting to a closed control port names the address") {
  TorControlStub stub;
  REQUIRE(stub.Start() > 0);
  std::string address = stub.address();
  stub.Stop();
  auto c = TorControl::Connect(address, 1000);
  REQUIRE_FALSE(c.ok());
  CHECK(c.status().code() == Status::Code::kUnavailable);
  CHECK(c.status().message().find(address) != std::string::npos);
}
