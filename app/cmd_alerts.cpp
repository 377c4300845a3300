// leakmon alerts: the outbox and the channels.
//   alerts --config F [--pending] [--format table|json]  lists alerts and their deliveries
//   alerts test --config F                                sends a test message to every channel
//   alerts send --config F                                sends what is due now (as a crawl would)
// `send` holds the run lock, like crawl, so two processes never send the
// same alert at once.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "app/alert_delivery.h"
#include "app/commands.h"
#include "app/console.h"
#include "app/exit_codes.h"
#include "app/run_lock.h"
#include "common/clock.h"
#include "config/load.h"
#include "report/alert_payload.h"
#include "report/table.h"
#include "storage/store.h"

namespace leakmon {
namespace {

std::string When(const std::optional<std::int64_t>& t) { return t ? FormatRfc3339(*t) : "-"; }

std::string DeliveryWhen(const DeliveryState& d) {
  if (d.state == "pending") return d.attempts == 0 ? "now" : "retry " + FormatRfc3339(d.next_attempt_at);
  return When(d.delivered_at);
}

int List(Store& store, const AlertsArgs& args) {
  Outbox outbox(store.db());
  auto rows = outbox.List(args.pending);
  if (!rows.ok()) return ReportError(Status::IoError(rows.status().message()));
  if (args.format == "json") {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& [alert, states] : *rows) {
      nlohmann::json deliveries = nlohmann::json::array();
      for (const DeliveryState& d : states) {
        deliveries.push_back({{"channel", d.channel},
                              {"state", d.state},
                              {"attempts", d.attempts},
                              {"last_attempt", When(d.last_attempt_at)},
                              {"next_attempt", d.state == "pending" ? FormatRfc3339(d.next_attempt_at) : "-"},
                              {"delivered", When(d.delivered_at)},
                              {"last_error", d.last_error}});
      }
      arr.push_back({{"alert_id", AlertMessageId(alert.id)},
                     {"created", FormatRfc3339(alert.created_at)},
                     {"severity", alert.severity},
                     {"site", alert.site},
                     {"url", alert.url},
                     {"summary", AlertSummary(alert)},
                     {"deliveries", deliveries}});
    }
    std::string out = arr.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
    return kExitOk;
  }
  if (rows->empty()) {
    std::printf(args.pending ? "no pending alerts\n" : "no alerts\n");
    return kExitOk;
  }
  TextTable table({"ID", "CREATED", "SEVERITY", "CHANNEL", "STATE", "TRIES", "WHEN", "SUMMARY", "LAST ERROR"});
  table.AlignRight(0);
  table.AlignRight(5);
  for (const auto& [alert, states] : *rows) {
    std::string sev = alert.severity.empty() ? "-" : alert.severity;
    std::vector<std::string> colours = {"", "", SeverityColour(alert.severity)};
    if (states.empty()) {
      table.AddRow({std::to_string(alert.id), FormatRfc3339(alert.created_at), sev, "-", "no channel", "0", "-",
                    AlertSummary(alert), ""},
                   colours);
    }
    for (const DeliveryState& d : states) {
      std::vector<std::string> c = colours;
      c.push_back("");
      c.push_back(d.state == "sent" ? "32" : d.state == "pending" ? "33" : "");
      table.AddRow({std::to_string(alert.id), FormatRfc3339(alert.created_at), sev, d.channel, d.state,
                    std::to_string(d.attempts), DeliveryWhen(d), AlertSummary(alert), d.last_error.empty() ? "" : d.last_error},
                   c);
    }
  }
  std::string out = table.Render(ColourStdout());
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace

int RunAlerts(const AlertsArgs& args) {
  if (args.format != "table" && args.format != "json") {
    return ReportError(Status::InvalidArgument("--format must be table or json"));
  }
  Result<Config> config = LoadConfigFile(args.config);
  if (!config.ok()) return ReportError(config.status());
  Result<std::vector<std::unique_ptr<AlertChannel>>> channels = MakeAlertChannels(*config);
  if (!channels.ok()) return ReportError(channels.status());

  if (args.action == "test") {
    if (channels->empty()) return ReportError(Status::InvalidArgument(config->path + ": no [[alert]] configured"));
    std::vector<Status> results = SendTestMessages(*channels, SystemClock());
    bool all_ok = true;
    for (std::size_t i = 0; i < results.size(); ++i) {
      if (results[i].ok()) {
        std::printf("%s: test message sent\n", (*channels)[i]->name().c_str());
      } else {
        all_ok = false;
        std::printf("%s: FAILED: %s\n", (*channels)[i]->name().c_str(), results[i].message().c_str());
      }
    }
    return all_ok ? kExitOk : kExitFailure;
  }

  std::unique_ptr<RunLock> lock;
  if (args.action == "send") {
    Result<std::unique_ptr<RunLock>> l = RunLock::Acquire(config->storage.database + ".lock");
    if (!l.ok()) {
      if (l.status().code() == Status::Code::kAlreadyExists) {
        std::printf("another run is in progress; exiting\n");
        return kExitOk;
      }
      return ReportError(l.status());
    }
    lock = std::move(*l);
  }
  Result<Store> store = Store::Open(config->storage.database);
  if (!store.ok()) return ReportError(Status::IoError(store.status().message()));
  if (args.action == "list") return List(*store, args);

  AlertDispatcher dispatcher(store->db(), *channels, SystemClock());
  if (Status s = dispatcher.RegisterChannels(); !s.ok()) return ReportError(Status::IoError(s.message()));
  DeliveryTotals delivered;
  if (Status s = DeliverAlerts(dispatcher, true, &delivered); !s.ok()) return ReportError(Status::IoError(s.message()));
  std::printf("alerts: %lld sent in %lld messages, %lld failed\n", static_cast<long long>(delivered.alerts),
              static_cast<long long>(delivered.messages), static_cast<long long>(delivered.failed));
  return delivered.failed > 0 ? kExitFailure : kExitOk;
}

}  // namespace leakmon
