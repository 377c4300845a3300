#include "crawler/curl_fetcher.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <curl/curl.h>
#include <map>
#include <optional>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unordered_map>

#include "common/unique_fd.h"
#include "crawler/body_decoder.h"
#include "crawler/fetch_error.h"

namespace leakmon {
namespace {

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct MultiDeleter {
  void operator()(CURLM* m) const { curl_multi_cleanup(m); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using EasyPtr = std::unique_ptr<CURL, EasyDeleter>;
using MultiPtr = std::unique_ptr<CURLM, MultiDeleter>;
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

// The memory budget shared by all transfers (see curl_fetcher.h).
struct Budget {
  std::int64_t share = 0;  // bytes a transfer may hold without a large slot
  int slots = 1;           // large slots
  int slots_in_use = 0;
  std::int64_t buffered = 0;
  std::int64_t peak = 0;
};

// Decoded bytes a transfer adds to its body per step, between budget checks.
constexpr std::size_t kDecodeStep = 16 * 1024;

// One transfer's state; the callbacks get it as their user pointer.
struct Transfer {
  std::uint64_t tag = 0;
  EasyPtr easy;
  SlistPtr headers;
  std::string url;
  std::string body;  // decoded
  std::int64_t cap = 0;
  Budget* budget = nullptr;
  std::unique_ptr<BodyDecoder> decoder;  // from the response's Content-Encoding, at its first body bytes
  bool blocked = false;  // waiting for a large slot to decode `pending` (and the decoder's own output)
  std::string pending;   // received bytes not yet decoded
  bool large = false;    // holds a large slot
  bool paused = false;  // libcurl holds (at most one read of) received bytes for it
  bool ever_paused = false;  // its easy handle is not reused (pause state stays in the handle)
  bool finished = false;  // libcurl is done; `result` is its outcome, `pending` still to decode
  CURLcode result = CURLE_OK;
  bool over_cap = false;
  bool wire_over_cap = false;
  bool out_of_memory = false;
  std::string content_error;  // the body could not be decoded
  char errbuf[CURL_ERROR_SIZE] = {};
};

enum class Fed { kAll, kBlocked, kFailed };

// Decodes `*in` into the body, step by step: each step may grow the body
// by kDecodeStep, within the cap; past the budget's share a step needs a
// large slot, and without one the rest of `*in` stays undecoded (kBlocked).
// No exception leaves this function.
Fed Feed(Transfer* t, std::string_view* in) {
  Budget& b = *t->budget;
  try {
    bool more = true;  // the decoder may hold output after a full step
    while (!in->empty() || more) {
      const auto size = static_cast<std::int64_t>(t->body.size());
      if (!t->large && size + static_cast<std::int64_t>(kDecodeStep) > b.share) {
        if (b.slots_in_use >= b.slots) return Fed::kBlocked;
        t->large = true;
        ++b.slots_in_use;
      }
      if (t->body.empty() && t->body.capacity() == 0) {
        // Size the body once from Content-Length (the wire size: exact for
        // an identity encoding, a start for a compressed one), within the
        // cap and what the transfer may hold: a claimed length is the
        // page's word, not a reason to allocate.
        curl_off_t length = -1;
        if (curl_easy_getinfo(t->easy.get(), CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length) == CURLE_OK && length > 0) {
          const std::int64_t allowed = t->large ? t->cap : std::min(t->cap, b.share);
          t->body.reserve(static_cast<std::size_t>(std::min<std::int64_t>(length, allowed)));
        }
      }
      // One byte more than the cap allows shows that the body is over it.
      const std::size_t room = static_cast<std::size_t>(std::max<std::int64_t>(0, t->cap - size)) + 1;
      const std::size_t before = in->size();
      const std::size_t step = std::min(kDecodeStep, room);
      Result<std::size_t> made = t->decoder->Decode(in, &t->body, step);
      if (!made.ok()) {
        t->content_error = made.status().message();
        return Fed::kFailed;
      }
      b.buffered += static_cast<std::int64_t>(*made);
      b.peak = std::max(b.peak, b.buffered);
      if (static_cast<std::int64_t>(t->body.size()) > t->cap) {
        t->over_cap = true;
        return Fed::kFailed;
      }
      more = *made == step;
      if (*made == 0 && in->size() == before && !in->empty()) {
        t->content_error = "the body decoder made no progress";
        return Fed::kFailed;
      }
    }
  } catch (...) {
    t->out_of_memory = true;
    return Fed::kFailed;
  }
  return Fed::kAll;
}

// libcurl write callback, given the body as received (libcurl's content
// decoding is off). Returning fewer bytes than given aborts the transfer
// (CURLE_WRITE_ERROR); CURL_WRITEFUNC_PAUSE keeps these bytes in libcurl,
// which then reads no more until the transfer is unpaused. No exception may
// leave this function.
extern "C" size_t WriteBody(char* data, size_t size, size_t nmemb, void* userp) {
  auto* t = static_cast<Transfer*>(userp);
  const std::size_t n = size * nmemb;
  if (t->over_cap || t->out_of_memory || !t->content_error.empty()) return 0;
  if (t->blocked) {
    t->paused = true;  // still waiting for a slot to decode earlier bytes
    t->ever_paused = true;
    return CURL_WRITEFUNC_PAUSE;
  }
  try {
    if (!t->decoder) {
      curl_header* h = nullptr;
      const char* coding = curl_easy_header(t->easy.get(), "Content-Encoding", 0, CURLH_HEADER, -1, &h) == CURLHE_OK &&
                                   h && h->value
                               ? h->value
                               : "";
      Result<std::unique_ptr<BodyDecoder>> d = BodyDecoder::Create(coding);
      if (!d.ok()) {
        t->content_error = d.status().message();
        return 0;
      }
      t->decoder = std::move(*d);
    }
    std::string_view in(data, n);
    switch (Feed(t, &in)) {
      case Fed::kFailed: return 0;
      case Fed::kBlocked:
        t->blocked = true;
        t->pending.assign(in);  // at most this one read
        break;
      case Fed::kAll: break;
    }
  } catch (...) {
    t->out_of_memory = true;
    return 0;
  }
  return n;
}

// libcurl progress callback: `dlnow` counts bytes received before decoding.
extern "C" int CheckReceived(void* userp, curl_off_t, curl_off_t dlnow, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(userp);
  if (dlnow > t->cap) {
    t->wire_over_cap = true;
    return 1;  // abort: CURLE_ABORTED_BY_CALLBACK
  }
  return 0;
}

Status Check(CURLcode rc, const char* what) {
  if (rc == CURLE_OK) return Status::Ok();
  return Status::Internal(std::string("libcurl refused ") + what + ": " + curl_easy_strerror(rc));
}

#define LEAKMON_SETOPT(c, opt, value) LEAKMON_RETURN_IF_ERROR(Check(curl_easy_setopt(c, opt, value), #opt))

// The settings every transfer shares, applied once to a template handle
// that each transfer duplicates. A failure here means a request could leave
// the proxy or escape a bound: refuse to crawl.
Status ApplyBaseOptions(CURL* c, const CurlFetcherOptions& o) {
  LEAKMON_SETOPT(c, CURLOPT_PROXY, o.proxy.c_str());
  LEAKMON_SETOPT(c, CURLOPT_NOPROXY, "");
  LEAKMON_SETOPT(c, CURLOPT_PROTOCOLS_STR, "http,https");
  LEAKMON_SETOPT(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  LEAKMON_SETOPT(c, CURLOPT_FOLLOWLOCATION, 0L);
  LEAKMON_SETOPT(c, CURLOPT_USERAGENT, o.user_agent.c_str());
  LEAKMON_SETOPT(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(o.connect_timeout_seconds));
  LEAKMON_SETOPT(c, CURLOPT_TIMEOUT, static_cast<long>(o.request_timeout_seconds));
  LEAKMON_SETOPT(c, CURLOPT_LOW_SPEED_LIMIT, static_cast<long>(o.low_speed_bytes_per_second));
  LEAKMON_SETOPT(c, CURLOPT_LOW_SPEED_TIME, static_cast<long>(o.low_speed_seconds));
  LEAKMON_SETOPT(c, CURLOPT_ACCEPT_ENCODING, "gzip, deflate, br");
  LEAKMON_SETOPT(c, CURLOPT_HTTP_CONTENT_DECODING, 0L);  // decoded in WriteBody, step by step (body_decoder.h)
  LEAKMON_SETOPT(c, CURLOPT_NOSIGNAL, 1L);
  LEAKMON_SETOPT(c, CURLOPT_WRITEFUNCTION, WriteBody);
  LEAKMON_SETOPT(c, CURLOPT_XFERINFOFUNCTION, CheckReceived);
  LEAKMON_SETOPT(c, CURLOPT_NOPROGRESS, 0L);
  // No cookies are enabled (no CURLOPT_COOKIEFILE); no .netrc credentials.
  LEAKMON_SETOPT(c, CURLOPT_NETRC, static_cast<long>(CURL_NETRC_IGNORED));
  return Status::Ok();
}

// What this request adds to the template: URL, credentials, headers and
// the transfer's own state for the callbacks.
Status ApplyRequestOptions(Transfer* t, const FetchRequest& r) {
  CURL* c = t->easy.get();
  LEAKMON_SETOPT(c, CURLOPT_URL, r.url.c_str());
  const char* user = r.socks_username.empty() ? nullptr : r.socks_username.c_str();
  const char* pass = r.socks_username.empty() ? nullptr : r.socks_password.c_str();
  LEAKMON_SETOPT(c, CURLOPT_PROXYUSERNAME, user);
  LEAKMON_SETOPT(c, CURLOPT_PROXYPASSWORD, pass);
  // Tor Browser's request headers, so that requests blend in.
  std::vector<std::string> lines = {
      "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
      "Accept-Language: en-US,en;q=0.5"};
  if (!r.etag.empty()) lines.push_back("If-None-Match: " + r.etag);
  if (!r.last_modified.empty()) lines.push_back("If-Modified-Since: " + r.last_modified);
  for (const std::string& line : lines) {
    if (line.find_first_of("\r\n") != std::string::npos) return Status::InvalidArgument("header with a line break");
    curl_slist* next = curl_slist_append(t->headers.get(), line.c_str());
    if (!next) return Status::Internal("out of memory for request headers");
    if (!t->headers) t->headers.reset(next);
  }
  LEAKMON_SETOPT(c, CURLOPT_HTTPHEADER, t->headers.get());
  LEAKMON_SETOPT(c, CURLOPT_WRITEDATA, t);
  LEAKMON_SETOPT(c, CURLOPT_XFERINFODATA, t);
  LEAKMON_SETOPT(c, CURLOPT_PRIVATE, t);
  LEAKMON_SETOPT(c, CURLOPT_ERRORBUFFER, t->errbuf);
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

std::string Header(CURL* c, const char* name) {
  curl_header* h = nullptr;
  if (curl_easy_header(c, name, 0, CURLH_HEADER, -1, &h) != CURLHE_OK || !h || !h->value) return "";
  std::string v = h->value;
  return v.size() > 512 || v.find_first_of("\r\n") != std::string::npos ? "" : v;
}

// Fills `r` from a finished transfer.
void Finish(Transfer& t, CURLcode rc, FetchResponse* r) {
  CURL* c = t.easy.get();
  r->url = t.url;
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  r->http_status = status;
  char* ct = nullptr;
  if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct) r->content_type = Lower(ct);
  curl_off_t wire = 0;
  if (curl_easy_getinfo(c, CURLINFO_SIZE_DOWNLOAD_T, &wire) == CURLE_OK) r->wire_bytes = wire;

  if (rc != CURLE_OK) {
    // `message` is for classification only: curl's error buffer can quote
    // what the server sent (a host name, a header), and r->error is stored
    // and printed, so it gets curl's fixed text or leakmon's own.
    const std::string message = t.errbuf[0] ? t.errbuf : curl_easy_strerror(rc);
    std::string detail = curl_easy_strerror(rc);
    switch (rc) {
      case CURLE_COULDNT_CONNECT:
      case CURLE_COULDNT_RESOLVE_PROXY: r->error_kind = "proxy_unreachable"; break;
      case CURLE_PROXY: {
        long px = CURLPX_OK;
        curl_easy_getinfo(c, CURLINFO_PROXY_ERROR, &px);
        r->error_kind = ProxyErrorKind(px, message);
        if (const ErrorKind* kind = FindErrorKind(r->error_kind)) detail = std::string(kind->description);
        break;
      }
      case CURLE_OPERATION_TIMEDOUT:
        r->error_kind = message.rfind("Operation too slow", 0) == 0 ? "too_slow" : "timeout";
        break;
      case CURLE_UNSUPPORTED_PROTOCOL: r->error_kind = "protocol"; break;
      case CURLE_BAD_CONTENT_ENCODING: r->error_kind = "content"; break;
      case CURLE_PEER_FAILED_VERIFICATION:
      case CURLE_SSL_CONNECT_ERROR:
      case CURLE_SSL_CERTPROBLEM:
      case CURLE_SSL_CIPHER:
      case CURLE_SSL_CACERT_BADFILE: r->error_kind = "tls"; break;
      case CURLE_WRITE_ERROR:
      case CURLE_ABORTED_BY_CALLBACK:
        if (t.over_cap || t.wire_over_cap) {
          r->error_kind = "too_large";
          detail = std::string(t.over_cap ? "decoded" : "received") + " body larger than " + std::to_string(t.cap) +
                   " bytes";
        } else if (!t.content_error.empty()) {
          r->error_kind = "content";
          detail = t.content_error;
        } else {
          r->error_kind = "transfer";
          detail = t.out_of_memory ? "out of memory" : detail;
        }
        break;
      default: r->error_kind = "transfer"; break;
    }
    r->error = detail;
    return;
  }
  r->etag = Header(c, "ETag");
  r->last_modified = Header(c, "Last-Modified");
  if (status >= 200 && status <= 299) {
    r->body = std::move(t.body);
    return;
  }
  if (status == 304) return;
  if (status >= 300 && status <= 399) {
    char* location = nullptr;
    if (curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location) {
      r->location = location;
      return;
    }
  }
  r->error_kind = "http";
  r->error = "HTTP " + std::to_string(status);
}

std::int64_t MonotonicMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// What libcurl wants to be woken for, kept by its callbacks: the sockets
// to watch (in an epoll set) and when to call it back without socket
// activity. Outlives the multi handle, whose cleanup may still call back.
//
// A kept-alive connection is watched for one transfer, left alone while
// idle, then watched again with the same events for the next: so a socket
// libcurl stops watching stays in the epoll set with its events (an idle
// connection has none to report), and watching it again with the same
// events costs no system call. A socket that reports events while libcurl
// does not watch it (the server closed an idle connection) leaves the set
// then. Every socket libcurl opens comes through OpenSocket, which forgets
// what was known of an earlier socket with the same number (closing a
// socket takes it out of the epoll set).
struct Watch {
  struct Socket {
    std::uint32_t events = 0;  // as registered in the epoll set
    bool watched = false;      // libcurl waits for `events`
  };
  UniqueFd epoll;
  std::unordered_map<curl_socket_t, Socket> sockets;  // those in the epoll set
  std::int64_t timer_at_ms = -1;  // monotonic; -1: no timer
};

// CURLMOPT_SOCKETFUNCTION: keeps the epoll set in step with what libcurl
// waits for on socket `s`.
extern "C" int OnSocket(CURL*, curl_socket_t s, int what, void* userp, void*) {
  auto* w = static_cast<Watch*>(userp);
  auto it = w->sockets.find(s);
  if (what == CURL_POLL_REMOVE) {
    if (it != w->sockets.end()) it->second.watched = false;
    return 0;
  }
  const std::uint32_t events = ((what & CURL_POLL_IN) ? EPOLLIN : 0u) | ((what & CURL_POLL_OUT) ? EPOLLOUT : 0u);
  if (it != w->sockets.end() && it->second.events == events) {
    it->second.watched = true;
    return 0;
  }
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = s;
  const int op = it != w->sockets.end() ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
  if (::epoll_ctl(w->epoll.get(), op, s, &ev) != 0) {
    // Not expected (OpenSocket keeps `sockets` in step); try the other way.
    ::epoll_ctl(w->epoll.get(), op == EPOLL_CTL_MOD ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, s, &ev);
  }
  w->sockets[s] = {events, true};
  return 0;
}

// CURLOPT_OPENSOCKETFUNCTION: opens libcurl's socket (to the proxy), and
// forgets an earlier socket with the same number.
extern "C" curl_socket_t OpenSocket(void* userp, curlsocktype, curl_sockaddr* address) {
  const curl_socket_t s = ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  if (s != CURL_SOCKET_BAD) static_cast<Watch*>(userp)->sockets.erase(s);
  return s;
}

// CURLMOPT_TIMERFUNCTION: when libcurl wants CURL_SOCKET_TIMEOUT.
extern "C" int OnTimer(CURLM*, long timeout_ms, void* userp) {
  static_cast<Watch*>(userp)->timer_at_ms = timeout_ms < 0 ? -1 : MonotonicMs() + timeout_ms;
  return 0;
}

}  // namespace

// Transfers run with curl_multi_socket_action: libcurl is called for the
// sockets that are ready and for its timers only, not for every transfer
// on every wake-up (curl_multi_perform polls each transfer's socket).
struct CurlFetcher::Impl {
  CurlFetcherOptions options;
  Watch watch;  // before `multi`: destroyed after it
  MultiPtr multi;
  EasyPtr base;  // the template every transfer duplicates
  // Easy handles of transfers that ended cleanly, for the next transfers
  // (a new one is a duplicate of `base`): a handle keeps the template's
  // settings, and every request sets all of its own (ApplyRequestOptions),
  // so only libcurl's buffers carry over. Connections are the multi
  // handle's, whichever easy handle used them.
  std::vector<EasyPtr> idle;
  Budget budget;
  std::map<std::uint64_t, std::unique_ptr<Transfer>> transfers;
  std::vector<FetchDone> failed_to_start;  // returned by the next Wait()

  void Release(Transfer& t) {
    budget.buffered -= static_cast<std::int64_t>(t.body.size());
    if (t.large) --budget.slots_in_use;
    t.large = false;
  }

  // Decodes what transfers left pending for want of a large slot, oldest
  // first, while slots are free; then unpauses them, or completes them into
  // `done` when libcurl had already finished.
  void ResumeBlocked(std::vector<FetchDone>* done) {
    std::vector<std::uint64_t> completed;
    for (auto& [tag, t] : transfers) {
      if (!t->blocked) continue;
      std::string_view in(t->pending);
      const Fed fed = Feed(t.get(), &in);
      if (fed == Fed::kBlocked) break;  // no slot free: nothing was decoded
      t->blocked = false;
      std::string().swap(t->pending);
      if (t->finished || fed == Fed::kFailed) {
        completed.push_back(tag);  // a failure ends the transfer here: libcurl would not end it on unpausing
      } else if (t->paused) {
        t->paused = false;
        curl_easy_pause(t->easy.get(), CURLPAUSE_CONT);  // libcurl gives WriteBody the bytes it held
      }
    }
    for (std::uint64_t tag : completed) Complete(tag, done);
  }

  // Reports the transfer `tag` into `done` and forgets it.
  void Complete(std::uint64_t tag, std::vector<FetchDone>* done) {
    auto it = transfers.find(tag);
    Transfer& t = *it->second;
    FetchDone d;
    d.tag = tag;
    Release(t);
    // The body's own failure counts, whatever libcurl made of it.
    if (t.over_cap || t.out_of_memory || !t.content_error.empty()) t.result = CURLE_WRITE_ERROR;
    Finish(t, t.result, &d.response);
    if (!t.finished) curl_multi_remove_handle(multi.get(), t.easy.get());
    if (!t.ever_paused) Park(std::move(t.easy));
    transfers.erase(it);
    done->push_back(std::move(d));
  }

  // A new or reused easy handle for a transfer.
  EasyPtr Take() {
    if (idle.empty()) return EasyPtr(curl_easy_duphandle(base.get()));
    EasyPtr easy = std::move(idle.back());
    idle.pop_back();
    return easy;
  }

  // Keeps the handle of a finished transfer (out of the multi handle) for
  // reuse, without pointers into the transfer.
  void Park(EasyPtr easy) {
    if (!easy || idle.size() >= static_cast<std::size_t>(std::max<std::int64_t>(1, options.max_transfers))) return;
    CURL* c = easy.get();
    if (curl_easy_setopt(c, CURLOPT_HTTPHEADER, nullptr) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_WRITEDATA, nullptr) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_XFERINFODATA, nullptr) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_PRIVATE, nullptr) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr) != CURLE_OK) {
      return;
    }
    idle.push_back(std::move(easy));
  }

