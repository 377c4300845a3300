// End to end through real Tor: leakmon against onion services of the
// private Tor network that tests/tornet/tornet.py brings up (ctest label
// `tor`, fixture `tornet`). Two paste sites sit behind onion services: the
// fixture paste site (leakmon-demo-server) and Debian's bepasty, whose pastes
// were uploaded through its own web form. A third onion service forwards to
// a port this test serves itself, so that it can stop the service mid-crawl.
//
// Asserted: exact findings on both sites, and exactly the requests each
// site saw; a second run fetches nothing new; `[tor] launch = true` with the
// network's torrc lines crawls the same; per-site SOCKS credentials put each
// site on its own circuits (STREAM and CIRC events on the client's control
// port); a nonexistent onion gives Tor's "onion service not found" error
// kind at once; a stopped service makes its site "down" and the run exit 3;
// a tor that never bootstraps stops the run before any fetch (exit 1).
//
// The tests share one network and run one at a time (RESOURCE_LOCK).
#include <algorithm>
#include <catch2/catch.hpp>
#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <functional>
#include <future>
#include <httplib.h>
#include <iterator>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <sqlite3.h>
#include <thread>
#include <tuple>
#include <unistd.h>

#include "tests/fixtures/demo_content.h"
#include "tests/fixtures/paste_site.h"
#include "tests/support/leakmon_cli.h"
#include "tests/support/retention_check.h"
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
// a config whose [tor] section is `tor_section`; `crawl_extra` adds lines to
// its [crawl] section.
class Workspace {
 public:
  Workspace(const TorNet& net, const std::string& tor_section, const std::vector<Site>& sites,
            const std::string& crawl_extra = "")
      : net_(net) {
    PasteSite unused;  // InstallDemoContent fills a site; here only its ground truth is wanted
    fixture_ = InstallDemoContent(unused, net.canary, net.services.at("fixture").onion);
    dir_.Write("people.csv", fixture_.people_csv + net.bepasty_people_csv);
    std::string config = "[tor]\n" + tor_section +
                         "\n[crawl]\nconnect_timeout_seconds = 30\nrequest_timeout_seconds = 60\n" + crawl_extra;
    for (const Site& s : sites) {
      config += "\n[[site]]\nname = \"" + s.name + "\"\nstart = [\"http://" + s.onion + s.start + "\"]\n" +
                (s.follow.empty() ? "" : "follow = '" + s.follow + "'\n") + "items = '" + s.items + "'\n";
    }
    dir_.Write("leakmon.toml", config);
    Run({"keygen", "--out", "leakmon.key"}, 0);
    Run({"hash-ids", "--key", "leakmon.key", "--in", "people.csv", "--out", "identifiers.lmids"}, 0);
  }

  const TempDir& dir() const { return dir_; }

