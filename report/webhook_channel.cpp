// webhook: one HTTP(S) POST per message, in the channel's payload style.
#include "leakmon_version.h"
#include "report/alert_channels_impl.h"
#include "report/alert_curl.h"
#include "report/text.h"

namespace leakmon {
namespace {

// Keeps the first bytes of the response for the error message.
size_t KeepHead(char* data, size_t size, size_t nmemb, void* user) {
  auto* head = static_cast<std::string*>(user);
  size_t n = size * nmemb;
  if (head->size() < 200) head->append(data, std::min(n, 200 - head->size()));
  return n;
}

class WebhookChannel : public AlertChannel {
 public:
  WebhookChannel(AlertOptions options, std::string url) : AlertChannel(std::move(options)), url_(std::move(url)) {}

  Status Send(const AlertNotice& notice) override {
    const AlertOptions& o = options();
    std::string body = o.style == "slack"   ? SlackPayload(notice)
                       : o.style == "teams" ? TeamsPayload(notice)
                                            : GenericPayload(notice);
    char errbuf[CURL_ERROR_SIZE];
    LEAKMON_ASSIGN_OR_RETURN(CurlEasy easy, NewAlertCurl(o, "http,https", errbuf));
    CURL* c = easy.get();
    CurlSlist headers;
    if (!SlistAppend(headers, "Content-Type: application/json; charset=utf-8") ||
        !SlistAppend(headers, "Idempotency-Key: " + notice.id) ||
        !SlistAppend(headers, "X-Leakmon-Alert-Id: " + notice.id) || !SlistAppend(headers, "Expect:")) {
      return Status::Internal(o.name + ": out of memory");
    }
    std::string head;
    const std::string agent = std::string("leakmon/") + LEAKMON_VERSION;
    bool set = curl_easy_setopt(c, CURLOPT_URL, url_.c_str()) == CURLE_OK &&
               curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get()) == CURLE_OK &&
               curl_easy_setopt(c, CURLOPT_USERAGENT, agent.c_str()) == CURLE_OK &&
               curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str()) == CURLE_OK &&
               curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size())) == CURLE_OK &&
               curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, KeepHead) == CURLE_OK &&
               curl_easy_setopt(c, CURLOPT_WRITEDATA, &head) == CURLE_OK;
    if (!set) return Status::Internal(o.name + ": cannot set up the request");
    LEAKMON_RETURN_IF_ERROR(PerformAlertCurl(c, o, errbuf));
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300) return Status::Ok();
    std::string detail = Printable(head);
    return Status::Unavailable(o.name + ": HTTP " + std::to_string(status) +
                               (detail.empty() ? "" : " (" + Ellipsize(detail, 120) + ")"));
  }

 private:
  std::string url_;  // may hold a token: never printed
};

}  // namespace

std::unique_ptr<AlertChannel> NewWebhookChannel(AlertOptions options, std::string url) {
  return std::make_unique<WebhookChannel>(std::move(options), std::move(url));
}

}  // namespace leakmon
