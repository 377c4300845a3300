#include "app/alert_delivery.h"

#include "app/console.h"

namespace leakmon {

Status DeliverAlerts(AlertDispatcher& dispatcher, bool final, DeliveryTotals* totals) {
  Result<DispatchReport> r = dispatcher.Dispatch(final);
  if (!r.ok()) return r.status();
  for (const std::string& e : r->errors) PrintWarning(e);
  totals->messages += r->messages_sent;
  totals->alerts += r->alerts_sent;
  totals->failed += r->alerts_failed;
  return Status::Ok();
}

}  // namespace leakmon
