// leakmon-bench: the matcher's quality figures and the speed benchmark.
//
//   leakmon-bench quality [--pages N] [--seed S]
//       recall per kind and per form, and false findings (bench/quality.h)
//   leakmon-bench generate --dir D [--people N] [--mb M] [--seed S]
//       D/people.csv (kind,value,ref; 7 identifiers per person), D/patterns.txt
//       (the same values, one per line, for grep -F -f), D/plain.txt and
//       D/html.txt (pages of generated pastes, each page ending in a form feed line)
//   leakmon-bench run --dir D [--key K] [--ids I] [--only plain] [--passes N]
//       (K defaults to D/bench.key, I to D/identifiers.lmids, the binary
//       identifier file; a text one loads too) load time and peak RSS of the
//       identifier file; plain-text scan
//       throughput per CPU-second, end to end with the load; HTML: extract +
//       scan vs gumbo's parse alone; grep -F -f on the plain corpus.
//       --only plain stops after the plain text; --passes N scans it N times
//       (the first pass is the one the figures use). Before the scan it
//       times a compute loop and a random memory walk (CheckMachine), to
//       tell a slow host from a slow scanner.
//   leakmon-bench dump --dir D [--key K] [--ids I] --in FILE [--html 1]
//       every page's matches, to diff two builds' scanners on one corpus
//
// bench/run_benchmark.sh runs the whole thing; results go to docs/benchmarks.md.
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <gumbo.h>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "app/secrets.h"
#include "bench/corpus.h"
#include "bench/quality.h"
#include "common/files.h"
#include "crawler/html_text.h"
#include "matcher/scanner.h"

using namespace leakmon;
using namespace leakmon::bench;

namespace {

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// CPU time split into user and system, and page faults, of this process.
struct Usage {
  double user = 0, sys = 0;
  long minor_faults = 0, major_faults = 0;
  static Usage Now() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return Usage{static_cast<double>(u.ru_utime.tv_sec) + static_cast<double>(u.ru_utime.tv_usec) / 1e6,
                 static_cast<double>(u.ru_stime.tv_sec) + static_cast<double>(u.ru_stime.tv_usec) / 1e6, u.ru_minflt,
                 u.ru_majflt};
  }
  Usage operator-(const Usage& o) const {
    return Usage{user - o.user, sys - o.sys, minor_faults - o.minor_faults, major_faults - o.major_faults};
  }
};

double WallSeconds() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

// VmRSS or VmHWM from /proc/self/status, in MB.
double ProcStatusMb(const char* field) {
  FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return 0;
  char line[256];
  double mb = 0;
  while (std::fgets(line, sizeof line, f)) {
    if (std::strncmp(line, field, std::strlen(field)) == 0) mb = std::atof(line + std::strlen(field) + 1) / 1024.0;
  }
  std::fclose(f);
  return mb;
}

// How fast this machine is right now, for reading one run's figures
// against another's: the project's VM shares its host, and the same binary
// scans the same corpus in 0.5 s or 0.9 s depending on the neighbours. A
// register-only loop shows lost CPU time; a random walk through 64 MB
// (a cache and TLB miss per step, like the scanner's table lookups, but
// worse) shows contention for caches and memory.
struct MachineCheck {
  double compute_ns = 0;  // per iteration of a xorshift loop
  double memory_ns = 0;   // per step of the random walk
};
MachineCheck CheckMachine() {
  MachineCheck m;
  constexpr std::size_t kIterations = 50'000'000;
  std::uint64_t x = 88172645463325252ULL, sum = 0;
  double c0 = CpuSeconds();
  for (std::size_t i = 0; i < kIterations; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    sum += x >> 60;
  }
  m.compute_ns = (CpuSeconds() - c0) * 1e9 / kIterations;
  // One cycle through all slots in a random order (Sattolo's shuffle).
  constexpr std::size_t kSlots = (64u << 20) / sizeof(std::uint32_t), kSteps = 4'000'000;
  std::vector<std::uint32_t> next(kSlots);
  for (std::size_t i = 0; i < kSlots; ++i) next[i] = static_cast<std::uint32_t>(i);
  for (std::size_t i = kSlots - 1; i > 0; --i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    std::swap(next[i], next[x % i]);
  }
  std::uint32_t at = 0;
  c0 = CpuSeconds();
  for (std::size_t i = 0; i < kSteps; ++i) at = next[at];
  m.memory_ns = (CpuSeconds() - c0) * 1e9 / kSteps;
  if (sum + at == 42) std::printf(" ");  // keeps both loops
  return m;
}

std::string Arg(int argc, char** argv, const char* name, const char* fallback) {
  for (int i = 2; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  }
  return fallback;
}

std::vector<std::string_view> Pages(std::string_view corpus) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t ff = corpus.find("\f\n"); ff != std::string::npos; ff = corpus.find("\f\n", start)) {
    out.emplace_back(corpus.data() + start, ff - start);
    start = ff + 2;
  }
  return out;
}