  // Calls libcurl for `fd` (ready for `events`), or for its timers when
  // `fd` is CURL_SOCKET_TIMEOUT.
  void Drive(curl_socket_t fd, int events) {
    int running = 0;
    if (fd == CURL_SOCKET_TIMEOUT) watch.timer_at_ms = -1;  // OnTimer may set the next one
    curl_multi_socket_action(multi.get(), fd, events, &running);
  }

  void DriveTimerIfDue() {
    if (watch.timer_at_ms >= 0 && MonotonicMs() >= watch.timer_at_ms) Drive(CURL_SOCKET_TIMEOUT, 0);
  }

  // Waits up to `timeout_ms` (less if a libcurl timer is due sooner) for
  // ready sockets and drives libcurl for each.
  void WaitAndDrive(int timeout_ms) {
    int wait = std::max(0, timeout_ms);
    if (watch.timer_at_ms >= 0) {
      wait = static_cast<int>(std::clamp<std::int64_t>(watch.timer_at_ms - MonotonicMs(), 0, wait));
    }
    epoll_event events[64];
    const int n = ::epoll_wait(watch.epoll.get(), events, 64, wait);
    for (int i = 0; i < n; ++i) {
      const std::uint32_t e = events[i].events;
      auto it = watch.sockets.find(events[i].data.fd);
      if (it == watch.sockets.end() || !it->second.watched) {
        ::epoll_ctl(watch.epoll.get(), EPOLL_CTL_DEL, events[i].data.fd, nullptr);
        if (it != watch.sockets.end()) watch.sockets.erase(it);
        continue;
      }
      Drive(events[i].data.fd, ((e & (EPOLLIN | EPOLLHUP | EPOLLERR)) ? CURL_CSELECT_IN : 0) |
                                   ((e & EPOLLOUT) ? CURL_CSELECT_OUT : 0) | ((e & EPOLLERR) ? CURL_CSELECT_ERR : 0));
    }
    DriveTimerIfDue();
  }

