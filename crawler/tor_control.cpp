#include "crawler/tor_control.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "common/files.h"
#include "common/sha256.h"
#include "crawler/local_socket.h"

namespace leakmon {
namespace {

// Reads a control-spec QuotedString starting at s[0] == '"'. Returns the
// unescaped value and sets *consumed to the bytes used; nullopt if the
// closing quote is missing.
std::optional<std::string> Unquote(std::string_view s, std::size_t* consumed) {
  std::string out;
  for (std::size_t i = 1; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size()) {
      char e = s[++i];
      out.push_back(e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e);
    } else if (c == '"') {
      *consumed = i + 1;
      return out;
    } else {
      out.push_back(c);
    }
  }
  return std::nullopt;
}

// Splits `KEY=VALUE KEY="quoted value" WORD` into (key, value) pairs; a bare
// word has an empty value.
std::vector<std::pair<std::string, std::string>> Keywords(std::string_view s) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    if (i >= s.size()) break;
    std::size_t end = i;
    while (end < s.size() && s[end] != ' ' && s[end] != '=') ++end;
    std::string key(s.substr(i, end - i));
    std::string value;
    i = end;
    if (i < s.size() && s[i] == '=') {
      ++i;
      if (i < s.size() && s[i] == '"') {
        std::size_t used = 0;
        std::optional<std::string> q = Unquote(s.substr(i), &used);
        if (!q) break;
        value = std::move(*q);
        i += used;
      } else {
        std::size_t v_end = s.find(' ', i);
        if (v_end == std::string_view::npos) v_end = s.size();
        value = std::string(s.substr(i, v_end - i));
        i = v_end;
      }
    }
    out.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

std::string Find(const std::vector<std::pair<std::string, std::string>>& kv, std::string_view key) {
  for (const auto& [k, v] : kv) {
    if (k == key) return v;
  }
  return "";
}

}  // namespace

Result<std::unique_ptr<TorControl>> TorControl::Connect(const std::string& address, int timeout_ms) {
  Result<UniqueFd> fd = Status::Internal("unset");
  if (address.rfind("unix:", 0) == 0) {
    fd = ConnectUnix(address.substr(5), timeout_ms);
  } else {
    std::size_t colon = address.rfind(':');
    if (colon == std::string::npos) return Status::InvalidArgument("bad tor control address " + address);
    std::string host = address.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    int port = std::atoi(address.c_str() + colon + 1);
    if (port <= 0 || port > 65535) return Status::InvalidArgument("bad tor control address " + address);
    fd = ConnectTcp(host, port, timeout_ms);
  }
  if (!fd.ok()) {
    return Status::Unavailable("cannot reach tor's control port at " + address + ": " + fd.status().message());
  }
  return std::unique_ptr<TorControl>(new TorControl(std::move(*fd), address, timeout_ms));
}

Status TorControl::Send(const std::string& line) {
  Status s = SendAll(fd_.get(), line + "\r\n", timeout_ms_);
  if (!s.ok()) return Status::Unavailable("tor control port " + address_ + ": " + s.message());
  return Status::Ok();
}

Result<std::vector<std::string>> TorControl::ReadReply(int* code) {
  std::vector<std::string> lines;
  bool in_data = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms_);
  std::size_t total = 0;
  for (;;) {
    std::size_t eol = buffer_.find("\r\n");
    if (eol == std::string::npos) {
      if (buffer_.size() + total > kMaxControlReplyBytes) {
        return Status::IoError("tor control port " + address_ + ": reply too large");
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return Status::Unavailable("tor control port " + address_ + ": timed out");
      Result<std::size_t> n = ReceiveSome(fd_.get(), &buffer_, 4096, static_cast<int>(left.count()));
      if (!n.ok()) return Status::Unavailable("tor control port " + address_ + ": " + n.status().message());
      if (*n == 0) return Status::Unavailable("tor control port " + address_ + ": connection closed");
      continue;
    }
    std::string line = buffer_.substr(0, eol);
    buffer_.erase(0, eol + 2);
    total += line.size() + 2;
    if (total > kMaxControlReplyBytes) return Status::IoError("tor control port " + address_ + ": reply too large");
    if (in_data) {
      if (line == ".") {
        in_data = false;
      } else {
        if (!line.empty() && line[0] == '.') line.erase(0, 1);  // dot-stuffing
        lines.back() += "\n" + line;
      }
      continue;
    }
    if (line.size() < 4 || !std::isdigit(static_cast<unsigned char>(line[0]))) {
      return Status::IoError("tor control port " + address_ + ": malformed reply");
    }
    char sep = line[3];
    lines.push_back(line.substr(4));
    if (sep == '+') {
      in_data = true;
    } else if (sep == ' ') {
      *code = std::atoi(line.substr(0, 3).c_str());
      return lines;
    }
  }
}

Status TorControl::Command(const std::string& line) {
  LEAKMON_RETURN_IF_ERROR(Send(line));
  int code = 0;
  LEAKMON_ASSIGN_OR_RETURN(std::vector<std::string> reply, ReadReply(&code));
  if (code != 250) {
    std::string verb = line.substr(0, line.find(' '));
    return Status::IoError("tor control port " + address_ + ": " + verb + " failed: " + std::to_string(code) + " " +
                           (reply.empty() ? "" : reply.back()));
  }
  return Status::Ok();
}

