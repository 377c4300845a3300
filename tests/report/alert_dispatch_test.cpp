// The dispatcher against a real outbox, with a fake channel that can fail.
#include "report/alert_dispatch.h"

#include <catch2/catch.hpp>

#include "storage/store.h"
#include "tests/support/temp_dir.h"

using namespace leakmon;
using leakmon::testing::TempDir;

namespace {

class FakeClock : public Clock {
 public:
  std::int64_t NowUnix() const override { return now; }
  std::int64_t now = 1000;
};

class FakeChannel : public AlertChannel {
 public:
  explicit FakeChannel(AlertOptions o) : AlertChannel(std::move(o)) {}
  Status Send(const AlertNotice& n) override {
    ++calls;
    if (fail) return Status::Unavailable(name() + ": HTTP 503");
    sent.push_back(n);
    return Status::Ok();
  }
  bool fail = false;
  int calls = 0;
  std::vector<AlertNotice> sent;
};

struct World {
  TempDir dir;
  Store store = *Store::Open(dir.File("t.db"));
  FakeClock clock;
  std::vector<std::unique_ptr<AlertChannel>> channels;
  std::int64_t run = *store.BeginRun(1000);
  std::int64_t site = *store.UpsertSite("s", 1000);
  int pages = 0;

  FakeChannel& Add(const std::string& name, const std::string& min_severity = "low", bool digest = false) {
    AlertOptions o;
    o.name = name;
    o.type = "webhook";
    o.min_severity = min_severity;
    o.digest = digest;
    o.retry_initial_seconds = 60;
    o.retry_max_seconds = 200;
    channels.push_back(std::make_unique<FakeChannel>(o));
    return static_cast<FakeChannel&>(*channels.back());
  }

  void Finding(const std::string& severity) {
    PageRecord p;
    p.site_id = site;
    p.url = "http://x.onion/" + std::to_string(++pages);
    p.fetched_at = clock.now;
    p.http_status = 200;
    p.content_sha256 = std::string(64, 'c');
    p.severity = severity;
    REQUIRE(*store.RecordPage(run, p, {{"email", std::string(64, 'e'), "P-1", 1}}) == 1);
  }

  DispatchReport Dispatch(bool final = true) {
    AlertDispatcher d(store.db(), channels, clock);
    REQUIRE(d.RegisterChannels().ok());
    auto r = d.Dispatch(final);
    REQUIRE(r.ok());
    return *r;
  }
};

}  // namespace

TEST_CASE("Dispatch: each alert once per channel, min_severity honoured") {
  World w;
  FakeChannel& all = w.Add("all");
  FakeChannel& crit = w.Add("crit", "critical");
  w.Dispatch();  // registers the channels
  w.Finding("low");
  w.Finding("critical");
  DispatchReport r = w.Dispatch();
  CHECK(r.alerts_sent == 3);
  CHECK(r.alerts_skipped == 1);
  CHECK(all.sent.size() == 2);
  REQUIRE(crit.sent.size() == 1);
  CHECK(crit.sent[0].alerts[0].severity == "critical");
  CHECK(crit.sent[0].id == "leakmon-alert-2");
  // Nothing is sent twice, not even when min_severity changes later.
  r = w.Dispatch();
  CHECK(r.alerts_sent == 0);
  CHECK(all.calls == 2);
  CHECK(crit.calls == 1);
}

