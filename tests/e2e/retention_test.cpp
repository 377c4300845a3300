// No content retention, proven: a crawl of fixture pages that carry a
// unique canary and the plaintext identifiers, in every place a page can
// carry text (body, title, comments, scripts, attributes, unfollowed links,
// error pages, response headers, oversized bodies, redirect targets), then
// a byte-by-byte search of everything leakmon wrote:
//   - every file it created or modified in its working directory, TMPDIR and
//     HOME, read on every inotify event while it runs (so the WAL is seen
//     before any checkpoint), and again after it exits;
//   - every file it holds open, deleted or not, read through /proc/<pid>/fd
//     while it is stopped in the middle of a fetch;
//   - the WAL left behind by a run killed with SIGKILL;
//   - every export format and every findings format;
//   - stdout and stderr of every run at the most verbose level.
// Also: core dumps are disabled while crawling (RLIMIT_CORE 0, not dumpable),
// checked from outside the process and by a real crash producing no core.
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <dirent.h>
#include <filesystem>
#include <fstream>
#include <httplib.h>
#include <mutex>
#include <poll.h>
#include <random>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#include "tests/fixtures/demo_content.h"
#include "tests/fixtures/paste_site.h"
#include "tests/fixtures/socks5_proxy.h"
#include "tests/fixtures/webhook_receiver.h"
#include "tests/support/crawl_dir.h"
#include "tests/support/sqlite_query.h"

using namespace leakmon::testing;
namespace fs = std::filesystem;

