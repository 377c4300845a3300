// A small client for Tor's control protocol (tor's control-spec.txt): just
// what leakmon needs to know whether tor can carry a crawl.
//
//   auto c = TorControl::Connect("127.0.0.1:9051", 5000);   // or "unix:/run/tor/control"
//   c->Authenticate();                  // PROTOCOLINFO, then NULL or COOKIE auth
//   c->GetInfo("status/bootstrap-phase");
//
// Every read and write has a deadline (the Connect timeout), so a silent
// peer cannot hang leakmon. Replies are bounded (kMaxReplyBytes). Errors are
// kUnavailable (cannot connect, peer closed or timed out), kInvalidArgument
// (bad address), or kIoError/kInternal for protocol failures; messages name
// the control address. Not thread-safe; one owner.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/unique_fd.h"

namespace leakmon {

inline constexpr std::size_t kMaxControlReplyBytes = 64 * 1024;

class TorControl {
 public:
  // `address` is "host:port", "[v6]:port" or "unix:/path".
  static Result<std::unique_ptr<TorControl>> Connect(const std::string& address, int timeout_ms);

  // Asks PROTOCOLINFO which methods tor accepts and authenticates with one
  // leakmon supports: NULL (no auth), or COOKIE/SAFECOOKIE by sending the
  // cookie file's content (the file tor names, or `cookie_file` when given).
  // A tor that only accepts a password is refused with a message saying so.
  Status Authenticate(const std::string& cookie_file = "");

  // GETINFO `key`: the value, unquoted when tor sent a quoted string.
  Result<std::string> GetInfo(const std::string& key);

  // Sends one command line and expects "250 OK" (e.g. "TAKEOWNERSHIP").
  Status Command(const std::string& line);

  const std::string& address() const { return address_; }

 private:
  TorControl(UniqueFd fd, std::string address, int timeout_ms)
      : fd_(std::move(fd)), address_(std::move(address)), timeout_ms_(timeout_ms) {}
  Status Send(const std::string& line);
  // Reads one complete reply: its lines without CRLF, the status code of
  // the last line in `code`.
  Result<std::vector<std::string>> ReadReply(int* code);

  UniqueFd fd_;
  std::string address_;
  int timeout_ms_;
  std::string buffer_;  // bytes read past the last reply
};

// Tor's bootstrap status, from "GETINFO status/bootstrap-phase", e.g.
// `NOTICE BOOTSTRAP PROGRESS=14 TAG=handshake SUMMARY="Handshaking with a relay"`.
struct BootstrapPhase {
  int progress = 0;     // 0..100
  std::string tag;      // "done", "conn", ...
  std::string summary;  // for people
  std::string warning;  // tor's WARNING=, when it reported a problem
};

// Parses the value of status/bootstrap-phase. Pure.
Result<BootstrapPhase> ParseBootstrapPhase(std::string_view value);

// Polls status/bootstrap-phase every `poll_ms` until PROGRESS=100. Fails
// with kUnavailable when `timeout_ms` passes first, naming the phase tor is
// stuck in. `on_progress` (optional) sees every phase polled.
Status WaitForBootstrap(TorControl& control, std::int64_t timeout_ms, int poll_ms = 500,
                        const std::function<void(const BootstrapPhase&)>& on_progress = {});

}  // namespace leakmon
