#include "report/alert_channel.h"

#include <cstdlib>
#include <set>
#include <sys/stat.h>

#include "common/files.h"
#include "common/url.h"
#include "report/alert_channels_impl.h"

namespace leakmon {
namespace {

constexpr std::size_t kMaxSecretBytes = 4096;

class Checker {
 public:
  Checker(const Config& c, std::size_t index) : file_(c.path), prefix_("alert[" + std::to_string(index) + "]") {}
  Status Bad(const std::string& key, const std::string& what) const {
    return Status::InvalidArgument(file_ + ": " + prefix_ + "." + key + ": " + what);
  }

 private:
  std::string file_;
  std::string prefix_;
};

// A secret from `file` (trailing newline removed; refused when group or
// others may read it) or from the environment variable `env`. Exactly one of
// the two may be set; `required` says whether none is an error.
Result<std::string> ReadSecret(const Checker& ck, const std::string& file_key, const std::string& file,
                               const std::string& env_key, const std::string& env, bool required) {
  if (!file.empty() && !env.empty()) return ck.Bad(file_key, "set " + file_key + " or " + env_key + ", not both");
  if (!file.empty()) {
    struct stat st;
    if (::stat(file.c_str(), &st) != 0) return ck.Bad(file_key, file + ": cannot read the file");
    if ((st.st_mode & 077) != 0) {
      return ck.Bad(file_key, file + " can be read by group or others; run: chmod 600 " + file);
    }
    Result<std::string> text = ReadFileBounded(file, kMaxSecretBytes);
    if (!text.ok()) return ck.Bad(file_key, text.status().message());
    std::string s = *text;
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    if (s.empty()) return ck.Bad(file_key, file + " is empty");
    return s;
  }
  if (!env.empty()) {
    const char* v = std::getenv(env.c_str());
    if (v == nullptr || *v == '\0') return ck.Bad(env_key, "environment variable " + env + " is not set");
    return std::string(v);
  }
  if (required) return ck.Bad(file_key, "required (or " + env_key + ")");
  return std::string();
}

Status CheckProxy(const Checker& ck, const std::string& proxy) {
  if (proxy.empty()) return Status::Ok();
  Result<UrlParts> u = ParseUrl(proxy);
  static const std::set<std::string> kSchemes = {"http", "https", "socks5", "socks5h", "socks4", "socks4a"};
  if (!u.ok() || kSchemes.count(u->scheme) == 0 || u->host.empty()) {
    return ck.Bad("proxy", "expected http://, https:// or socks5h:// host:port");
  }
  return Status::Ok();
}

Result<std::unique_ptr<AlertChannel>> MakeWebhook(const Checker& ck, const AlertOptions& o) {
  static const std::set<std::string> kStyles = {"generic", "slack", "teams"};
  if (kStyles.count(o.style) == 0) return ck.Bad("style", "must be generic, slack or teams");
  int sources = !o.url.empty() + !o.url_file.empty() + !o.url_env.empty();
  if (sources != 1) return ck.Bad("url", "set exactly one of url, url_file, url_env");
  std::string url = o.url;
  if (url.empty()) {
    LEAKMON_ASSIGN_OR_RETURN(url, ReadSecret(ck, "url_file", o.url_file, "url_env", o.url_env, true));
  }
  Result<UrlParts> u = ParseUrl(url);
  if (!u.ok() || (u->scheme != "http" && u->scheme != "https") || u->host.empty()) {
    return ck.Bad("url", "expected an http:// or https:// URL");  // the URL itself may hold a token
  }
  return NewWebhookChannel(o, std::move(url));
}

Result<std::unique_ptr<AlertChannel>> MakeEmail(const Checker& ck, const AlertOptions& o) {
  Result<UrlParts> u = ParseUrl(o.smtp_url);
  if (!u.ok() || (u->scheme != "smtp" && u->scheme != "smtps") || u->host.empty()) {
    return ck.Bad("smtp_url", "expected smtp://host:port (STARTTLS) or smtps://host:port");
  }
  std::string authority = o.smtp_url.substr(o.smtp_url.find("://") + 3);
  authority = authority.substr(0, authority.find('/'));
  if (authority.find('@') != std::string::npos) {
    return ck.Bad("smtp_url", "must not hold credentials; use username and password_file or password_env");
  }
  if (o.tls != "starttls" && o.tls != "smtps" && o.tls != "none") {
    return ck.Bad("tls", "must be starttls, smtps or none");
  }
  if ((o.tls == "smtps") != (u->scheme == "smtps")) {
    return ck.Bad("tls", "tls = \"smtps\" goes with an smtps:// URL, starttls and none with smtp://");
  }
  if (o.from.empty()) return ck.Bad("from", "required");
  if (o.to.empty()) return ck.Bad("to", "needs at least one address");
  for (const std::string& addr : o.to) {
    if (addr.find('@') == std::string::npos || addr.find_first_of("\r\n") != std::string::npos) {
      return ck.Bad("to", "\"" + addr + "\" is not an email address");
    }
  }
  if (o.username.empty() && (!o.password_file.empty() || !o.password_env.empty())) {
    return ck.Bad("username", "required when a password is given");
  }
  LEAKMON_ASSIGN_OR_RETURN(std::string password, ReadSecret(ck, "password_file", o.password_file, "password_env",
                                                            o.password_env, !o.username.empty()));
  return NewEmailChannel(o, std::move(password));
}

Result<std::unique_ptr<AlertChannel>> MakeCommand(const Checker& ck, const AlertOptions& o) {
  if (o.command.empty() || o.command[0].empty()) return ck.Bad("command", "needs the program to run");
  return NewCommandChannel(o);
}

}  // namespace

Result<std::vector<std::unique_ptr<AlertChannel>>> MakeAlertChannels(const Config& config) {
  std::vector<std::unique_ptr<AlertChannel>> out;
  std::set<std::string> names;
  for (std::size_t i = 0; i < config.alerts.size(); ++i) {
    const AlertOptions& o = config.alerts[i];
    Checker ck(config, i);
    if (o.name.empty()) return ck.Bad("name", "must not be empty");
    if (!names.insert(o.name).second) return ck.Bad("name", "duplicate alert name \"" + o.name + "\"");
    if (!IsSeverityName(o.min_severity)) return ck.Bad("min_severity", "must be low, high or critical");
    if (o.retry_max_seconds < o.retry_initial_seconds) {
      return ck.Bad("retry_max_seconds", "must not be less than retry_initial_seconds");
    }
    LEAKMON_RETURN_IF_ERROR(CheckProxy(ck, o.proxy));
    Result<std::unique_ptr<AlertChannel>> ch = Status::Internal("unset");
    if (o.type == "webhook") {
      ch = MakeWebhook(ck, o);
    } else if (o.type == "email") {
      ch = MakeEmail(ck, o);
    } else if (o.type == "command") {
      ch = MakeCommand(ck, o);
    } else {
      return ck.Bad("type", "must be webhook, email or command");
    }
    if (!ch.ok()) return ch.status();
    out.push_back(std::move(*ch));
  }
  return out;
}

}  // namespace leakmon
