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

// SOCKS credentials that isolate one site's streams from every other site's.
struct SocksCredentials {
  std::string username;  // at most 255 bytes (SOCKS5)
  std::string password;  // at most 255 bytes
};

// The credentials for site `site_name` in a run identified by `run_nonce`:
// "leakmon/<site name>" (cut to 255 bytes) and the nonce, so each run also
// gets fresh circuits.
SocksCredentials SiteCredentials(const std::string& site_name, const std::string& run_nonce);

struct FetchRequest {
  std::string url;
  // SOCKS5 username/password for this request. Tor isolates streams with
  // different credentials on different circuits (IsolateSOCKSAuth). Empty:
  // no authentication.
  std::string socks_username;
  std::string socks_password;
};

struct FetchResponse {
  std::string url;           // the URL fetched (after redirects)
  long http_status = 0;      // 0 when no HTTP response arrived
  std::string content_type;  // as sent, lowercase; may be empty
  std::string body;          // decoded body, at most the configured cap
  // Empty on success. Otherwise one of the kinds in fetch_error.h.
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
