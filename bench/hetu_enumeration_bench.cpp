// What a thief holding both the key and the identifier file can do: hash
// every possible Finnish personal identity code (HETU) and look each up in
// the stolen hashes. Measures how long the whole space takes on this machine
// (docs/security.md, "What keyed hashing cannot protect").
//
//   hetu_enumeration_bench [--from-year 1900] [--to-year 2025] [--threads N]
//
// Enumerates every birth date in the range, the individual numbers 002-899
// and the check character (mod 31), hashes "DDMMYY-NNNC" with leakmon's
// keyed hash, and looks it up in a set of "stolen" hashes of 1,000 random
// valid HETUs. Prints the count, the wall and CPU time, the rates, and how
// many of the stolen identifiers it recovered (all of them).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <sys/resource.h>
#include <thread>
#include <unordered_set>
#include <vector>

#include "matcher/keyed_hash.h"
#include "matcher/secret_key.h"

namespace {

using leakmon::Digest;

constexpr char kCheck[] = "0123456789ABCDEFHJKLMNPRSTUVWXY";

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

// "DDMMYY-NNNC" for a date and individual number (11 bytes, no NUL).
void Hetu(int y, int m, int d, int n, char out[11]) {
  auto digits = [](int v, int count, char* at) {
    for (int i = count - 1; i >= 0; --i, v /= 10) at[i] = static_cast<char>('0' + v % 10);
  };
  digits(d, 2, out);
  digits(m, 2, out + 2);
  digits(y % 100, 2, out + 4);
  out[6] = CenturySign(y);
  digits(n, 3, out + 7);
  long number = (d * 10000L + m * 100L + y % 100) * 1000L + n;
  out[10] = kCheck[number % 31];
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

  // The stolen identifier file: hashes of 1,000 random valid HETUs.
  std::mt19937_64 rng(42);
  std::unordered_set<Digest, DigestHash> stolen;
  while (stolen.size() < 1000) {
    const Date& dt = dates[rng() % dates.size()];
    char h[11];
    Hetu(dt.y, dt.m, dt.d, 2 + static_cast<int>(rng() % 898), h);
    stolen.insert(hasher.Hash(std::string_view(h, 11)));
  }

  std::atomic<std::size_t> next{0};
  std::atomic<long long> hashed{0}, recovered{0};
  auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = CpuSeconds();
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      long long local_hashed = 0, local_found = 0;
      for (std::size_t i; (i = next.fetch_add(1)) < dates.size();) {
        const Date& dt = dates[i];
        char h[11];
        for (int n = 2; n <= 899; ++n) {
          Hetu(dt.y, dt.m, dt.d, n, h);
          if (stolen.count(hasher.Hash(std::string_view(h, 11)))) ++local_found;
          ++local_hashed;
        }
      }
      hashed += local_hashed;
      recovered += local_found;
    });
  }
  for (std::thread& t : pool) t.join();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double cpu = CpuSeconds() - cpu0;
  std::printf("birth years %d-%d: %zu dates x 898 individual numbers = %lld HETUs\n", from, to, dates.size(),
              static_cast<long long>(hashed));
  std::printf("hashed and looked up in %.2f s wall, %.2f CPU-seconds, with %u threads: %.1f million per second, "
              "%.1f million per CPU-second\n",
              secs, cpu, threads, static_cast<double>(hashed) / secs / 1e6, static_cast<double>(hashed) / cpu / 1e6);
  std::printf("recovered %lld of %zu stolen identifiers\n", static_cast<long long>(recovered), stolen.size());
  return recovered == static_cast<long long>(stolen.size()) ? 0 : 1;
}