int Quality(int argc, char** argv) {
  CorpusOptions o;
  o.seed = std::stoull(Arg(argc, argv, "--seed", "20261128"));
  QualityReport r = MeasureQuality(o, std::stoul(Arg(argc, argv, "--pages", "1500")));
  std::printf("%s", r.Table().c_str());
  return 0;
}

int Generate(int argc, char** argv) {
  const std::string dir = Arg(argc, argv, "--dir", ".");
  const std::size_t people = std::stoul(Arg(argc, argv, "--people", "142857"));
  const std::size_t mb = std::stoul(Arg(argc, argv, "--mb", "200"));
  CorpusOptions o;
  o.seed = std::stoull(Arg(argc, argv, "--seed", "1"));
  o.listed_people = people;
  o.decoy_people = 20000;
  o.org_domains = 5;
  o.filler_words = 2000;
  o.decoy_page_share = 0.5;
  for (int html = 0; html < 2; ++html) {
    o.html_share = html;
    CorpusGenerator gen(o);
    if (!html) {
      if (!WriteFileAtomic(dir + "/people.csv", gen.PeopleCsv()).ok()) return 1;
      if (!WriteFileAtomic(dir + "/patterns.txt", gen.PlainPatterns()).ok()) return 1;
    }
    std::string corpus;
    std::vector<Planted> truth;
    while (corpus.size() < mb * 1000000) {
      corpus += gen.NextPage(&truth).body;
      corpus += "\f\n";
      truth.clear();
    }
    if (!WriteFileAtomic(dir + (html ? "/html.txt" : "/plain.txt"), corpus).ok()) return 1;
    std::printf("%s: %.1f MB\n", html ? "html.txt" : "plain.txt", static_cast<double>(corpus.size()) / 1e6);
  }
  return 0;
}

struct ChildUsage {
  double cpu = 0;
  double max_rss_mb = 0;
  int status = 0;
};

