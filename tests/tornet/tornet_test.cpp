// End to end through real Tor: leakmon against onion services of the
// private Tor network that tests/tornet/tornet.py brings up (ctest label
// `tor`, fixture `tornet`). Two paste sites sit behind onion services: the
// fixture paste site (leakmon-demo-server) and Debian's bepasty, whose pastes
// were uploaded through its own web form. A third onion service forwards to
// a port this test serves itself, so that it can stop the service mid-crawl.
//
// The tests share one network and run one at a time (RESOURCE_LOCK).
#include <catch2/catch.hpp>
#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <future>
#include <httplib.h>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sqlite3.h>
#include <thread>
#include <tuple>

#include "tests/fixtures/demo_content.h"
#include "tests/fixtures/paste_site.h"
#include "tests/support/leakmon_cli.h"
#include "tests/tornet/tornet_env.h"

using namespace leakmon::testing;

namespace {

using Finding = std::tuple<std::string, std::string, std::string, std::string>;  // site, path, kind, ref

struct Site {
  std::string name;
  std::string onion;
  std::string start;   // path of the listing
  std::string follow;  // RE2 or empty
  std::string items;   // RE2
};

Site FixtureSite(const TorNet& net) {
  return {"fixture", net.services.at("fixture").onion, "/latest", "/latest\\?page=[0-9]+$", "/paste/[A-Za-z0-9]+$"};
}

// bepasty's list view links each paste's display, download and inline
// (raw) views; leakmon takes the inline one.
Site BepastySite(const TorNet& net) {
  return {"bepasty", net.services.at("bepasty").onion, "/+list", "", "/[A-Za-z0-9]{8}/\\+inline$"};
}

// A leakmon working directory: key, identifiers of both sites' people, and
// a config whose [tor] section is `tor_section`.
class Workspace {
 public:
  Workspace(const TorNet& net, const std::string& tor_section, const std::vector<Site>& sites) : net_(net) {
    PasteSite unused;  // InstallDemoContent fills a site; here only its ground truth is wanted
    fixture_ = InstallDemoContent(unused, net.canary, net.services.at("fixture").onion);
    dir_.Write("people.csv", fixture_.people_csv + net.bepasty_people_csv);
    std::string config = "[tor]\n" + tor_section +
                         "\n[crawl]\nconnect_timeout_seconds = 30\nrequest_timeout_seconds = 60\n";
    for (const Site& s : sites) {
      config += "\n[[site]]\nname = \"" + s.name + "\"\nstart = [\"http://" + s.onion + s.start + "\"]\n" +
                (s.follow.empty() ? "" : "follow = '" + s.follow + "'\n") + "items = '" + s.items + "'\n";
    }
    dir_.Write("leakmon.toml", config);
    Run({"keygen", "--out", "leakmon.key"}, 0);
    Run({"hash-ids", "--key", "leakmon.key", "--in", "people.csv", "--out", "identifiers.csv"}, 0);
  }

  const TempDir& dir() const { return dir_; }

  ProcessResult Run(const std::vector<std::string>& args, int expected_exit) {
    ProcessResult r = Leakmon(args, dir_.path());
    INFO("leakmon " << args[0] << "\nstdout: " << r.out << "\nstderr: " << r.err);
    CHECK(r.exit_code == expected_exit);
    outputs_.push_back(r);
    return r;
  }

  // A crawl, without assertions: safe to call from another thread.
  ProcessResult CrawlUnchecked() const { return Leakmon({"crawl", "--config", "leakmon.toml"}, dir_.path()); }

  std::set<Finding> Findings() {
    ProcessResult r = Run({"findings", "--config", "leakmon.toml", "--format", "json"}, 0);
    std::set<Finding> out;
    for (const auto& f : nlohmann::json::parse(r.out)) {
      std::string url = f["url"];
      const std::string& onion = net_.services.at(f["site"] == "bepasty" ? "bepasty" : "fixture").onion;
      std::string prefix = "http://" + onion;
      REQUIRE(url.rfind(prefix, 0) == 0);
      out.emplace(f["site"], url.substr(prefix.size()), f["kind"], f["ref"]);
    }
    return out;
  }

