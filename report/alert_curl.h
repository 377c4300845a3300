// libcurl for alert channels (webhook and email): the one place their
// connection options are set, each setopt result checked.
//
// NewAlertCurl applies: the channel's proxy, or an explicit "no proxy" so
// that http_proxy/ALL_PROXY in the environment cannot redirect alerts; no
// .netrc; no redirects; only `protocols`; connect and total timeouts from
// timeout_seconds; the channel's CA file when set; peer and host
// verification always on. Internal to report/.
#pragma once

#include <curl/curl.h>
#include <memory>
#include <string>

#include "common/result.h"
#include "config/options.h"

namespace leakmon {

struct CurlEasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;

struct CurlSlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using CurlSlist = std::unique_ptr<curl_slist, CurlSlistDeleter>;

// Appends `line` to `list`; false when curl could not allocate.
bool SlistAppend(CurlSlist& list, const std::string& line);

// `errbuf` (CURL_ERROR_SIZE bytes) must outlive the handle's transfers.
Result<CurlEasy> NewAlertCurl(const AlertOptions& o, const char* protocols, char* errbuf);

// curl_easy_perform; on failure "<channel>: <curl's message>".
Status PerformAlertCurl(CURL* c, const AlertOptions& o, const char* errbuf);

}  // namespace leakmon
