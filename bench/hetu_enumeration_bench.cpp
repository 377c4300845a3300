// What a thief holding both the key and the identifier file can do: hash
// every possible Finnish personal identity code (HETU) and look each up in
// the stolen identifier file. Measures how long the whole space takes on
// this machine (docs/security.md, "What keyed hashing cannot protect").
//
//   hetu_enumeration_bench [--from-year 1900] [--to-year 2025] [--threads N]
//
// Enumerates every birth date in the range, the individual numbers 002-899
// and the check character (mod 31), as the canonical form leakmon hashes
// ("fi:DDMMYY-NNNC", national_id.h; century sign + for the 1800s, - for the
// 1900s, A for the 2000s). Two attacks, each against 1,000 "stolen" random
// valid HETUs:
//   hmac  the exact keyed hash of every candidate, looked up in the stolen
//         hashes (what format-1 identifier files allowed);
//   tag   the 64-bit first-stage tag of every candidate, looked up in the
//         stolen tags, and the exact hash only on a tag hit (what the
//         scanner does, and what format-2 files allow).
// Prints the count, wall and CPU time, rates, and how many stolen
// identifiers each attack recovered (all of them). Exit 1 if one missed.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <sys/resource.h>
#include <thread>
#include <unordered_set>
#include <vector>

#include "matcher/canonical.h"
#include "matcher/keyed_hash.h"
#include "matcher/secret_key.h"

namespace {

using leakmon::Digest;
using leakmon::Kind;

constexpr char kCheck[] = "0123456789ABCDEFHJKLMNPRSTUVWXY";
constexpr std::size_t kLen = 14;  // "fi:DDMMYY-NNNC"

struct DigestHash {
  std::size_t operator()(const Digest& d) const {
    std::size_t h;
    std::memcpy(&h, d.data(), sizeof h);
    return h;
  }
};

bool Leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int DaysIn(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && Leap(y) ? 29 : kDays[m - 1];
}

char CenturySign(int year) { return year < 1900 ? '+' : year < 2000 ? '-' : 'A'; }

// The canonical form "fi:DDMMYY-NNNC" for a date and individual number.
void Hetu(int y, int m, int d, int n, char out[kLen]) {
  auto digits = [](int v, int count, char* at) {
    for (int i = count - 1; i >= 0; --i, v /= 10) at[i] = static_cast<char>('0' + v % 10);
  };
  std::memcpy(out, "fi:", 3);
  digits(d, 2, out + 3);
  digits(m, 2, out + 5);
  digits(y % 100, 2, out + 7);
  out[9] = CenturySign(y);
  digits(n, 3, out + 10);
  long number = (d * 10000L + m * 100L + y % 100) * 1000L + n;
  out[13] = kCheck[number % 31];
}

// CPU time of the whole process (all threads), in seconds.
double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

struct Date {
  int y, m, d;
};

struct Outcome {
  long long candidates = 0;
  long long recovered = 0;
  double wall = 0, cpu = 0;
};

// Runs `test(candidate)` over the whole space on `threads` threads; test
// returns true when the candidate is one of the stolen identifiers.
Outcome Enumerate(const std::vector<Date>& dates, unsigned threads,
                  const std::function<bool(std::string_view)>& test) {
  std::atomic<std::size_t> next{0};
  std::atomic<long long> candidates{0}, recovered{0};
  auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = CpuSeconds();
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      long long local_candidates = 0, local_found = 0;
      char h[kLen];
      for (std::size_t i; (i = next.fetch_add(1)) < dates.size();) {
        const Date& dt = dates[i];
        for (int n = 2; n <= 899; ++n) {
          Hetu(dt.y, dt.m, dt.d, n, h);
          if (test(std::string_view(h, kLen))) ++local_found;
          ++local_candidates;
        }
      }
      candidates += local_candidates;
      recovered += local_found;
    });
  }
  for (std::thread& t : pool) t.join();
  Outcome o;
  o.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  o.cpu = CpuSeconds() - cpu0;
  o.candidates = candidates;
  o.recovered = recovered;
  return o;
}

void Print(const char* name, const Outcome& o, std::size_t stolen) {
  std::printf("%-4s %lld candidates in %.2f s wall, %.2f CPU-seconds: %.1f million per second, "
              "%.1f million per CPU-second; recovered %lld of %zu\n",
              name, o.candidates, o.wall, o.cpu, static_cast<double>(o.candidates) / o.wall / 1e6,
              static_cast<double>(o.candidates) / o.cpu / 1e6, o.recovered, stolen);
}

}  // namespace

int main(int argc, char** argv) {
  int from = 1900, to = 2025;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--from-year") == 0) from = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--to-year") == 0) to = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--threads") == 0) threads = static_cast<unsigned>(std::atoi(argv[i + 1]));
  }
  auto key = leakmon::SecretKey::Generate();
  if (!key.ok()) return 1;
  const leakmon::KeyedHasher hasher(*key);

  std::vector<Date> dates;
  for (int y = from; y <= to; ++y) {
    for (int m = 1; m <= 12; ++m) {
      for (int d = 1; d <= DaysIn(y, m); ++d) dates.push_back({y, m, d});
    }
  }

  // The stolen identifier file: exact hashes and tags of 1,000 random valid
  // HETUs, hashed the way hash-ids does (and checked to be its canonical form).
  std::mt19937_64 rng(42);
  std::unordered_set<Digest, DigestHash> stolen_hashes;
  std::unordered_set<std::uint64_t> stolen_tags;
  while (stolen_hashes.size() < 1000) {
    const Date& dt = dates[rng() % dates.size()];
    char h[kLen];
    Hetu(dt.y, dt.m, dt.d, 2 + static_cast<int>(rng() % 898), h);
    auto canon = leakmon::Canonicalize(Kind::kNationalId, std::string_view(h + 3, kLen - 3));
    if (!canon.ok() || *canon != std::string_view(h, kLen)) {
      std::fprintf(stderr, "not leakmon's canonical form: %.*s\n", static_cast<int>(kLen), h);
      return 1;
    }
    stolen_hashes.insert(hasher.Hash(*canon));
    stolen_tags.insert(hasher.Tag(Kind::kNationalId, *canon));
  }

  std::printf("birth years %d-%d: %zu dates x 898 individual numbers, %u threads\n", from, to, dates.size(), threads);
  Outcome hmac = Enumerate(dates, threads, [&](std::string_view c) { return stolen_hashes.count(hasher.Hash(c)) > 0; });
  Print("hmac", hmac, stolen_hashes.size());
  Outcome tag = Enumerate(dates, threads, [&](std::string_view c) {
    return stolen_tags.count(hasher.Tag(Kind::kNationalId, c)) > 0 && stolen_hashes.count(hasher.Hash(c)) > 0;
  });
  Print("tag", tag, stolen_hashes.size());
  bool all = hmac.recovered == static_cast<long long>(stolen_hashes.size()) &&
             tag.recovered == static_cast<long long>(stolen_hashes.size());
  return all ? 0 : 1;
}