Status TorControl::Authenticate(const std::string& cookie_file) {
  LEAKMON_RETURN_IF_ERROR(Send("PROTOCOLINFO 1"));
  int code = 0;
  LEAKMON_ASSIGN_OR_RETURN(std::vector<std::string> reply, ReadReply(&code));
  if (code != 250) return Status::IoError("tor control port " + address_ + ": PROTOCOLINFO failed");
  std::string methods, cookie_path;
  for (const std::string& line : reply) {
    if (line.rfind("AUTH ", 0) != 0) continue;
    auto kv = Keywords(std::string_view(line).substr(5));
    methods = "," + Find(kv, "METHODS") + ",";
    cookie_path = Find(kv, "COOKIEFILE");
  }
  if (!cookie_file.empty()) cookie_path = cookie_file;
  if (methods.find(",NULL,") != std::string::npos) return Command("AUTHENTICATE");
  if (methods.find(",COOKIE,") != std::string::npos) {
    if (cookie_path.empty()) return Status::IoError("tor control port " + address_ + ": no cookie file named");
    Result<std::string> cookie = ReadFileBounded(cookie_path, 1024);
    if (!cookie.ok()) {
      return Status::IoError("cannot read tor's control cookie " + cookie_path + ": " + cookie.status().message());
    }
    if (cookie->size() != 32) return Status::IoError("tor's control cookie " + cookie_path + " is not 32 bytes");
    return Command("AUTHENTICATE " + HexEncode(reinterpret_cast<const std::uint8_t*>(cookie->data()), 32));
  }
  return Status::Unavailable("tor control port " + address_ + " accepts only " +
                             methods.substr(1, methods.size() > 2 ? methods.size() - 2 : 0) +
                             " authentication; leakmon supports none (NULL) or cookie "
                             "(CookieAuthentication 1)");
}

Result<std::string> TorControl::GetInfo(const std::string& key) {
  LEAKMON_RETURN_IF_ERROR(Send("GETINFO " + key));
  int code = 0;
  LEAKMON_ASSIGN_OR_RETURN(std::vector<std::string> reply, ReadReply(&code));
  if (code != 250) {
    return Status::IoError("tor control port " + address_ + ": GETINFO " + key + " failed: " +
                           (reply.empty() ? "" : reply.back()));
  }
  const std::string prefix = key + "=";
  for (const std::string& line : reply) {
    if (line.rfind(prefix, 0) != 0) continue;
    std::string_view value = std::string_view(line).substr(prefix.size());
    if (!value.empty() && value[0] == '\n') value.remove_prefix(1);  // data reply
    if (!value.empty() && value[0] == '"') {
      std::size_t used = 0;
      if (std::optional<std::string> q = Unquote(value, &used)) return *q;
    }
    return std::string(value);
  }
  return Status::IoError("tor control port " + address_ + ": GETINFO " + key + ": no value in reply");
}

Result<BootstrapPhase> ParseBootstrapPhase(std::string_view value) {
  auto kv = Keywords(value);
  bool is_bootstrap = false;
  for (const auto& [k, v] : kv) is_bootstrap |= (k == "BOOTSTRAP" && v.empty());
  std::string progress = Find(kv, "PROGRESS");
  if (!is_bootstrap || progress.empty() || progress.size() > 3 ||
      progress.find_first_not_of("0123456789") != std::string::npos) {
    return Status::IoError("unexpected bootstrap status from tor: " + std::string(value.substr(0, 200)));
  }
  BootstrapPhase p;
  p.progress = std::min(100, std::atoi(progress.c_str()));
  p.tag = Find(kv, "TAG");
  p.summary = Find(kv, "SUMMARY");
  p.warning = Find(kv, "WARNING");
  return p;
}

Status WaitForBootstrap(TorControl& control, std::int64_t timeout_ms, int poll_ms,
                        const std::function<void(const BootstrapPhase&)>& on_progress) {
  auto start = std::chrono::steady_clock::now();
  auto deadline = start + std::chrono::milliseconds(timeout_ms);
  BootstrapPhase last;
  int reported = -1;
  bool first = true;
  for (;;) {
    LEAKMON_ASSIGN_OR_RETURN(std::string value, control.GetInfo("status/bootstrap-phase"));
    LEAKMON_ASSIGN_OR_RETURN(last, ParseBootstrapPhase(value));
    if (on_progress && (last.progress != reported || first)) on_progress(last);
    reported = last.progress;
    first = false;
    if (last.progress >= 100) return Status::Ok();
    if (std::chrono::steady_clock::now() + std::chrono::milliseconds(poll_ms) > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(poll_ms));
  }
  std::string message = "tor has not finished bootstrapping within " + std::to_string((timeout_ms + 999) / 1000) +
                        " s: stuck at " + std::to_string(last.progress) + "% (" + last.summary + ")";
  // WARNING is prose when tor has something to say, else a bare keyword.
  if (last.warning.find(' ') != std::string::npos) message += ", tor reports: " + last.warning;
  message += ". Is the network reachable? Without a bootstrapped tor nothing can be crawled";
  return Status::Unavailable(message);
}

}  // namespace leakmon
