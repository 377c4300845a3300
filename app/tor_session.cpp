#include "app/tor_session.h"

#include "app/console.h"
#include "crawler/socks_probe.h"
#include "crawler/tor_control.h"

namespace leakmon {
namespace {

void ShowBootstrap(const BootstrapPhase& p) {
  PrintVerbose("tor bootstrap " + std::to_string(p.progress) + "%: " + p.summary);
}

}  // namespace

Status CheckExternalBootstrap(const std::string& control, std::int64_t timeout_seconds) {
  LEAKMON_ASSIGN_OR_RETURN(std::unique_ptr<TorControl> c, TorControl::Connect(control, 10000));
  LEAKMON_RETURN_IF_ERROR(c->Authenticate());
  return WaitForBootstrap(*c, timeout_seconds * 1000, 500, ShowBootstrap);
}

Result<TorSession> PrepareTor(const TorOptions& options) {
  TorSession session;
  if (options.launch) {
    TorLaunchOptions lo;
    lo.binary = options.tor_binary;
    lo.extra_torrc = options.extra_torrc;
    lo.bootstrap_timeout_seconds = options.bootstrap_timeout_seconds;
    Result<std::unique_ptr<TorProcess>> tor = TorProcess::Launch(lo, ShowBootstrap);
    if (!tor.ok()) return Status::Unavailable(tor.status().message());
    session.proxy = (*tor)->socks_url();
    session.owned = std::move(*tor);
    return session;
  }
  session.proxy = options.proxy;
  LEAKMON_RETURN_IF_ERROR(ProbeSocks5(options.proxy));
  if (!options.control.empty()) {
    Status s = CheckExternalBootstrap(options.control, options.bootstrap_timeout_seconds);
    if (!s.ok()) return Status::Unavailable(s.message());
  }
  return session;
}

}  // namespace leakmon
