// The private Tor network of tests/tornet/tornet.py, as the `tor` tests see
// it, and the tools they need around it.
//
// TorNet::Get() reads <dir>/network.json (dir: $LEAKMON_TORNET_DIR, else
// the build tree's tornet/ directory, where the ctest fixture `tornet`
// brings the network up) and moves the calling process into the network's
// namespace, so that leakmon and every thread started afterwards see the
// network's loopback. Call it first in a test, before starting threads.
// When the network is not up it fails the test (REQUIRE).
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/unique_fd.h"

namespace leakmon::testing {

struct TorEndpoint {
  std::string socks;    // "127.0.0.1:port"
  std::string control;  // "127.0.0.1:port"
  std::string cookie;   // control_auth_cookie path
  std::string proxy_url() const { return "socks5h://" + socks; }
};

struct OnionService {
  std::string onion;    // "<56 chars>.onion"
  int target_port = 0;  // 127.0.0.1 port the service forwards to
  int tor_pid = 0;      // the tor process that hosts it
};

struct BepastyPaste {
  std::string path;  // "/<name>/+inline"
  std::vector<std::pair<std::string, std::string>> expected;  // (kind, ref)
};

struct TorNet {
  std::string dir;
  std::string canary;                         // in every page of both sites
  TorEndpoint client;                         // bootstrapped client
  TorEndpoint stranded;                       // a client that never bootstraps
  std::vector<std::string> client_torrc_lines;  // TestingTorNetwork, DirAuthority...
  std::map<std::string, OnionService> services;  // "fixture", "bepasty", "stoppable"
  std::string fixture_request_log;            // one request target per line
  std::string bepasty_server_log;             // werkzeug's access log
  std::string bepasty_people_csv;             // rows without header
  std::vector<std::string> bepasty_plaintext;
  std::vector<BepastyPaste> bepasty_pastes;

  static const TorNet& Get();
};

// Lines of `path` from line `from` on (0-based); lines are request targets
// or log lines. Missing file: empty.
std::vector<std::string> ReadLinesFrom(const std::string& path, std::size_t from);

// A syntactically valid v3 onion name (fresh ed25519 key, checksum, version
// 3) that no service in the network publishes.
std::string UnpublishedOnion();

// A connection to a tor's control port (control-spec), authenticated with
// the cookie. Throws std::runtime_error on failure (tests only).
class TorControlClient {
 public:
  explicit TorControlClient(const TorEndpoint& endpoint);
  // Sends `command`; returns the reply lines, events met on the way queued.
  // Throws unless the reply is 250.
  std::vector<std::string> Command(const std::string& command);
  // The next asynchronous event line ("650 ..."), or nothing after `timeout`.
  std::optional<std::string> NextEvent(std::chrono::milliseconds timeout);

 private:
  std::optional<std::string> ReadLine(std::chrono::steady_clock::time_point deadline);
  std::vector<std::string> ReadReply(std::chrono::steady_clock::time_point deadline);

  UniqueFd fd_;
  std::string buffer_;
  std::vector<std::string> events_;
};

}  // namespace leakmon::testing
