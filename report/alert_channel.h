// Alert channels: where alert messages go ([[alert]] in the config).
//
//   webhook  HTTP(S) POST of the generic, Slack or Teams payload (libcurl)
//   email    SMTP through libcurl: STARTTLS (required) or SMTPS; the password
//            from a file or an environment variable
//   command  a program run without a shell, the generic JSON on its stdin
//
// This is the only code in leakmon that makes non-Tor connections. It lives
// in report/, which the crawler never links: alert traffic goes directly to
// the organization's endpoints (or through the channel's own `proxy`), and
// proxy environment variables are ignored. No redirect is followed.
//
// MakeAlertChannels checks every channel's options (the error names the
// config file and key, e.g. "leakmon.toml: alert[1].smtp_url: ...") and
// reads its secrets; it opens no connection. Send() returns ok only when the
// receiver accepted the message (HTTP 2xx, SMTP 250 after DATA, exit 0);
// otherwise a message that names the channel and never contains a secret.
// A channel is not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "config/options.h"
#include "report/alert_payload.h"
#include "report/severity.h"

namespace leakmon {

class AlertChannel {
 public:
  explicit AlertChannel(AlertOptions options) : options_(std::move(options)) {}
  virtual ~AlertChannel() = default;
  AlertChannel(const AlertChannel&) = delete;
  AlertChannel& operator=(const AlertChannel&) = delete;

  virtual Status Send(const AlertNotice& notice) = 0;

  const AlertOptions& options() const { return options_; }
  const std::string& name() const { return options_.name; }
  int min_severity_rank() const { return SeverityRank(options_.min_severity); }

 private:
  AlertOptions options_;
};

// Builds the channels of `config.alerts`, in order.
Result<std::vector<std::unique_ptr<AlertChannel>>> MakeAlertChannels(const Config& config);

}  // namespace leakmon
