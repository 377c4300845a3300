#include "report/alert_curl.h"

namespace leakmon {

bool SlistAppend(CurlSlist& list, const std::string& line) {
  curl_slist* next = curl_slist_append(list.get(), line.c_str());
  if (next == nullptr) return false;
  (void)list.release();
  list.reset(next);
  return true;
}

Result<CurlEasy> NewAlertCurl(const AlertOptions& o, const char* protocols, char* errbuf) {
  CurlEasy easy(curl_easy_init());
  if (!easy) return Status::Internal(o.name + ": curl_easy_init failed");
  CURL* c = easy.get();
  auto check = [&](CURLcode rc, const char* what) -> Status {
    if (rc == CURLE_OK) return Status::Ok();
    return Status::Internal(o.name + ": cannot set " + what + ": " + curl_easy_strerror(rc));
  };
  errbuf[0] = '\0';
  LEAKMON_RETURN_IF_ERROR(check(curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf), "CURLOPT_ERRORBUFFER"));
  // "" disables every proxy, including those named by the environment.
  LEAKMON_RETURN_IF_ERROR(check(curl_easy_setopt(c, CURLOPT_PROXY, o.proxy.c_str()), "CURLOPT_PROXY"));
  if (!o.proxy.empty()) {
    LEAKMON_RETURN_IF_ERROR(check(curl_easy_setopt(c, CURLOPT_NOPROXY, ""), "CURLOPT_NOPROXY"));
  }
  LEAKMON_RETURN_IF_ERROR(check(curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, protocols), "CURLOPT_PROTOCOLS_STR"));
  LEAKMON_RETURN_IF_ERROR(check(curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L), "CURLOPT_FOLLOWLOCATION"));
  LEAKMON_RETURN_IF_ERROR(
      check(curl_easy_setopt(c, CURLOPT_NETRC, static_cast<long>(CURL_NETRC_IGNORED)), "CURLOPT_NETRC"));
  LEAKMON_RETURN_IF_ERROR(check(curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L), "CURLOPT_NOSIGNAL"));
  LEAKMON_RETURN_IF_ERROR(
      check(curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(o.timeout_seconds)), "CURLOPT_CONNECTTIMEOUT"));
  LEAKMON_RETURN_IF_ERROR(
      check(curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(o.timeout_seconds)), "CURLOPT_TIMEOUT"));
  LEAKMON_RETURN_IF_ERROR(check(curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L), "CURLOPT_SSL_VERIFYPEER"));
  LEAKMON_RETURN_IF_ERROR(check(curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L), "CURLOPT_SSL_VERIFYHOST"));
  if (!o.ca_file.empty()) {
    LEAKMON_RETURN_IF_ERROR(check(curl_easy_setopt(c, CURLOPT_CAINFO, o.ca_file.c_str()), "CURLOPT_CAINFO"));
  }
  return easy;
}

Status PerformAlertCurl(CURL* c, const AlertOptions& o, const char* errbuf) {
  CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) return Status::Ok();
  std::string detail = errbuf[0] != '\0' ? std::string(errbuf) : std::string(curl_easy_strerror(rc));
  while (!detail.empty() && (detail.back() == '\n' || detail.back() == '\r')) detail.pop_back();
  return Status::Unavailable(o.name + ": " + detail);
}

}  // namespace leakmon