  void Collect(std::vector<FetchDone>* done) {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi.get(), &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      Transfer* t = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
      t->result = msg->data.result;
      if (t->result == CURLE_OK && t->blocked) {
        // Received in full, not yet decoded: done when a slot frees.
        curl_multi_remove_handle(multi.get(), msg->easy_handle);
        t->finished = true;
        continue;
      }
      Complete(t->tag, done);
    }
  }

};

CurlFetcher::CurlFetcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

CurlFetcher::~CurlFetcher() { CancelAll(); }

Result<std::unique_ptr<CurlFetcher>> CurlFetcher::Create(const CurlFetcherOptions& options) {
  if (options.proxy.rfind("socks5h://", 0) != 0) {
    return Status::InvalidArgument("the crawl proxy must be a socks5h:// URL; there is no direct mode");
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->multi.reset(curl_multi_init());
  impl->base.reset(curl_easy_init());
  impl->watch.epoll = UniqueFd(::epoll_create1(EPOLL_CLOEXEC));
  if (!impl->multi || !impl->base || !impl->watch.epoll.valid()) {
    return Status::Internal("libcurl failed to initialize");
  }
  CURLM* m = impl->multi.get();
  if (curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, OnSocket) != CURLM_OK ||
      curl_multi_setopt(m, CURLMOPT_SOCKETDATA, &impl->watch) != CURLM_OK ||
      curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, OnTimer) != CURLM_OK ||
      curl_multi_setopt(m, CURLMOPT_TIMERDATA, &impl->watch) != CURLM_OK) {
    return Status::Internal("libcurl refused the multi socket callbacks");
  }
  LEAKMON_RETURN_IF_ERROR(ApplyBaseOptions(impl->base.get(), options));
  LEAKMON_RETURN_IF_ERROR(Check(curl_easy_setopt(impl->base.get(), CURLOPT_OPENSOCKETFUNCTION, OpenSocket),
                                "CURLOPT_OPENSOCKETFUNCTION"));
  LEAKMON_RETURN_IF_ERROR(Check(curl_easy_setopt(impl->base.get(), CURLOPT_OPENSOCKETDATA, &impl->watch),
                                "CURLOPT_OPENSOCKETDATA"));
  const std::int64_t cap = std::max<std::int64_t>(1, options.max_body_bytes);
  const std::int64_t transfers = std::max<std::int64_t>(1, options.max_transfers);
  impl->budget.share = std::clamp<std::int64_t>(options.max_buffered_bytes / (2 * transfers), 16 * 1024, cap);
  impl->budget.slots = static_cast<int>(
      std::max<std::int64_t>(1, (options.max_buffered_bytes - impl->budget.share * transfers) / cap));
  return std::unique_ptr<CurlFetcher>(new CurlFetcher(std::move(impl)));
}

