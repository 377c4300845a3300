#include "crawler/fetcher.h"

namespace leakmon {

SocksCredentials SiteCredentials(const std::string& site_name, const std::string& run_nonce) {
  SocksCredentials c;
  c.username = ("leakmon/" + site_name).substr(0, 255);
  c.password = run_nonce.substr(0, 255);
  return c;
}

FetchResponse FetchOne(Fetcher& fetcher, const FetchRequest& request) {
  constexpr std::uint64_t kTag = 1;
  fetcher.Start(kTag, request);
  for (;;) {
    for (FetchDone& d : fetcher.Wait(1000)) {
      if (d.tag == kTag) return std::move(d.response);
    }
  }
}

}  // namespace leakmon
