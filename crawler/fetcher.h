// Fetcher: how the crawler gets pages. The crawler's only door to the
// network, kept behind an interface so tests can swap in fakes and fault
// injectors.
//
// Asynchronous: Start() hands over a request and returns at once; Wait()
// returns the fetches that have finished since, each exactly once, with
// the tag given to Start(). Fetches never fail as a whole: transport
// errors, HTTP errors and limit breaches all come back inside the
// FetchResponse, with an error kind (fetch_error.h).
//
// A Fetcher follows no redirect: a 3xx response with a Location comes back
// as it is (ok(), `location` set) and the caller decides whether to follow.
//
// Not thread-safe: one thread calls every method.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

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
  // Validators from an earlier fetch, sent as If-None-Match and
  // If-Modified-Since; empty: not sent.
  std::string etag;
  std::string last_modified;
};

struct FetchResponse {
  std::string url;            // the URL fetched
  long http_status = 0;       // 0 when no HTTP response arrived
  std::string content_type;   // as sent, lowercase; may be empty
  std::string body;           // decoded body, at most the configured cap; empty unless 2xx
  std::string etag;           // response validators, as sent; may be empty
  std::string last_modified;
  std::string location;       // 3xx: the redirect target, resolved against `url`
  std::int64_t wire_bytes = 0;  // body bytes received before decoding
  // Empty when an HTTP exchange completed with 2xx, 304, or a 3xx with a
  // Location. Otherwise one of the kinds in fetch_error.h.
  std::string error_kind;
  std::string error;  // one line for people; never page content

  bool ok() const { return error_kind.empty(); }
};

struct FetchDone {
  std::uint64_t tag = 0;
  FetchResponse response;
};

class Fetcher {
 public:
  virtual ~Fetcher() = default;
  // Starts fetching `request`; its response comes out of a later Wait().
  virtual void Start(std::uint64_t tag, const FetchRequest& request) = 0;
  // Waits up to `timeout_ms` until at least one fetch finishes and returns
  // every finished one (possibly none). Sleeps the timeout when idle.
  virtual std::vector<FetchDone> Wait(int timeout_ms) = 0;
  // Aborts every unfinished fetch; none of them is ever returned.
  virtual void CancelAll() = 0;
  // Fetches started and not yet returned by Wait().
  virtual std::size_t active() const = 0;
};

// Start() then Wait() until that fetch is done: for one-off callers and
// tests. Must not be used while other fetches are active.
FetchResponse FetchOne(Fetcher& fetcher, const FetchRequest& request);

}  // namespace leakmon