namespace {

constexpr const char* kHostileOnion = "hostilepastesiteqjtcn2q5vh4ks4lsb3bpbdkggjhjxcq3hrngwmw6.onion";

std::string RandomCanary() {
  std::random_device rd;
  char buf[40];
  std::snprintf(buf, sizeof buf, "CANARY-%08x%08x", rd(), rd());
  return buf;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Searches haystacks for needles as they are found, and remembers what it
// looked at, so that a test can show both "nothing found" and "plenty seen".
class Search {
 public:
  explicit Search(std::vector<std::string> needles) : needles_(std::move(needles)) {}

  void Check(const std::string& where, const std::string& data) {
    std::lock_guard<std::mutex> lock(mu_);
    ++haystacks_;
    bytes_ += data.size();
    seen_[where] += data.size();
    for (const std::string& n : needles_) {
      if (data.find(n) != std::string::npos) violations_.push_back(where + " holds \"" + n + "\"");
    }
  }
  // True if some haystack named `where` contained `marker` (positive control).
  void Expect(const std::string& where, const std::string& data, const std::string& marker) {
    Check(where, data);
    std::lock_guard<std::mutex> lock(mu_);
    if (data.find(marker) != std::string::npos) controls_.insert(where + ":" + marker);
  }
  std::vector<std::string> violations() const {
    std::lock_guard<std::mutex> lock(mu_);
    return violations_;
  }
  bool Controlled(const std::string& where_marker) const {
    std::lock_guard<std::mutex> lock(mu_);
    return controls_.count(where_marker) > 0;
  }
  std::string Summary() const {
    std::lock_guard<std::mutex> lock(mu_);
    std::string s = std::to_string(haystacks_) + " haystacks, " + std::to_string(bytes_) + " bytes:";
    for (const auto& [w, b] : seen_) s += " " + w + "=" + std::to_string(b);
    return s;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> needles_;
  std::vector<std::string> violations_;
  std::set<std::string> controls_;
  std::map<std::string, std::size_t> seen_;
  std::size_t haystacks_ = 0;
  std::size_t bytes_ = 0;
};

// Reads every file created or written in the watched directories on each
// inotify event, and hands its bytes to the search. Records every name
// created, so a test can say which files leakmon made.
class Watcher {
 public:
  Watcher(std::vector<std::string> dirs, Search& search) : dirs_(std::move(dirs)), search_(search) {
    fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    REQUIRE(fd_ >= 0);
    for (const std::string& d : dirs_) {
      int wd = ::inotify_add_watch(fd_, d.c_str(), IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO);
      REQUIRE(wd >= 0);
      watches_[wd] = d;
    }
    thread_ = std::thread([this] { Loop(); });
  }
  ~Watcher() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  std::set<std::string> created() const {
    std::lock_guard<std::mutex> lock(mu_);
    return created_;
  }

 private:
  void Loop() {
    alignas(inotify_event) char buf[65536];
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      ssize_t n = ::read(fd_, buf, sizeof buf);
      for (ssize_t off = 0; off < n;) {
        const auto* ev = reinterpret_cast<const inotify_event*>(buf + off);
        off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
        if (ev->len == 0) continue;
        std::string path = watches_[ev->wd] + "/" + ev->name;
        if (ev->mask & (IN_CREATE | IN_MOVED_TO)) {
          std::lock_guard<std::mutex> lock(mu_);
          created_.insert(path);
        }
        if (fs::is_regular_file(path)) search_.Check("live " + fs::path(path).filename().string(), TempDir::Read(path));
      }
    }
  }

  std::vector<std::string> dirs_;
  Search& search_;
  int fd_ = -1;
  std::map<int, std::string> watches_;
  mutable std::mutex mu_;
  std::set<std::string> created_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// A page handler that holds the request until released: it stops leakmon
// in the middle of a crawl, with everything before it committed.
class Gate {
 public:
  void Arrive() {
    std::unique_lock<std::mutex> lock(mu_);
    arrived_ = true;
    cv_.notify_all();
    cv_.wait_for(lock, std::chrono::seconds(30), [this] { return released_; });
  }
  bool WaitArrived() {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(30), [this] { return arrived_; });
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
    cv_.notify_all();
  }
  void Reset() {
    std::lock_guard<std::mutex> lock(mu_);
    arrived_ = released_ = false;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool arrived_ = false;
  bool released_ = false;
};

// Every regular file `pid` holds open, read through /proc (deleted ones too).
void CheckOpenFiles(pid_t pid, Search& search) {
  std::string fd_dir = "/proc/" + std::to_string(pid) + "/fd";
  for (const auto& e : fs::directory_iterator(fd_dir)) {
    std::error_code ec;
    fs::path target = fs::read_symlink(e.path(), ec);
    if (ec || !fs::is_regular_file(e.path(), ec)) continue;
    search.Check("open fd " + target.filename().string(), TempDir::Read(e.path()));
  }
}

// Every file under `root`, recursively.
void CheckTree(const std::string& root, const std::string& label, Search& search,
               const std::set<std::string>& skip = {}) {
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file() || skip.count(e.path().filename().string())) continue;
    search.Check(label + " " + e.path().filename().string(), TempDir::Read(e.path()));
  }
}

std::string HtmlPage(const std::string& title, const std::string& body) {
  return "<!DOCTYPE html><html><head><title>" + title + "</title></head><body>" + body + "</body></html>";
}

// The hostile site: every place a page can carry text, each page with the
// canary and plaintext identifiers. /h/9 is held by `gate`.
void InstallHostilePages(PasteSite& site, const std::string& canary, Gate& gate) {
  const std::string ids = " Matti Virtanen MATTI.VIRTANEN@example.fi liisa.makinen@example.org Project Nightjar ";
  std::string links;
  for (int i = 1; i <= 9; ++i) links += "<a href=\"/h/" + std::to_string(i) + "\">" + std::to_string(i) + "</a> ";
  site.Set("/hostile", {200, "text/html; charset=utf-8",
                        HtmlPage(canary, "<p>" + canary + ids + "</p>" + links +
                                             "<a href=\"/elsewhere/" + canary + "\">unfollowed</a>"
                                             "<a href=\"mailto:" + canary + "@example.fi\">mail</a>")});
  site.Set("/h/1", {200, "text/html; charset=utf-8",
                    HtmlPage(canary + ids, "<!-- " + canary + ids + " --><script>var s='" + canary + ids +
                                               "';</script><style>/*" + canary + "*/</style><img alt=\"" + canary +
                                               ids + "\" data-x=\"" + canary + "\"><p>" + canary + ids + "</p>")});
  site.Set("/h/2", {500, "text/html", HtmlPage("error", "<p>" + canary + ids + "</p>")});
  site.Set("/h/3", {200, "text/plain; charset=utf-8", canary + "\n" + ids + "\n"});
  site.Set("/h/4", {200, "text/html; charset=" + canary, HtmlPage("charset", canary + ids)});
  site.Set("/h/5", {200, "text/html", HtmlPage("big", std::string(100000, 'x') + canary + ids)});
  site.Handle("/h/6", [canary, ids](const httplib::Request&, httplib::Response& res) {
    res.set_header("X-Canary", canary + ids);
    res.set_header("Server", canary);
    res.set_content(HtmlPage("headers", canary + ids), "text/html");
  });
  site.Handle("/h/7", [canary](const httplib::Request&, httplib::Response& res) {
    res.status = 302;
    res.set_header("Location", Lower(canary) + "://" + canary + "/x");
  });
  site.Handle("/h/8", [canary](const httplib::Request&, httplib::Response& res) {
    res.status = 302;
    res.set_header("Location", "http://" + Lower(canary) + ".example.com/" + canary);
  });
  site.Handle("/h/9", [canary, ids, &gate](const httplib::Request&, httplib::Response& res) {
    gate.Arrive();
    res.set_content(HtmlPage(canary, canary + ids), "text/html");
  });
}

// Alerts go to `hook_url` (a generic webhook, retried at once after a kill).
std::string HostileConfig(const std::string& proxy_url, const std::string& hook_url) {
  return DemoConfig(proxy_url) +
         "\n[crawl]\nmax_body_bytes = 65536\n\n"
         "[[site]]\nname = \"hostile\"\nstart = [\"http://" + std::string(kHostileOnion) + "/hostile\"]\n"
         "items = '/h/[0-9]+$'\n\n"
         "[[alert]]\nname = \"receiver\"\ntype = \"webhook\"\nurl = \"" + hook_url + "\"\n"
         "retry_initial_seconds = 0\n";
}

}  // namespace