ChildUsage RunChild(const std::vector<std::string>& args) {
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  ChildUsage u;
  rusage r{};
  wait4(pid, &u.status, 0, &r);
  u.cpu = static_cast<double>(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
          static_cast<double>(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
  u.max_rss_mb = static_cast<double>(r.ru_maxrss) / 1024.0;
  return u;
}

int Run(int argc, char** argv) {
  const std::string dir = Arg(argc, argv, "--dir", ".");
  const std::string key = Arg(argc, argv, "--key", (dir + "/bench.key").c_str());
  const std::string ids_path = Arg(argc, argv, "--ids", (dir + "/identifiers.lmids").c_str());

  // 1. Load, as crawl and scan do, before anything else is in memory.
  const double rss0 = ProcStatusMb("VmRSS:");
  double w0 = WallSeconds(), c0 = CpuSeconds();
  Result<LoadedIdentifiers> loaded = LoadIdentifiers(key, ids_path);
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s\n", loaded.status().message().c_str());
    return 1;
  }
  const double load_wall = WallSeconds() - w0, load_cpu = CpuSeconds() - c0;
  const double load_hwm = ProcStatusMb("VmHWM:"), load_rss = ProcStatusMb("VmRSS:");
  std::printf("## Identifier file\n\n%zu identifiers, %zu postings, %zu vocabulary words, max %zu words\n\n",
              loaded->ids.size(), loaded->ids.postings(), loaded->ids.vocabulary_size(), loaded->ids.max_words());
  std::printf("| load wall | load CPU | resident after load | peak resident | set's own memory |\n|---:|---:|---:|---:|---:|\n");
  std::printf("| %.3f s | %.3f s | %.1f MB | %.1f MB | %.1f MB |\n\n", load_wall, load_cpu, load_rss - rss0, load_hwm,
              static_cast<double>(loaded->ids.MemoryBytes()) / 1e6);

  std::unique_ptr<Scanner> scanner = std::move(*Scanner::Create(*loaded->hasher, loaded->ids));
  const MachineCheck machine = CheckMachine();
  std::printf("Machine right now: %.2f ns per compute-loop iteration, %.0f ns per random 64 MB memory step\n\n",
              machine.compute_ns, machine.memory_ns);

  // 2. Plain text.
  Result<std::string> plain = ReadFileBounded(dir + "/plain.txt", std::size_t{4} << 30);
  if (!plain.ok()) return 1;
  std::vector<std::string_view> pages = Pages(*plain);
  std::size_t matches = 0;
  const Usage u0 = Usage::Now();
  c0 = CpuSeconds();
  w0 = WallSeconds();
  for (std::string_view p : pages) matches += scanner->Scan(p).size();
  const double scan_cpu = CpuSeconds() - c0, scan_wall = WallSeconds() - w0;
  const Usage scan_usage = Usage::Now() - u0;
  const double mb = static_cast<double>(plain->size()) / 1e6;
  std::printf("## Plain text\n\n%.1f MB in %zu pages, %zu matches\n\n", mb, pages.size(), matches);
  std::printf("| scan CPU | scan wall | MB per CPU-second (scan) | MB per CPU-second (end to end, with load) |\n"
              "|---:|---:|---:|---:|\n| %.2f s | %.2f s | %.0f | %.0f |\n\n",
              scan_cpu, scan_wall, mb / scan_cpu, mb / (scan_cpu + load_cpu));
  std::printf("Scan CPU: %.2f s user, %.2f s system; %ld minor and %ld major page faults.\n\n", scan_usage.user,
              scan_usage.sys, scan_usage.minor_faults, scan_usage.major_faults);
  // Further passes over the same pages (--passes N), to tell a first pass's
  // warm-up costs from the scan's own.
  for (int pass = 2; pass <= std::stoi(Arg(argc, argv, "--passes", "1")); ++pass) {
    const Usage v0 = Usage::Now();
    const double pw0 = WallSeconds();
    std::size_t again = 0;
    for (std::string_view p : pages) again += scanner->Scan(p).size();
    const Usage v = Usage::Now() - v0;
    std::printf("Pass %d: %.3f s CPU (%.3f user, %.3f system), %.3f s wall, %ld minor faults, %zu matches.\n\n", pass,
                v.user + v.sys, v.user, v.sys, WallSeconds() - pw0, v.minor_faults, again);
  }

  if (Arg(argc, argv, "--only", "") == "plain") return 0;  // for profiling

  // 3. grep -F -f on the same plain corpus (plaintext patterns).
  ChildUsage grep = RunChild({"grep", "-c", "-F", "-f", dir + "/patterns.txt", dir + "/plain.txt"});
  std::printf("## grep -F -f (plaintext patterns, same corpus)\n\n| grep CPU | grep peak RSS | leakmon end to end CPU | ratio |\n"
              "|---:|---:|---:|---:|\n| %.2f s | %.0f MB | %.2f s | %.1fx |\n\n",
              grep.cpu, grep.max_rss_mb, scan_cpu + load_cpu, grep.cpu / (scan_cpu + load_cpu));
  plain = std::string();

  // 4. HTML: gumbo's parse alone, then extraction + scan.
  Result<std::string> html = ReadFileBounded(dir + "/html.txt", std::size_t{4} << 30);
  if (!html.ok()) return 1;
  pages = Pages(*html);
  c0 = CpuSeconds();
  for (std::string_view p : pages) {
    GumboOutput* out = gumbo_parse_with_options(&kGumboDefaultOptions, p.data(), p.size());
    gumbo_destroy_output(&kGumboDefaultOptions, out);
  }
  const double gumbo_cpu = CpuSeconds() - c0;
  HtmlLimits limits;
  matches = 0;
  c0 = CpuSeconds();
  for (std::string_view p : pages) {
    Result<HtmlContent> content = ExtractHtml(p, limits);
    if (content.ok()) matches += scanner->Scan(content->text).size();
  }
  const double html_cpu = CpuSeconds() - c0;
  const double hmb = static_cast<double>(html->size()) / 1e6;
  std::printf("## HTML\n\n%.1f MB in %zu pages, %zu matches\n\n| gumbo parse alone | extract + scan | ratio | MB per CPU-second |\n"
              "|---:|---:|---:|---:|\n| %.2f s | %.2f s | %.2fx | %.0f |\n",
              hmb, pages.size(), matches, gumbo_cpu, html_cpu, html_cpu / gumbo_cpu, hmb / html_cpu);
  return 0;
}

// Every page's matches ("page N", then "id count strength" lines), to
// compare two builds' scanners on the same corpus (diff the outputs).
int Dump(int argc, char** argv) {
  const std::string dir = Arg(argc, argv, "--dir", ".");
  Result<LoadedIdentifiers> loaded = LoadIdentifiers(Arg(argc, argv, "--key", (dir + "/bench.key").c_str()),
                                                     Arg(argc, argv, "--ids", (dir + "/identifiers.lmids").c_str()));
  if (!loaded.ok()) return 1;
  std::unique_ptr<Scanner> scanner = std::move(*Scanner::Create(*loaded->hasher, loaded->ids));
  Result<std::string> corpus = ReadFileBounded(Arg(argc, argv, "--in", ""), std::size_t{4} << 30);
  if (!corpus.ok()) return 1;
  const bool html = Arg(argc, argv, "--html", "0") == "1";
  std::size_t n = 0;
  HtmlLimits limits;
  for (std::string_view p : Pages(*corpus)) {
    std::string text(p);
    if (html) {
      Result<HtmlContent> c = ExtractHtml(p, limits);
      if (!c.ok()) continue;
      text = c->text;
    }
    std::printf("page %zu\n", n++);
    for (const Match& m : scanner->Scan(text)) std::printf("%u %u %d\n", m.id, m.count, static_cast<int>(m.strength));
  }
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  std::string cmd = argc > 1 ? argv[1] : "";
  if (cmd == "quality") return Quality(argc, argv);
  if (cmd == "generate") return Generate(argc, argv);
  if (cmd == "run") return Run(argc, argv);
  if (cmd == "dump") return Dump(argc, argv);
  std::fprintf(stderr, "usage: leakmon-bench quality|generate|run|dump [options]; see bench/leakmon_bench.cpp\n");
  return 2;
}