void CurlFetcher::Start(std::uint64_t tag, const FetchRequest& request) {
  auto t = std::make_unique<Transfer>();
  t->tag = tag;
  t->url = request.url;
  t->cap = impl_->options.max_body_bytes;
  t->budget = &impl_->budget;
  t->easy = impl_->Take();
  Status s = t->easy ? ApplyRequestOptions(t.get(), request) : Status::Internal("curl_easy_duphandle failed");
  if (s.ok() && curl_multi_add_handle(impl_->multi.get(), t->easy.get()) != CURLM_OK) {
    s = Status::Internal("curl_multi_add_handle failed");
  }
  if (!s.ok()) {
    FetchDone d;
    d.tag = tag;
    d.response.url = request.url;
    d.response.error_kind = "protocol";
    d.response.error = s.message();
    impl_->failed_to_start.push_back(std::move(d));
    return;
  }
  impl_->transfers[tag] = std::move(t);
}

std::vector<FetchDone> CurlFetcher::Wait(int timeout_ms) {
  std::vector<FetchDone> done = std::move(impl_->failed_to_start);
  impl_->failed_to_start.clear();
  impl_->DriveTimerIfDue();
  impl_->Collect(&done);
  if (done.empty()) {
    impl_->WaitAndDrive(timeout_ms);
    impl_->Collect(&done);
  }
  impl_->ResumeBlocked(&done);
  return done;
}

void CurlFetcher::CancelAll() {
  for (auto& [tag, t] : impl_->transfers) {
    impl_->Release(*t);
    if (!t->finished) curl_multi_remove_handle(impl_->multi.get(), t->easy.get());
  }
  impl_->transfers.clear();
  impl_->failed_to_start.clear();
}

std::size_t CurlFetcher::active() const { return impl_->transfers.size() + impl_->failed_to_start.size(); }

std::int64_t CurlFetcher::peak_buffered_bytes() const { return impl_->budget.peak; }

}  // namespace leakmon