TEST_CASE("Nothing leakmon writes, prints or holds open contains page text or a plaintext identifier") {
  const std::string canary = RandomCanary();
  PasteSite site;
  Gate gate;
  DemoContent content = InstallDemoContent(site, canary);
  InstallHostilePages(site, canary, gate);
  REQUIRE(site.Start() > 0);
  Socks5Proxy proxy;
  proxy.MapAllOnion(site.port());
  REQUIRE(proxy.Start() > 0);
  WebhookReceiver hook;
  REQUIRE(hook.Start() > 0);
  CrawlDir dir(HostileConfig(proxy.url(), hook.url()), content.people_csv);
  fs::create_directories(dir.File("tmp"));
  fs::create_directories(dir.File("home"));

  std::vector<std::string> needles = content.plaintext_values;
  for (const std::string& v : content.plaintext_values) needles.push_back(Lower(v));
  for (const char* v : {"matti virtanen", "liisa mäkinen", "liisa makinen", "project nightjar"}) needles.push_back(v);
  needles.push_back(canary);
  needles.push_back(Lower(canary));
  needles.push_back(canary.substr(7));  // the random part alone
  Search search(needles);

  ProcessOptions env;
  env.env = {{"TMPDIR", dir.File("tmp")}, {"HOME", dir.File("home")}, {"SQLITE_TMPDIR", dir.File("tmp")}};
  std::vector<ProcessResult> outputs;
  std::set<std::string> created;
  {
    Watcher watcher({dir.path(), dir.File("tmp"), dir.File("home")}, search);

    // Run 1: stopped at /h/9 with everything before it committed; read all
    // it holds open and the WAL, then SIGKILL, so the WAL stays on disk.
    auto crawl = StartLeakmon({"crawl", "--config", "leakmon.toml", "-v"}, dir.path(), env);
    if (!gate.WaitArrived()) {
      crawl->Kill(SIGKILL);
      ProcessResult r = crawl->Wait();
      FAIL("the crawl never reached /h/9: exit " << r.exit_code << "\n" << r.out << r.err);
    }
    // The demo site is crawled alongside the hostile one; under load /h/9 can
    // be reached before /paste/a1 is committed, so wait for it (the control).
    for (int i = 0; i < 300; ++i) {
      std::error_code ec;
      if (fs::exists(dir.File("leakmon.db-wal"), ec) &&
          TempDir::Read(dir.File("leakmon.db-wal")).find("/paste/a1") != std::string::npos) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CheckOpenFiles(crawl->pid(), search);
    REQUIRE(fs::exists(dir.File("leakmon.db-wal")));
    search.Expect("wal at pause", TempDir::Read(dir.File("leakmon.db-wal")), "/paste/a1");
    crawl->Kill(SIGKILL);
    outputs.push_back(crawl->Wait());
    CHECK(outputs.back().signal == SIGKILL);
    search.Expect("wal after kill", TempDir::Read(dir.File("leakmon.db-wal")), "/paste/a1");
    gate.Release();

    // Run 2: to completion, resuming after the kill.
    outputs.push_back(dir.Run({"crawl", "--config", "leakmon.toml", "-v"}, env));
    CHECK(outputs.back().exit_code == 0);  // every site is up
    for (const char* fmt : {"table", "json", "csv"}) {
      outputs.push_back(dir.Run({"findings", "--config", "leakmon.toml", "--format", fmt, "-v"}, env));
      CHECK(outputs.back().exit_code == 0);
    }
    for (const char* fmt : {"json", "ndjson", "csv", "stix", "prometheus", "html"}) {
      std::string out = std::string("export.") + fmt;
      outputs.push_back(dir.Run({"export", "--config", "leakmon.toml", "--format", fmt, "--out", out, "-v"}, env));
      CHECK(outputs.back().exit_code == 0);
      // Prometheus holds counts per site and kind only, no URL.
      search.Expect("export " + out, TempDir::Read(dir.File(out)), std::string(fmt) == "prometheus" ? "demo-paste" : "/paste/a1");
    }
    created = watcher.created();
  }
  search.Expect("database", TempDir::Read(dir.File("leakmon.db")), "/paste/a1");
  // Every alert the receiver got: bodies and the headers it recorded.
  std::vector<WebhookRequest> alerts = hook.requests();
  CHECK_FALSE(alerts.empty());
  std::string payloads;
  for (const WebhookRequest& a : alerts) payloads += a.path + "\n" + a.idempotency_key + "\n" + a.body + "\n";
  search.Expect("alert payloads", payloads, "/paste/a1");
  CheckTree(dir.path(), "after", search, {"people.csv", "leakmon.toml"});
  for (const ProcessResult& r : outputs) {
    search.Check("stdout", r.out);
    search.Check("stderr", r.err);
  }

  INFO(search.Summary());
  std::string errors;
  for (const auto& row : Query(dir.File("leakmon.db"), "SELECT url, error_kind, error FROM pages WHERE error_kind IS NOT NULL AND error_kind != ''")) {
    errors += row[0] + " " + row[1] + ": " + row[2] + "\n";
  }
  INFO("pages with errors:\n" << errors);
  CHECK(search.violations() == std::vector<std::string>{});
  // The search saw real data: URLs in the WAL during the run, after the kill,
  // in the database and in every export.
  CHECK(search.Controlled("wal at pause:/paste/a1"));
  CHECK(search.Controlled("wal after kill:/paste/a1"));
  CHECK(search.Controlled("database:/paste/a1"));
  for (const char* fmt : {"json", "ndjson", "csv", "stix", "html"}) {
    CHECK(search.Controlled(std::string("export export.") + fmt + ":/paste/a1"));
  }
  CHECK(search.Controlled("export export.prometheus:demo-paste"));
  CHECK(search.Controlled("alert payloads:/paste/a1"));
  // Nothing was left in TMPDIR or HOME; leakmon created only these files.
  CHECK(fs::is_empty(dir.File("tmp")));
  CHECK(fs::is_empty(dir.File("home")));
  std::set<std::string> names;
  for (const std::string& p : created) names.insert(fs::path(p).filename().string());
  for (const std::string& n : names) {
    INFO("leakmon created " << n);
    bool known = n.rfind("leakmon.db", 0) == 0 || n.rfind("export.", 0) == 0;
    CHECK(known);
  }
}

TEST_CASE("Core dumps are off while crawling: RLIMIT_CORE 0, not dumpable, and a real crash leaves no core") {
  constexpr uid_t kNobody = 65534;
  const std::string canary = RandomCanary();
  PasteSite site;
  Gate gate;
  DemoContent content = InstallDemoContent(site, canary);
  site.Handle("/paste/hold", [&gate, canary](const httplib::Request&, httplib::Response& res) {
    gate.Arrive();
    res.set_content("<p>" + canary + "</p>", "text/html");
  });
  site.Set("/latest", {200, "text/html", "<p>" + canary + "</p><a href=\"/paste/hold\">hold</a>"});
  REQUIRE(site.Start() > 0);
  Socks5Proxy proxy;
  proxy.MapAllOnion(site.port());
  REQUIRE(proxy.Start() > 0);
  CrawlDir dir(DemoConfig(proxy.url()), content.people_csv);
  // leakmon runs as an unprivileged user, as it should in production: the
  // kernel then shows non-dumpability as /proc/<pid> owned by root.
  for (const auto& e : fs::recursive_directory_iterator(dir.path())) REQUIRE(::chown(e.path().c_str(), kNobody, kNobody) == 0);
  REQUIRE(::chown(dir.path().c_str(), kNobody, kNobody) == 0);
  ProcessOptions as_nobody;
  as_nobody.uid = kNobody;
  as_nobody.unlimited_core = true;  // leakmon itself must set the limit to 0
  as_nobody.cwd = dir.path();

  auto owner = [](pid_t pid) {
    struct stat st;
    REQUIRE(::stat(("/proc/" + std::to_string(pid) + "/status").c_str(), &st) == 0);
    return st.st_uid;
  };
  auto core_limit = [](pid_t pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/limits");
    std::string line;
    while (std::getline(f, line)) {
      if (line.rfind("Max core file size", 0) == 0) return line.substr(26);
    }
    return std::string("?");
  };
  auto cores = [&] {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir.path())) {
      if (e.path().filename().string().rfind("core", 0) == 0) out.push_back(e.path());
    }
    return out;
  };

  // Control: an ordinary process run the same way is dumpable, may dump
  // core, and does when it aborts.
  Subprocess control({"/bin/sleep", "30"}, as_nobody);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(owner(control.pid()) == kNobody);
  CHECK(core_limit(control.pid()).find("unlimited") != std::string::npos);
  control.Kill(SIGABRT);
  ProcessResult control_result = control.Wait();
  CHECK(control_result.signal == SIGABRT);
  CHECK(control_result.core_dumped);
  for (const std::string& c : cores()) fs::remove(c);

  // leakmon, stopped in the middle of fetching a page.
  auto crawl = StartLeakmon({"crawl", "--config", "leakmon.toml"}, dir.path(), as_nobody);
  REQUIRE(gate.WaitArrived());
  std::string status = TempDir::Read("/proc/" + std::to_string(crawl->pid()) + "/status");
  CHECK(status.find("Uid:\t65534\t65534\t65534\t65534") != std::string::npos);
  CHECK(owner(crawl->pid()) == 0);  // PR_SET_DUMPABLE is off
  std::string limit = core_limit(crawl->pid());
  INFO("core limit: " << limit);
  CHECK(limit.rfind("0                    0", 0) == 0);
  crawl->Kill(SIGABRT);
  ProcessResult crashed = crawl->Wait();
  gate.Release();
  CHECK(crashed.signal == SIGABRT);
  CHECK_FALSE(crashed.core_dumped);
  CHECK(cores().empty());
}
