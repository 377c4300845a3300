#include "crawler/curl_fetcher.h"

#include <algorithm>
#include <cctype>
#include <curl/curl.h>

#include "crawler/fetch_error.h"

namespace leakmon {
namespace {

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
using EasyPtr = std::unique_ptr<CURL, EasyDeleter>;

// Per-transfer state the write callback fills.
struct Sink {
  std::string* body = nullptr;
  std::size_t cap = 0;
  bool over_cap = false;
  bool out_of_memory = false;
};

// libcurl write callback. Returning fewer bytes than given aborts the
// transfer with CURLE_WRITE_ERROR. No exception may leave this function.
extern "C" size_t WriteBody(char* data, size_t size, size_t nmemb, void* userp) {
  auto* sink = static_cast<Sink*>(userp);
  size_t n = size * nmemb;
  if (sink->body->size() + n > sink->cap) {
    sink->over_cap = true;
    return 0;
  }
  try {
    sink->body->append(data, n);
  } catch (...) {
    sink->out_of_memory = true;
    return 0;
  }
  return n;
}

// Every option the crawler relies on, each result checked. A failure here
// means the request could leave the proxy or escape a bound: refuse.
Status ApplyCurlOptions(CURL* c, const CurlFetcherOptions& o) {
  auto check = [](CURLcode rc, const char* what) {
    if (rc == CURLE_OK) return Status::Ok();
    return Status::Internal(std::string("libcurl refused ") + what + ": " + curl_easy_strerror(rc));
  };
  LEAKMON_RETURN_IF_ERROR(check(curl_easy_setopt(c, CURLOPT_PROXY, o.proxy.c_str()), "CURLOPT_PROXY"));
  LEAKMON_RETURN_IF_ERROR(check(curl_easy_setopt(c, CURLOPT_NOPROXY, ""), "CURLOPT_NOPROXY"));
  LEAKMON_RETURN_IF_ERROR(check(curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https"), "CURLOPT_PROTOCOLS_STR"));
  LEAKMON_RETURN_IF_ERROR(
      check(curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"), "CURLOPT_REDIR_PROTOCOLS_STR"));
  LEAKMON_RETURN_IF_ERROR(check(curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L), "CURLOPT_FOLLOWLOCATION"));
  LEAKMON_RETURN_IF_ERROR(check(curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L), "CURLOPT_MAXREDIRS"));
  LEAKMON_RETURN_IF_ERROR(check(curl_easy_setopt(c, CURLOPT_USERAGENT, o.user_agent.c_str()), "CURLOPT_USERAGENT"));
  LEAKMON_RETURN_IF_ERROR(check(curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(o.connect_timeout_seconds)),
                                "CURLOPT_CONNECTTIMEOUT"));
  LEAKMON_RETURN_IF_ERROR(
      check(curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(o.request_timeout_seconds)), "CURLOPT_TIMEOUT"));
  LEAKMON_RETURN_IF_ERROR(check(curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, ""), "CURLOPT_ACCEPT_ENCODING"));
  LEAKMON_RETURN_IF_ERROR(check(curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L), "CURLOPT_NOSIGNAL"));
  LEAKMON_RETURN_IF_ERROR(check(curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, WriteBody), "CURLOPT_WRITEFUNCTION"));
  // No cookies, no .netrc, no proxy credentials from the environment.
  LEAKMON_RETURN_IF_ERROR(check(curl_easy_setopt(c, CURLOPT_NETRC, static_cast<long>(CURL_NETRC_IGNORED)), "CURLOPT_NETRC"));
  return Status::Ok();
}

// The error kind of a failed SOCKS exchange. Tor's extended codes come as
// CURLPX_REPLY_UNASSIGNED with the code only in curl's message.
std::string ProxyErrorKind(long px, const std::string& message) {
  switch (px) {
    case CURLPX_REPLY_GENERAL_SERVER_FAILURE: return std::string(SocksReplyKind(0x01));
    case CURLPX_REPLY_NOT_ALLOWED: return std::string(SocksReplyKind(0x02));
    case CURLPX_REPLY_NETWORK_UNREACHABLE: return std::string(SocksReplyKind(0x03));
    case CURLPX_REPLY_HOST_UNREACHABLE: return std::string(SocksReplyKind(0x04));
    case CURLPX_REPLY_CONNECTION_REFUSED: return std::string(SocksReplyKind(0x05));
    case CURLPX_REPLY_TTL_EXPIRED: return std::string(SocksReplyKind(0x06));
    case CURLPX_REPLY_COMMAND_NOT_SUPPORTED: return std::string(SocksReplyKind(0x07));
    case CURLPX_REPLY_ADDRESS_TYPE_NOT_SUPPORTED: return std::string(SocksReplyKind(0x08));
    case CURLPX_REPLY_UNASSIGNED: {
      std::optional<int> code = SocksReplyCodeInMessage(message);
      return std::string(code ? SocksReplyKind(*code) : "proxy");
    }
    default: return "proxy";
  }
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return s;
}

}  // namespace