  ProcessResult Run(const std::vector<std::string>& args, int expected_exit, ProcessOptions options = {}) {
    ProcessResult r = Leakmon(args, dir_.path(), std::move(options));
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

// The first column of the first row of `sql`, as text; "<none>" without a row.
std::string Query(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  std::string value = "<none>";
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(stmt, 0);
    value = text ? reinterpret_cast<const char*>(text) : "<null>";
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

bool ProcessAlive(int pid) { return ::kill(pid, 0) == 0; }

// Pids of running processes with `text` in their command line.
std::set<int> ProcessesMentioning(const std::string& text) {
  std::set<int> pids;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    std::string pid = e.path().filename();
    if (pid.find_first_not_of("0123456789") != std::string::npos || std::stoi(pid) == ::getpid()) continue;
    if (TempDir::Read(e.path() / "cmdline").find(text) != std::string::npos) pids.insert(std::stoi(pid));
  }
  return pids;
}

std::string TorBinary() { return std::filesystem::exists("/usr/sbin/tor") ? "/usr/sbin/tor" : "tor"; }

// The value of KEY=value or KEY="value" in a control-port event line.
std::string EventField(const std::string& line, const std::string& key) {
  auto at = line.find(" " + key + "=");
  if (at == std::string::npos) return "";
  at += key.size() + 2;
  if (line[at] == '"') {
    auto end = line.find('"', at + 1);
    return line.substr(at + 1, end - at - 1);
  }
  return line.substr(at, line.find(' ', at) - at);
}

std::vector<std::string> Words(const std::string& line) {
  std::vector<std::string> words;
  std::istringstream in(line);
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

// What Tor's control port told about one crawl: each stream to an onion
// service that connected (its SOCKS username, circuit and target), and for
// each circuit the onion service it was built for (REND_QUERY) and the SOCKS
// username tor isolated it by, when its CIRC events said so.
struct TorActivity {
  struct Stream {
    std::string username, circuit, target;
  };
  std::vector<Stream> streams;
  std::map<std::string, std::string> circuit_rend_query;
  std::map<std::string, std::string> circuit_username;

  // Circuits carrying streams of `username`.
  std::set<std::string> CircuitsOf(const std::string& username) const {
    std::set<std::string> out;
    for (const Stream& s : streams) {
      if (s.username == username) out.insert(s.circuit);
    }
    return out;
  }
};

// Subscribes to STREAM and CIRC events on the client, runs `crawl`, then
// reads the events until a second passes without one.
TorActivity WatchTor(const TorNet& net, const std::function<void()>& crawl) {
  TorControlClient control(net.client);
  control.Command("SETEVENTS STREAM CIRC");
  crawl();
  TorActivity activity;
  while (std::optional<std::string> ev = control.NextEvent(std::chrono::seconds(1))) {
    if (std::getenv("TORNET_DEBUG")) std::fprintf(stderr, "%s\n", ev->c_str());
    std::vector<std::string> w = Words(*ev);
    // 650 STREAM <id> <status> <circuit> <target> ...; directory fetches are not ours.
    if (w.size() >= 6 && w[1] == "STREAM" && w[3] == "SUCCEEDED" && w[5].find(".onion:") != std::string::npos) {
      activity.streams.push_back({EventField(*ev, "SOCKS_USERNAME"), w[4], w[5]});
    } else if (w.size() >= 4 && w[1] == "CIRC") {  // 650 CIRC <id> <status> ...
      if (std::string q = EventField(*ev, "REND_QUERY"); !q.empty()) activity.circuit_rend_query[w[2]] = q;
      if (std::string u = EventField(*ev, "SOCKS_USERNAME"); !u.empty()) activity.circuit_username[w[2]] = u;
    }
  }
  return activity;
}

std::string TomlStringArray(const std::vector<std::string>& values) {
  std::string out = "[";
  for (const std::string& v : values) out += (out.size() > 1 ? ", \"" : "\"") + v + "\"";
  return out + "]";
}

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
  CheckContainsNone(WrittenAndPrinted(w.dir().path(), w.outputs(), {"people.csv"}), w.Forbidden());
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
  // One attempt per page: each retry of the stopped service's listing would
  // wait for tor to give up on its vanished introduction points.
  Workspace w(net, ProxySection(net.client), {down_site, FixtureSite(net)}, "max_attempts = 1\n");
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
  CHECK(Query(db, "SELECT up FROM site_runs JOIN sites ON sites.id = site_id WHERE name = 'stoppable'") == "0");
  CHECK(Query(db, "SELECT up FROM site_runs JOIN sites ON sites.id = site_id WHERE name = 'fixture'") == "1");
  CHECK(Query(db, "SELECT exit_code FROM runs") == "3");
  // As the user sees it.
  std::map<std::string, nlohmann::json> sites;
  for (const auto& j : nlohmann::json::parse(w.Run({"sites", "--config", "leakmon.toml", "--format", "json"}, 0).out)) {
    sites[j["site"]] = j;
  }
  CHECK(sites.at("stoppable")["status"] == "down");
  CHECK(sites.at("stoppable")["consecutive_failures"] == 1);
  CHECK_FALSE(sites.at("stoppable")["last_error"].get<std::string>().empty());
  CHECK(sites.at("fixture")["status"] == "up");
  site.Stop();
}

TEST_CASE("Through real Tor: leakmon's own tor (launch = true) joins the private network and crawls the same") {
  const TorNet& net = TorNet::Get();
  std::string tor_section = "launch = true\ntor_binary = \"" + TorBinary() +
                            "\"\nbootstrap_timeout_seconds = 90\nextra_torrc = " +
                            TomlStringArray(net.client_torrc_lines) + "\n";
  Workspace w(net, tor_section, {FixtureSite(net), BepastySite(net)});

  // leakmon makes its tor's DataDirectory under $TMPDIR: here, so that the
  // test can tell its tor from any other.
  std::string tmp = w.dir().File("tmp");
  std::filesystem::create_directory(tmp);
  ProcessOptions env;
  env.env["TMPDIR"] = tmp;

  ProcessResult first = w.Run({"crawl", "--config", "leakmon.toml"}, 0, env);
  CHECK(first.out ==
        "fixture: 7 pages, 1 errors, 5 new findings\n"
        "bepasty: 4 pages, 0 errors, 4 new findings\n");
  CHECK(w.Findings() == w.ExpectedFindings());
  ProcessResult second = w.Run({"crawl", "--config", "leakmon.toml"}, 0, env);
  CHECK(second.out ==
        "fixture: 3 pages, 1 errors, 0 new findings\n"
        "bepasty: 1 pages, 0 errors, 0 new findings\n");

  // Each run stopped its tor on exit and removed its DataDirectory.
  for (int i = 0; i < 100 && !ProcessesMentioning(tmp).empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(ProcessesMentioning(tmp).empty());
  CHECK(std::filesystem::is_empty(tmp));
}

TEST_CASE("Through real Tor: each site's streams use their own circuits (SOCKS isolation, seen on the ControlPort)") {
  const TorNet& net = TorNet::Get();
  // Two sites on the same onion service: without isolation their streams
  // would share its rendezvous circuit.
  Site a = FixtureSite(net), b = FixtureSite(net);
  a.name = "fixture-a";
  b.name = "fixture-b";
  b.start = "/latest?page=2";
  Workspace w(net, ProxySection(net.client), {a, b, BepastySite(net)});
  TorActivity tor = WatchTor(net, [&] { w.Run({"crawl", "--config", "leakmon.toml"}, 0); });

  const std::vector<std::string> users = {"leakmon/fixture-a", "leakmon/fixture-b", "leakmon/bepasty"};
  for (const std::string& u : users) {
    INFO(u);
    CHECK_FALSE(tor.CircuitsOf(u).empty());
  }
  for (const auto& s : tor.streams) {
    INFO("stream of " << s.username << " on circuit " << s.circuit << " to " << s.target);
    CHECK(std::find(users.begin(), users.end(), s.username) != users.end());
    const std::string& onion = net.services.at(s.username == "leakmon/bepasty" ? "bepasty" : "fixture").onion;
    CHECK(s.target == onion + ":80");
    // The circuit is a rendezvous circuit to that service, isolated by the
    // same credentials where its events name them.
    CHECK(tor.circuit_rend_query[s.circuit] + ".onion" == onion);
    if (tor.circuit_username.count(s.circuit)) CHECK(tor.circuit_username.at(s.circuit) == s.username);
  }
  for (const std::string& u : users) {
    for (const std::string& v : users) {
      if (u >= v) continue;
      std::set<std::string> shared;
      std::set<std::string> cu = tor.CircuitsOf(u), cv = tor.CircuitsOf(v);
      std::set_intersection(cu.begin(), cu.end(), cv.begin(), cv.end(), std::inserter(shared, shared.begin()));
      INFO(u << " and " << v << " share circuits");
      CHECK(shared.empty());
    }
  }

  // The control: with isolation off, the two sites' requests share one
  // circuit, so the check above can tell.
  Workspace off(net, ProxySection(net.client) + "isolate_sites = false\n", {a, b});
  TorActivity shared = WatchTor(net, [&] { off.Run({"crawl", "--config", "leakmon.toml"}, 0); });
  REQUIRE_FALSE(shared.streams.empty());
  for (const auto& s : shared.streams) CHECK(s.username.empty());
  CHECK(shared.CircuitsOf("").size() == 1);
}

TEST_CASE("Through real Tor: a nonexistent onion address is recorded as onion_not_found, not a timeout") {
  const TorNet& net = TorNet::Get();
  Site ghost{"ghost", UnpublishedOnion(), "/latest", "", "/paste/[A-Za-z0-9]+$"};
  Workspace w(net, ProxySection(net.client), {ghost});
  auto start = std::chrono::steady_clock::now();
  ProcessResult r = w.Run({"crawl", "--config", "leakmon.toml"}, 3);
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start).count();
  CHECK(r.out.rfind("ghost: 1 pages, 1 errors, 0 new findings (site down: ", 0) == 0);
  CHECK(Query(w.dir().File("leakmon.db"), "SELECT error_kind FROM pages") == "onion_not_found");
  // Tor's answer (SOCKS reply 0xF0) came at once; the connect timeout is 30 s.
  CHECK(seconds < 20);
}

TEST_CASE("Through real Tor: a client that has not bootstrapped is detected before crawling (exit 1)") {
  const TorNet& net = TorNet::Get();
  {
    TorControlClient stranded(net.stranded);
    std::string phase = stranded.Command("GETINFO status/bootstrap-phase").front();
    INFO(phase);
    REQUIRE(phase.find("PROGRESS=100") == std::string::npos);
  }
  std::size_t fixture_from = LineCount(net.fixture_request_log);
  Workspace w(net,
              ProxySection(net.stranded) + "control = \"" + net.stranded.control + "\"\nbootstrap_timeout_seconds = 3\n",
              {FixtureSite(net)});
  ProcessResult r = w.Run({"crawl", "--config", "leakmon.toml"}, 1);
  CHECK(r.out.empty());
  CHECK(r.err.find("tor has not finished bootstrapping within 3 s: stuck at ") != std::string::npos);
  CHECK(r.err.find("nothing was fetched") != std::string::npos);
  CHECK(Query(w.dir().File("leakmon.db"), "SELECT count(*) FROM pages") == "0");
  CHECK(FixtureRequests(net, fixture_from).empty());
}
