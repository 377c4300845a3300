// TorProcess with the real tor binary: its torrc, and a launch that cannot
// bootstrap (its only bridge is a closed port) failing within the timeout, leaving neither a
// tor process nor its DataDirectory behind.
#include "crawler/tor_process.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>

#include "tests/support/temp_dir.h"

using namespace leakmon;
using leakmon::testing::TempDir;

namespace {

// Processes whose command line mentions `needle`.
int ProcessesMentioning(const std::string& needle) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(e.path() / "cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmdline.find(needle) != std::string::npos) ++n;
  }
  return n;
}

// Sets TMPDIR for the scope, so launched tors put their DataDirectory there.
struct ScopedTmpdir {
  explicit ScopedTmpdir(const std::string& dir) { ::setenv("TMPDIR", dir.c_str(), 1); }
  ~ScopedTmpdir() { ::unsetenv("TMPDIR"); }
};

bool Empty(const std::string& dir) { return std::filesystem::is_empty(dir); }

}  // namespace

TEST_CASE("The torrc isolates, reports extended errors, is owned by leakmon, and ends with the extra lines") {
  std::string t = TorProcess::Torrc("/tmp/leakmon-tor-x", {"TestingTorNetwork 1", "DirAuthority a 127.0.0.1:1 FF"}, 42);
  CHECK(t.find("DataDirectory \"/tmp/leakmon-tor-x\"\n") != std::string::npos);
  CHECK(t.find("SocksPort auto ExtendedErrors IsolateSOCKSAuth\n") != std::string::npos);
  CHECK(t.find("ControlPort auto\nCookieAuthentication 1\n") != std::string::npos);
  CHECK(t.find("__OwningControllerProcess 42\n") != std::string::npos);
  CHECK(t.size() > 60);
  CHECK(t.substr(t.size() - 60).find("TestingTorNetwork 1\nDirAuthority a 127.0.0.1:1 FF\n") != std::string::npos);
}

TEST_CASE("A tor that cannot bootstrap fails within the timeout and is cleaned up", "[tor]") {
  TempDir tmp;
  ScopedTmpdir scoped(tmp.path());
  TorLaunchOptions o;
  o.binary = "tor";
  o.extra_torrc = {"UseBridges 1", "Bridge 127.0.0.1:1"};  // a bridge that is never there
  o.bootstrap_timeout_seconds = 3;
  auto start = std::chrono::steady_clock::now();
  auto tor = TorProcess::Launch(o);
  auto took = std::chrono::steady_clock::now() - start;
  REQUIRE_FALSE(tor.ok());
  INFO(tor.status().message());
  CHECK(tor.status().code() == Status::Code::kUnavailable);
  CHECK(tor.status().message().find("has not finished bootstrapping within 3 s") != std::string::npos);
  CHECK(took < std::chrono::seconds(10));
  CHECK(Empty(tmp.path()));                    // DataDirectory removed
  CHECK(ProcessesMentioning(tmp.path()) == 0);  // tor stopped
}

TEST_CASE("A launched tor's DataDirectory is private while it runs", "[tor]") {
  TempDir tmp;
  ScopedTmpdir scoped(tmp.path());
  TorLaunchOptions o;
  o.extra_torrc = {"UseBridges 1", "Bridge 127.0.0.1:1"};  // a bridge that is never there
  o.bootstrap_timeout_seconds = 2;
  bool checked = false;
  auto tor = TorProcess::Launch(o, [&](const BootstrapPhase&) {
    if (checked) return;
    for (const auto& e : std::filesystem::directory_iterator(tmp.path())) {
      struct stat st{};
      REQUIRE(::stat(e.path().c_str(), &st) == 0);
      CHECK((st.st_mode & 0777) == 0700);
      CHECK(e.path().filename().string().rfind("leakmon-tor-", 0) == 0);
      checked = true;
    }
  });
  CHECK(checked);
  CHECK_FALSE(tor.ok());
}

TEST_CASE("A missing or failing tor binary is reported") {
  TempDir tmp;
  ScopedTmpdir scoped(tmp.path());
  TorLaunchOptions o;
  o.bootstrap_timeout_seconds = 5;
  o.binary = tmp.File("no-such-tor");
  auto missing = TorProcess::Launch(o);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message().find("cannot start tor") != std::string::npos);

  o.binary = tmp.Write("fake-tor", "#!/bin/sh\necho '[err] fake tor refuses' \nexit 1\n", 0755);
  auto failing = TorProcess::Launch(o);
  REQUIRE_FALSE(failing.ok());
  CHECK(failing.status().message().find("tor exited with status 1 before opening its control port") !=
        std::string::npos);
  CHECK(failing.status().message().find("fake tor refuses") != std::string::npos);
  std::filesystem::remove(o.binary);
  CHECK(Empty(tmp.path()));
}