TEST_CASE("Dispatch: a failing channel is retried with backoff, others are not held up") {
  World w;
  FakeChannel& down = w.Add("down");
  FakeChannel& up = w.Add("up");
  w.Dispatch();
  down.fail = true;
  w.Finding("high");
  w.Finding("high");
  DispatchReport r = w.Dispatch();
  CHECK(up.sent.size() == 2);
  CHECK(down.calls == 1);  // stops after the first failure
  CHECK(r.alerts_failed == 1);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0] == "alert channel down: HTTP 503; 2 alerts kept for a retry in 60 s or later");

  // Not due yet: the failed one waits 60 s; the untried one is due at once.
  w.clock.now += 30;
  w.Dispatch();
  CHECK(down.calls == 2);  // the untried alert (fails again)
  w.clock.now += 29;
  w.Dispatch();
  CHECK(down.calls == 2);
  w.clock.now += 1;  // 60 s after the first failure
  w.Dispatch();
  CHECK(down.calls == 3);  // second attempt of alert 1: next delay 120 s
  w.clock.now += 119;
  w.Dispatch();
  CHECK(down.calls == 4);  // alert 2's second attempt came due (60 s after its first)
  down.fail = false;
  w.clock.now += 10000;
  w.Dispatch();
  CHECK(down.sent.size() == 2);
  w.clock.now += 10000;
  w.Dispatch();
  CHECK(down.sent.size() == 2);
  CHECK(up.sent.size() == 2);
  auto st = w.store.db().Prepare("SELECT max(attempts) FROM alert_deliveries WHERE channel = 'down'");
  REQUIRE(*st->Step());
  CHECK(st->ColumnInt(0) == 3);
}

TEST_CASE("Dispatch: digest channels send one message, only at the end of a run") {
  World w;
  FakeChannel& digest = w.Add("digest", "low", true);
  w.Dispatch();
  w.Finding("low");
  w.Finding("critical");
  w.Finding("low");
  w.Dispatch(false);
  CHECK(digest.calls == 0);
  DispatchReport r = w.Dispatch(true);
  CHECK(r.messages_sent == 1);
  CHECK(r.alerts_sent == 3);
  REQUIRE(digest.sent.size() == 1);
  CHECK(digest.sent[0].type == AlertNotice::Type::kDigest);
  CHECK(digest.sent[0].alerts.size() == 3);
  CHECK(digest.sent[0].id == "leakmon-digest-1-3");
  w.Dispatch(true);
  CHECK(digest.calls == 1);
}

TEST_CASE("Dispatch: a digest that may have been received is resent as it was, new alerts go in a new one") {
  World w;
  FakeChannel& digest = w.Add("digest", "low", true);
  w.Dispatch();
  w.Finding("high");
  w.Finding("high");
  digest.fail = true;  // as if the receiver took it but the answer was lost
  w.Dispatch(true);
  CHECK(digest.calls == 1);
  w.Finding("critical");
  digest.fail = false;
  w.clock.now += 60;
  DispatchReport r = w.Dispatch(true);
  CHECK(r.messages_sent == 2);
  REQUIRE(digest.sent.size() == 2);
  CHECK(digest.sent[0].id == "leakmon-digest-1-2");  // the same id ...
  CHECK(digest.sent[0].type == AlertNotice::Type::kDigest);
  REQUIRE(digest.sent[0].alerts.size() == 2);  // ... for the same alerts
  CHECK(digest.sent[0].alerts[1].id == 2);
  CHECK(digest.sent[1].id == "leakmon-digest-3-3");
  REQUIRE(digest.sent[1].alerts.size() == 1);
  CHECK(digest.sent[1].alerts[0].severity == "critical");
  w.clock.now += 1000;
  w.Dispatch(true);
  CHECK(digest.calls == 3);
}

TEST_CASE("Dispatch: an alert attempted alone stays alone when its channel becomes a digest") {
  World w;
  FakeChannel& ch = w.Add("ch");
  w.Dispatch();
  w.Finding("high");
  ch.fail = true;
  w.Dispatch(true);
  w.Finding("high");
  // The same channel, now configured as a digest.
  w.channels.clear();
  FakeChannel& now_digest = w.Add("ch", "low", true);
  w.clock.now += 60;
  w.Dispatch(true);
  REQUIRE(now_digest.sent.size() == 2);
  CHECK(now_digest.sent[0].id == "leakmon-alert-1");
  CHECK(now_digest.sent[0].type == AlertNotice::Type::kFinding);
  CHECK(now_digest.sent[1].id == "leakmon-digest-2-2");
}
