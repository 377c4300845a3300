// CurlFetcher: the Fetcher that goes through the Tor SOCKS proxy, with
// libcurl's multi interface (many transfers on one thread, driven with
// curl_multi_socket_action and epoll: libcurl is called only for ready
// sockets and due timers). There is no direct mode: Create() fails unless
// every setting below could be applied.
//
// Every libcurl setting leakmon uses is made in curl_fetcher.cpp, and every
// curl_easy_setopt result is checked:
//   - CURLOPT_PROXY = the socks5h:// proxy: names are resolved by Tor;
//     CURLOPT_NOPROXY = "": no_proxy/NO_PROXY cannot exempt any host, and
//     the explicit proxy overrides http_proxy/ALL_PROXY;
//   - per request: the site's SOCKS username/password (circuit isolation),
//     If-None-Match / If-Modified-Since when validators are given;
//   - http and https only; redirects are not followed here (the crawler
//     checks each hop's scope first);
//   - connect timeout, total timeout, and a low-speed abort (less than
//     low_speed_bytes_per_second for low_speed_seconds);
//   - Accept-Encoding gzip, deflate, br, decoded by leakmon in the write
//     callback (body_decoder.h; libcurl's decoding is off) in 16 KB steps:
//     the body cap is enforced on decoded bytes (so a gzip bomb stops at
//     the cap), and on received bytes in the progress callback;
//   - a memory budget across transfers: each may hold a small share of
//     max_buffered_bytes; beyond it a transfer needs one of a few "large"
//     slots, and without one its undecoded bytes (one network read) wait
//     and the transfer is paused (CURL_WRITEFUNC_PAUSE) until a slot is
//     free. Slots are held until the transfer ends, so the transfers
//     holding them always progress: buffered bodies never exceed
//     max_buffered_bytes (plus one body cap when the budget is smaller than
//     the cap), and a waiting transfer holds compressed bytes only.
//   - no cookies, no .netrc, no signals.
//
// Not thread-safe: one CurlFetcher per thread. Connections are kept alive
// in the multi handle's pool between fetches (never across different SOCKS
// credentials: libcurl matches them before reusing a connection). Easy
// handles of finished transfers are reused; each request sets all of its
// own settings again.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/result.h"
#include "crawler/fetcher.h"

namespace leakmon {

struct CurlFetcherOptions {
  std::string proxy;  // socks5h://host:port (required)
  // User-Agent header (Tor Browser's, to blend in).
  std::string user_agent = "Mozilla/5.0 (Windows NT 10.0; rv:128.0) Gecko/20100101 Firefox/128.0";
  std::int64_t connect_timeout_seconds = 90;     // proxy + circuit + connect
  std::int64_t request_timeout_seconds = 180;    // whole request
  std::int64_t low_speed_bytes_per_second = 512;  // abort below this rate...
  std::int64_t low_speed_seconds = 60;            // ...sustained this long
  std::int64_t max_body_bytes = 8 * 1024 * 1024;  // decoded bytes kept, and bytes received
  std::int64_t max_buffered_bytes = 32 * 1024 * 1024;  // bodies held at once, all transfers
  std::int64_t max_transfers = 16;  // transfers the caller runs at once (sizes the shares)
};

class CurlFetcher : public Fetcher {
 public:
  static Result<std::unique_ptr<CurlFetcher>> Create(const CurlFetcherOptions& options);
  ~CurlFetcher() override;

  void Start(std::uint64_t tag, const FetchRequest& request) override;
  std::vector<FetchDone> Wait(int timeout_ms) override;
  void CancelAll() override;
  std::size_t active() const override;

  // The most body bytes held at once so far, across transfers (for tests
  // and benchmarks of the memory budget).
  std::int64_t peak_buffered_bytes() const;

 private:
  struct Impl;
  explicit CurlFetcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace leakmon