SocksCredentials SiteCredentials(const std::string& site_name, const std::string& run_nonce) {
  SocksCredentials c;
  c.username = ("leakmon/" + site_name).substr(0, 255);
  c.password = run_nonce.substr(0, 255);
  return c;
}

struct CurlFetcher::Impl {
  CurlFetcherOptions options;
  EasyPtr easy;
};

CurlFetcher::CurlFetcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CurlFetcher::~CurlFetcher() = default;

Result<std::unique_ptr<CurlFetcher>> CurlFetcher::Create(const CurlFetcherOptions& options) {
  if (options.proxy.rfind("socks5h://", 0) != 0) {
    return Status::InvalidArgument("the crawl proxy must be a socks5h:// URL; there is no direct mode");
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->easy.reset(curl_easy_init());
  if (!impl->easy) return Status::Internal("curl_easy_init failed");
  LEAKMON_RETURN_IF_ERROR(ApplyCurlOptions(impl->easy.get(), options));
  return std::unique_ptr<CurlFetcher>(new CurlFetcher(std::move(impl)));
}

FetchResponse CurlFetcher::Fetch(const FetchRequest& request) {
  FetchResponse r;
  r.url = request.url;
  CURL* c = impl_->easy.get();
  Sink sink;
  sink.body = &r.body;
  sink.cap = static_cast<std::size_t>(impl_->options.max_body_bytes);
  char errbuf[CURL_ERROR_SIZE] = {0};
  const char* user = request.socks_username.empty() ? nullptr : request.socks_username.c_str();
  const char* pass = request.socks_username.empty() ? nullptr : request.socks_password.c_str();
  bool set_ok = curl_easy_setopt(c, CURLOPT_URL, request.url.c_str()) == CURLE_OK &&
                curl_easy_setopt(c, CURLOPT_PROXYUSERNAME, user) == CURLE_OK &&
                curl_easy_setopt(c, CURLOPT_PROXYPASSWORD, pass) == CURLE_OK &&
                curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink) == CURLE_OK &&
                curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf) == CURLE_OK;
  if (!set_ok) {
    r.error_kind = "protocol";
    r.error = "libcurl refused the URL";
    return r;
  }
  CURLcode rc = curl_easy_perform(c);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, nullptr);

  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  r.http_status = status;
  char* ct = nullptr;
  if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct) r.content_type = Lower(ct);
  char* eff = nullptr;
  if (curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &eff) == CURLE_OK && eff) r.url = eff;

  if (rc != CURLE_OK) {
    std::string detail = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    switch (rc) {
      case CURLE_COULDNT_CONNECT:
      case CURLE_COULDNT_RESOLVE_PROXY:
        r.error_kind = "proxy_unreachable";
        break;
      case CURLE_PROXY: {
        long px = CURLPX_OK;
        curl_easy_getinfo(c, CURLINFO_PROXY_ERROR, &px);
        r.error_kind = ProxyErrorKind(px, detail);
        break;
      }
      case CURLE_OPERATION_TIMEDOUT: r.error_kind = "timeout"; break;
      case CURLE_TOO_MANY_REDIRECTS: r.error_kind = "redirect"; break;
      case CURLE_UNSUPPORTED_PROTOCOL: r.error_kind = "protocol"; break;
      case CURLE_WRITE_ERROR:
        if (sink.over_cap) {
          r.error_kind = "too_large";
          detail = "body larger than " + std::to_string(sink.cap) + " bytes";
        } else {
          r.error_kind = "transfer";
          detail = "out of memory";
        }
        break;
      default: r.error_kind = "transfer"; break;
    }
    r.error = detail;
    r.body.clear();
    return r;
  }
  if (status < 200 || status > 299) {
    r.error_kind = "http";
    r.error = "HTTP " + std::to_string(status);
    r.body.clear();
  }
  return r;
}

}  // namespace leakmon