  std::set<Finding> ExpectedFindings() const {
    std::set<Finding> out;
    for (const auto& e : fixture_.expected) out.emplace("fixture", e.path, e.kind, e.ref);
    for (const BepastyPaste& p : net_.bepasty_pastes) {
      for (const auto& [kind, ref] : p.expected) out.emplace("bepasty", p.path, kind, ref);
    }
    return out;
  }

  // Every value that must never be written by leakmon: the canary, and each
  // plaintext identifier of both sites.
  std::vector<std::string> Forbidden() const {
    std::vector<std::string> v = fixture_.plaintext_values;
    v.insert(v.end(), net_.bepasty_plaintext.begin(), net_.bepasty_plaintext.end());
    v.push_back(net_.canary);
    return v;
  }

  const std::vector<ProcessResult>& outputs() const { return outputs_; }

 private:
  const TorNet& net_;
  TempDir dir_;
  DemoContent fixture_;
  std::vector<ProcessResult> outputs_;
};

std::string ProxySection(const TorEndpoint& tor) { return "proxy = \"" + tor.proxy_url() + "\"\n"; }

std::size_t LineCount(const std::string& path) { return ReadLinesFrom(path, 0).size(); }

// Request paths in werkzeug's access log lines ("... "GET /+list HTTP/1.0" 200 -").
std::multiset<std::string> BepastyRequests(const TorNet& net, std::size_t from) {
  std::multiset<std::string> out;
  for (const std::string& line : ReadLinesFrom(net.bepasty_server_log, from)) {
    auto get = line.find("\"GET ");
    if (get == std::string::npos) continue;
    auto end = line.find(' ', get + 5);
    out.insert(line.substr(get + 5, end - get - 5));
  }
  return out;
}

std::multiset<std::string> FixtureRequests(const TorNet& net, std::size_t from) {
  std::vector<std::string> lines = ReadLinesFrom(net.fixture_request_log, from);
  return {lines.begin(), lines.end()};
}

std::int64_t QueryInt(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  std::int64_t value = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
    value = sqlite3_column_int64(stmt, 0);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

bool ProcessAlive(int pid) { return ::kill(pid, 0) == 0; }

}  // namespace

TEST_CASE("Through real Tor: a crawl finds exactly the planted identifiers on both onion services") {
  const TorNet& net = TorNet::Get();
  std::size_t fixture_from = LineCount(net.fixture_request_log);
  std::size_t bepasty_from = LineCount(net.bepasty_server_log);
  Workspace w(net, ProxySection(net.client), {FixtureSite(net), BepastySite(net)});

  ProcessResult r = w.Run({"crawl", "--config", "leakmon.toml"}, 0);
  CHECK(r.out ==
        "fixture: 7 pages, 1 errors, 5 new findings\n"
        "bepasty: 4 pages, 0 errors, 4 new findings\n");
  CHECK(w.Findings() == w.ExpectedFindings());

  // What the sites saw, through their onion services: exactly the listings
  // and items, nothing off-site.
  CHECK(FixtureRequests(net, fixture_from) ==
        std::multiset<std::string>{"/latest", "/latest?page=2", "/paste/a1", "/paste/a2", "/paste/a3", "/paste/b1",
                                   "/paste/b2"});
  std::multiset<std::string> bepasty_expected = {"/+list"};
  for (const BepastyPaste& p : net.bepasty_pastes) bepasty_expected.insert(p.path);
  CHECK(BepastyRequests(net, bepasty_from) == bepasty_expected);

  // Nothing leakmon wrote or printed holds the canary or a planted value.
  std::vector<std::pair<std::string, std::string>> haystacks;
  for (const auto& e : std::filesystem::directory_iterator(w.dir().path())) {
    std::string name = e.path().filename();
    if (name != "people.csv") haystacks.emplace_back(name, TempDir::Read(e.path()));
  }
  for (const ProcessResult& out : w.outputs()) {
    haystacks.emplace_back("stdout", out.out);
    haystacks.emplace_back("stderr", out.err);
  }
  for (const auto& [name, data] : haystacks) {
    for (const std::string& needle : w.Forbidden()) {
      INFO(name << " must not contain a planted value");
      CHECK(data.find(needle) == std::string::npos);
    }
  }
}

TEST_CASE("Through real Tor: a second crawl fetches nothing new") {
  const TorNet& net = TorNet::Get();
  Workspace w(net, ProxySection(net.client), {FixtureSite(net), BepastySite(net)});
  w.Run({"crawl", "--config", "leakmon.toml"}, 0);
  std::set<Finding> first = w.Findings();
  CHECK(first == w.ExpectedFindings());

  std::size_t fixture_from = LineCount(net.fixture_request_log);
  std::size_t bepasty_from = LineCount(net.bepasty_server_log);
  ProcessResult second = w.Run({"crawl", "--config", "leakmon.toml"}, 0);
  CHECK(second.out ==
        "fixture: 3 pages, 1 errors, 0 new findings\n"
        "bepasty: 1 pages, 0 errors, 0 new findings\n");
  CHECK(w.Findings() == first);
  // Only the listings again, and the one item that failed (a 404).
  CHECK(FixtureRequests(net, fixture_from) ==
        std::multiset<std::string>{"/latest", "/latest?page=2", "/paste/b2"});
  CHECK(BepastyRequests(net, bepasty_from) == std::multiset<std::string>{"/+list"});
}

TEST_CASE("Through real Tor: stopping an onion service mid-crawl records the site as down and exits 3") {
  const TorNet& net = TorNet::Get();
  const OnionService& stoppable = net.services.at("stoppable");
  INFO("this test stops the `stoppable` onion service: it runs once per network bring-up");
  REQUIRE(ProcessAlive(stoppable.tor_pid));
  REQUIRE(TempDir::Read("/proc/" + std::to_string(stoppable.tor_pid) + "/cmdline").find("hs-stoppable") !=
          std::string::npos);

  // The site behind the service answers its listing only when released, so
  // the service can be stopped while leakmon waits for the answer.
  std::mutex mu;
  std::condition_variable cv;
  bool requested = false, released = false;
  PasteSite site;
  site.Handle("/latest", [&](const httplib::Request&, httplib::Response& res) {
    std::unique_lock<std::mutex> lock(mu);
    requested = true;
    cv.notify_all();
    cv.wait_for(lock, std::chrono::seconds(60), [&] { return released; });
    res.set_content("<html><body><a href=\"/paste/s1\">s1</a></body></html>", "text/html");
  });
  REQUIRE(site.Start(stoppable.target_port) == stoppable.target_port);

  Site down_site{"stoppable", stoppable.onion, "/latest", "", "/paste/[A-Za-z0-9]+$"};
  Workspace w(net, ProxySection(net.client), {down_site, FixtureSite(net)});
  auto crawl = std::async(std::launch::async, [&] { return w.CrawlUnchecked(); });
  {
    std::unique_lock<std::mutex> lock(mu);
    REQUIRE(cv.wait_for(lock, std::chrono::seconds(90), [&] { return requested; }));
  }
  // Stop the onion service while its listing is in flight.
  REQUIRE(::kill(stoppable.tor_pid, SIGTERM) == 0);
  for (int i = 0; i < 200 && ProcessAlive(stoppable.tor_pid); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK_FALSE(ProcessAlive(stoppable.tor_pid));
  {
    std::lock_guard<std::mutex> lock(mu);
    released = true;
  }
  cv.notify_all();

  ProcessResult r = crawl.get();
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  CHECK(r.exit_code == 3);
  CHECK(r.out.rfind("stoppable: 1 pages, 1 errors, 0 new findings (site down: ", 0) == 0);
  CHECK(r.out.find("\nfixture: 7 pages, 1 errors, 5 new findings\n") != std::string::npos);
  std::string db = w.dir().File("leakmon.db");
  CHECK(QueryInt(db, "SELECT up FROM site_runs JOIN sites ON sites.id = site_id WHERE name = 'stoppable'") == 0);
  CHECK(QueryInt(db, "SELECT up FROM site_runs JOIN sites ON sites.id = site_id WHERE name = 'fixture'") == 1);
  CHECK(QueryInt(db, "SELECT exit_code FROM runs") == 3);
  site.Stop();
}
