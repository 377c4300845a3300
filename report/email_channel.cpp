// email: one SMTP transaction per message through libcurl.
#include <cstring>

#include "report/alert_channels_impl.h"
#include "report/alert_curl.h"

namespace leakmon {
namespace {

struct Reader {
  const std::string* data;
  std::size_t pos = 0;
};

size_t ReadMessage(char* buf, size_t size, size_t nmemb, void* user) {
  auto* r = static_cast<Reader*>(user);
  size_t n = std::min(size * nmemb, r->data->size() - r->pos);
  std::memcpy(buf, r->data->data() + r->pos, n);
  r->pos += n;
  return n;
}

// The bare address of "Name <addr>" or "addr".
std::string Address(const std::string& s) {
  std::size_t lt = s.rfind('<');
  std::size_t gt = s.rfind('>');
  if (lt != std::string::npos && gt != std::string::npos && gt > lt) return s.substr(lt + 1, gt - lt - 1);
  return s;
}

class EmailChannel : public AlertChannel {
 public:
  EmailChannel(AlertOptions options, std::string password)
      : AlertChannel(std::move(options)), password_(std::move(password)) {}

  Status Send(const AlertNotice& notice) override {
    const AlertOptions& o = options();
    std::string message = EmailMessage(notice, o.from, o.to);
    char errbuf[CURL_ERROR_SIZE];
    LEAKMON_ASSIGN_OR_RETURN(CurlEasy easy, NewAlertCurl(o, "smtp,smtps", errbuf));
    CURL* c = easy.get();
    CurlSlist rcpt;
    for (const std::string& to : o.to) {
      if (!SlistAppend(rcpt, "<" + Address(to) + ">")) return Status::Internal(o.name + ": out of memory");
    }
    Reader reader{&message};
    const std::string from = "<" + Address(o.from) + ">";
    long use_ssl = o.tls == "none" ? static_cast<long>(CURLUSESSL_NONE) : static_cast<long>(CURLUSESSL_ALL);
    bool set = curl_easy_setopt(c, CURLOPT_URL, o.smtp_url.c_str()) == CURLE_OK &&
               curl_easy_setopt(c, CURLOPT_USE_SSL, use_ssl) == CURLE_OK &&
               curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str()) == CURLE_OK &&
               curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get()) == CURLE_OK &&
               curl_easy_setopt(c, CURLOPT_UPLOAD, 1L) == CURLE_OK &&
               curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadMessage) == CURLE_OK &&
               curl_easy_setopt(c, CURLOPT_READDATA, &reader) == CURLE_OK &&
               curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size())) == CURLE_OK;
    if (set && !o.proxy.empty() && o.proxy.rfind("http", 0) == 0) {
      set = curl_easy_setopt(c, CURLOPT_HTTPPROXYTUNNEL, 1L) == CURLE_OK;
    }
    if (set && !o.username.empty()) {
      set = curl_easy_setopt(c, CURLOPT_USERNAME, o.username.c_str()) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_PASSWORD, password_.c_str()) == CURLE_OK;
    }
    if (!set) return Status::Internal(o.name + ": cannot set up the SMTP transfer");
    return PerformAlertCurl(c, o, errbuf);
  }

 private:
  std::string password_;  // never printed
};

}  // namespace

std::unique_ptr<AlertChannel> NewEmailChannel(AlertOptions options, std::string password) {
  return std::make_unique<EmailChannel>(std::move(options), std::move(password));
}

}  // namespace leakmon
