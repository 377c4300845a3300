// CurlFetcher: fetches through the Tor SOCKS proxy with libcurl. There is no
// direct mode: Create() fails unless every safety option could be set.
//
// Settings, all applied in ApplyCurlOptions (curl_fetcher.cpp):
//   - CURLOPT_PROXY = the socks5h:// proxy: names are resolved by Tor;
//   - CURLOPT_NOPROXY = "": no_proxy/NO_PROXY cannot exempt any host, and the
//     explicit proxy overrides http_proxy/ALL_PROXY;
//   - http and https only, for requests and redirects; at most 5 redirects;
//   - connect and total timeouts; Accept-Encoding for curl's decoders;
//   - the body cap enforced in the write callback on decoded bytes, which
//     also bounds decompression.
//
// Not thread-safe: one CurlFetcher per thread. It reuses one easy handle so
// connections to the proxy are kept alive between fetches.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/result.h"
#include "crawler/fetcher.h"

namespace leakmon {

struct CurlFetcherOptions {
  std::string proxy;  // socks5h://host:port (required)
  // User-Agent header.
  std::string user_agent = "Mozilla/5.0 (Windows NT 10.0; rv:128.0) Gecko/20100101 Firefox/128.0";
  std::int64_t connect_timeout_seconds = 90;  // proxy + circuit + connect
  std::int64_t request_timeout_seconds = 180;  // whole request
  std::int64_t max_body_bytes = 8 * 1024 * 1024;  // decoded bytes kept
};

class CurlFetcher : public Fetcher {
 public:
  static Result<std::unique_ptr<CurlFetcher>> Create(const CurlFetcherOptions& options);
  ~CurlFetcher() override;

  FetchResponse Fetch(const FetchRequest& request) override;

 private:
  struct Impl;
  explicit CurlFetcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace leakmon
