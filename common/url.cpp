#include "common/url.h"

#include <algorithm>
#include <cctype>
#include <curl/curl.h>
#include <memory>

namespace leakmon {
namespace {

struct CurluDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using CurluPtr = std::unique_ptr<CURLU, CurluDeleter>;

struct CurlStringDeleter {
  void operator()(char* p) const { curl_free(p); }
};
using CurlString = std::unique_ptr<char, CurlStringDeleter>;

// Returns the part, or an empty string when it is absent.
std::string Part(CURLU* u, CURLUPart part, unsigned flags = 0) {
  char* raw = nullptr;
  if (curl_url_get(u, part, &raw, flags) != CURLUE_OK) return {};
  CurlString owned(raw);
  return raw ? std::string(raw) : std::string();
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

Result<UrlParts> Describe(CURLU* u) {
  // Fragments never reach the server; drop them so URLs compare equal.
  curl_url_set(u, CURLUPART_FRAGMENT, nullptr, 0);
  UrlParts parts;
  parts.scheme = Lower(Part(u, CURLUPART_SCHEME));
  parts.host = Lower(Part(u, CURLUPART_HOST));
  std::string port = Part(u, CURLUPART_PORT, CURLU_DEFAULT_PORT);
  parts.port = port.empty() ? 0 : std::atoi(port.c_str());
  parts.url = Part(u, CURLUPART_URL);
  if (parts.scheme.empty() || parts.host.empty() || parts.url.empty()) {
    return Status::InvalidArgument("not an absolute URL");
  }
  return parts;
}

}  // namespace

Result<UrlParts> ParseUrl(std::string_view url) {
  if (url.size() > 8192) return Status::InvalidArgument("URL longer than 8192 bytes");
  CurluPtr u(curl_url());
  if (!u) return Status::Internal("curl_url() failed");
  std::string s(url);
  CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, s.c_str(), CURLU_NON_SUPPORT_SCHEME);
  if (rc != CURLUE_OK) return Status::InvalidArgument(std::string("bad URL: ") + curl_url_strerror(rc));
  return Describe(u.get());
}

Result<std::string> ResolveUrl(std::string_view base, std::string_view ref) {
  if (base.size() > 8192 || ref.size() > 8192) return Status::InvalidArgument("URL longer than 8192 bytes");
  CurluPtr u(curl_url());
  if (!u) return Status::Internal("curl_url() failed");
  std::string b(base), r(ref);
  CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, b.c_str(), CURLU_NON_SUPPORT_SCHEME);
  if (rc != CURLUE_OK) return Status::InvalidArgument(std::string("bad base URL: ") + curl_url_strerror(rc));
  // Setting a relative URL on a handle that holds an absolute one resolves it.
  rc = curl_url_set(u.get(), CURLUPART_URL, r.c_str(), CURLU_NON_SUPPORT_SCHEME);
  if (rc != CURLUE_OK) return Status::InvalidArgument(std::string("bad link: ") + curl_url_strerror(rc));
  Result<UrlParts> parts = Describe(u.get());
  if (!parts.ok()) return parts.status();
  return parts->url;
}

}  // namespace leakmon
