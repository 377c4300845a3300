// Fetcher: how the crawler gets a page. The crawler's only door to the
// network, kept behind an interface so tests can swap in fakes and fault
// injectors.
//
// Fetch() never throws and never fails as a whole: transport errors, HTTP
// errors and limit breaches all come back inside the FetchResponse, with an
// error kind the crawler records against the page.
#pragma once

#include <string>

namespace leakmon {

struct FetchRequest {
  std::string url;
};

struct FetchResponse {
  std::string url;           // the URL fetched (after redirects)
  long http_status = 0;      // 0 when no HTTP response arrived
  std::string content_type;  // as sent, lowercase; may be empty
  std::string body;          // decoded body, at most the configured cap
  // Empty on success. Otherwise one of: "proxy_unreachable", "proxy",
  // "timeout", "too_large", "redirect", "protocol", "transfer", "http".
  std::string error_kind;
  std::string error;  // one line for people; never page content

  bool ok() const { return error_kind.empty(); }
};

class Fetcher {
 public:
  virtual ~Fetcher() = default;
  virtual FetchResponse Fetch(const FetchRequest& request) = 0;
};

}  // namespace leakmon
