#include "crawler/crawler.h"

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <random>
#include <unordered_set>

#include "common/sha256.h"
#include "crawler/fetch_error.h"
#include "crawler/site_scope.h"

namespace leakmon {
namespace {

// How long Wait() may block at most, so that stop requests are seen soon.
constexpr std::int64_t kMaxWaitMs = 200;

struct Task {
  std::size_t site = 0;
  PageRole role = PageRole::kItem;
  std::string url;        // the page: listing URL or item URL as linked
  std::string first_url;  // what to fetch first: url, or its raw variant
  std::string fetch_url;  // what to fetch next: first_url or a redirect target
  int attempts = 0;       // fetches started for this page
  int redirects = 0;      // hops followed in the current attempt
  std::int64_t not_before_ms = 0;
  ItemHistory history;    // items seen before: validators and digest
  bool conditional = false;
};

struct SiteState {
  CrawlSite site;
  std::unique_ptr<SiteScope> scope;
  std::deque<Task> listings;
  std::deque<Task> items;
  std::vector<Task> waiting;  // retries and redirect hops, each with not_before_ms
  std::unordered_set<std::string> seen;        // URLs queued this run
  std::unordered_set<std::string> item_links;  // distinct item links the listings yielded
  int in_flight = 0;
  int listings_in_flight = 0;
  std::int64_t next_start_ms = 0;
  std::int64_t budget = 0;
  bool reachable = false;  // a listing got an HTTP response
  bool done = false;
  SiteRunStats stats;

  std::size_t ListingsPending() const {
    std::size_t n = listings.size() + static_cast<std::size_t>(listings_in_flight);
    for (const Task& t : waiting) n += t.role == PageRole::kListing;
    return n;
  }
  bool ItemsAllowed() const { return stats.listings_ok > 0 || (reachable && ListingsPending() == 0); }
  bool Runnable() const {
    return !waiting.empty() || (budget > 0 && (!listings.empty() || (!items.empty() && ItemsAllowed())));
  }
};

}  // namespace

struct Crawler::Impl {
  CrawlerOptions options;
  std::vector<SiteState> sites;

  // Per Run().
  Fetcher* fetcher = nullptr;
  CrawlSink* sink = nullptr;
  const MonotonicClock* ticker = nullptr;
  const Clock* wall = nullptr;
  std::map<std::uint64_t, Task> in_flight;
  std::uint64_t next_tag = 1;
  std::size_t round_robin = 0;
  bool stopping = false;
  std::int64_t stop_deadline_ms = 0;
  std::mt19937_64 rng;

  Task NewTask(std::size_t site, PageRole role, const std::string& url) {
    Task t;
    t.site = site;
    t.role = role;
    t.url = url;
    t.first_url = role == PageRole::kItem ? sites[site].scope->FetchUrlFor(url) : url;
    t.fetch_url = t.first_url;
    return t;
  }

  Status LoadSite(std::size_t i) {
    SiteState& s = sites[i];
    s.budget = s.site.options.max_pages;
    for (const std::string& url : s.site.options.start) {
      if (s.seen.insert(url).second) s.listings.push_back(NewTask(i, PageRole::kListing, url));
    }
    LEAKMON_ASSIGN_OR_RETURN(SiteBacklog backlog, sink->Backlog(i));
    for (const std::string& url : backlog.listings) {
      if (s.scope->InScope(url) && s.seen.insert(url).second) s.listings.push_back(NewTask(i, PageRole::kListing, url));
    }
    for (const std::string& url : backlog.items) {
      if (s.scope->InScope(url) && s.seen.insert(url).second) s.items.push_back(NewTask(i, PageRole::kItem, url));
    }
    return Status::Ok();
  }

  // The next task of site `s` that may start now; updates `wake` with the
  // earliest time a waiting task becomes due.
  std::optional<Task> Pick(SiteState& s, std::int64_t now, std::int64_t* wake) {
    auto due = s.waiting.end();
    for (auto it = s.waiting.begin(); it != s.waiting.end(); ++it) {
      if (it->not_before_ms <= now) {
        if (due == s.waiting.end() || it->not_before_ms < due->not_before_ms) due = it;
      } else {
        *wake = std::min(*wake, it->not_before_ms);
      }
    }
    if (due != s.waiting.end()) {
      Task t = std::move(*due);
      s.waiting.erase(due);
      return t;
    }
    if (s.budget <= 0) return std::nullopt;
    std::deque<Task>* queue = !s.listings.empty() ? &s.listings : (s.ItemsAllowed() && !s.items.empty()) ? &s.items : nullptr;
    if (!queue) return std::nullopt;
    Task t = std::move(queue->front());
    queue->pop_front();
    --s.budget;
    return t;
  }

  Status Launch(Task task, std::int64_t now) {
    SiteState& s = sites[task.site];
    if (!s.scope->InScope(task.fetch_url)) {
      FetchResponse r;
      r.url = task.fetch_url;
      r.error_kind = "out_of_scope";
      r.error = "not fetched: outside the site's hosts or not http/https";
      return Final(task, r);
    }
    ++task.attempts;
    FetchRequest req;
    req.url = task.fetch_url;
    req.socks_username = s.site.credentials.username;
    req.socks_password = s.site.credentials.password;
    if (task.conditional) {
      req.etag = task.history.etag;
      req.last_modified = task.history.last_modified;
    }
    const std::uint64_t tag = next_tag++;
    ++s.in_flight;
    if (task.role == PageRole::kListing) ++s.listings_in_flight;
    s.next_start_ms = now + s.site.options.delay_ms;
    in_flight.emplace(tag, std::move(task));
    fetcher->Start(tag, req);
    return Status::Ok();
  }

  Status StartReady(std::int64_t now, std::int64_t* wake) {
    const std::size_t n = sites.size();
    bool started = true;
    while (started && in_flight.size() < options.concurrency) {
      started = false;
      for (std::size_t k = 0; k < n && !started; ++k) {
        std::size_t i = (round_robin + k) % n;
        SiteState& s = sites[i];
        if (s.done || s.in_flight >= s.site.options.concurrency) continue;
        if (now < s.next_start_ms) {
          if (s.Runnable()) *wake = std::min(*wake, s.next_start_ms);
          continue;
        }
        std::optional<Task> t = Pick(s, now, wake);
        if (!t) continue;
        LEAKMON_RETURN_IF_ERROR(Launch(std::move(*t), now));
        round_robin = i + 1;
        started = true;
      }
    }
    return Status::Ok();
  }

  bool RecheckDue(const SiteOptions& site, const ItemHistory& h) const {
    return site.recheck_hours > 0 && wall->NowUnix() - h.last_ok_at >= site.recheck_hours * 3600;
  }

  // Queues what a listing links to; fills the page's link counts.
  Status FollowLinks(std::size_t i, const std::string& base, const std::vector<std::string>& links,
                     CrawledPage* page) {
    SiteState& s = sites[i];
    std::unordered_set<std::string> on_page;
    std::string abs;
    for (const std::string& href : links) {
      LinkKind kind = s.scope->Classify(base, href, &abs);
      if (kind == LinkKind::kListing) {
        if (s.seen.insert(abs).second) {
          s.listings.push_back(NewTask(i, PageRole::kListing, abs));
          page->new_listings.push_back(abs);
        }
        continue;
      }
      if (kind != LinkKind::kItem || !on_page.insert(abs).second) continue;
      s.item_links.insert(abs);
      if (!s.seen.insert(abs).second) continue;
      LEAKMON_ASSIGN_OR_RETURN(ItemHistory h, sink->History(i, abs));
      if (h.given_up) continue;
      if (h.fetched && !RecheckDue(s.site.options, h)) continue;
      Task t = NewTask(i, PageRole::kItem, abs);
      if (h.fetched) {
        t.conditional = !h.etag.empty() || !h.last_modified.empty();
      } else {
        page->new_items.push_back(abs);
      }
      t.history = std::move(h);
      s.items.push_back(std::move(t));
    }
    page->item_links = static_cast<std::int64_t>(on_page.size());
    s.stats.item_links = static_cast<std::int64_t>(s.item_links.size());
    return Status::Ok();
  }

  // Reports the final outcome of `task` to the sink.
  Status Final(const Task& task, FetchResponse& r) {
    SiteState& s = sites[task.site];
    CrawledPage page;
    page.url = task.url;
    page.fetched_url = task.fetch_url;
    page.role = task.role;
    page.http_status = r.http_status;
    page.content_type = r.content_type;
    page.etag = r.etag;
    page.last_modified = r.last_modified;
    page.attempts = std::max(task.attempts, 1);
    page.error_kind = r.error_kind;
    page.error = r.error;
    PageContent content;
    if (page.ok() && r.http_status == 304) {
      page.unchanged = true;
      if (page.etag.empty()) page.etag = task.history.etag;
      if (page.last_modified.empty()) page.last_modified = task.history.last_modified;
    } else if (page.ok()) {
      page.bytes = static_cast<std::int64_t>(r.body.size());
      page.content_sha256 = HexEncode(Sha256(r.body));
      if (task.history.fetched && task.history.content_sha256 == page.content_sha256) {
        page.unchanged = true;
      } else {
        Result<PageContent> c = ExtractContentReleasing(std::move(r.body), r.content_type, options.content);
        if (c.ok()) {
          content = std::move(*c);
          page.text = std::move(content.text);
          page.truncated = content.truncated;
        } else {
          page.error_kind = "content";
          page.error = c.status().message();
        }
      }
      r.body.clear();
      r.body.shrink_to_fit();
      if (page.ok() && task.role == PageRole::kListing) {
        LEAKMON_RETURN_IF_ERROR(FollowLinks(task.site, task.fetch_url, content.links, &page));
      }
    }
    ++s.stats.pages;
    s.stats.bytes += page.bytes;
    s.stats.unchanged += page.unchanged;
    if (!page.ok()) {
      ++s.stats.errors;
      s.stats.last_error = page.error_kind + ": " + page.error;
    }
    if (task.role == PageRole::kListing) ++(page.ok() ? s.stats.listings_ok : s.stats.listings_failed);
    return sink->OnPage(task.site, page);
  }

  Status Complete(FetchDone& done, std::int64_t now) {
    auto it = in_flight.find(done.tag);
    if (it == in_flight.end()) return Status::Ok();
    Task task = std::move(it->second);
    in_flight.erase(it);
    SiteState& s = sites[task.site];
    --s.in_flight;
    if (task.role == PageRole::kListing) --s.listings_in_flight;
    FetchResponse& r = done.response;
    if (task.role == PageRole::kListing && r.http_status != 0) s.reachable = true;

    if (r.ok() && !r.location.empty() && r.http_status != 304) {
      if (task.redirects >= options.max_redirects) {
        r.error_kind = "redirect";
        r.error = "more than " + std::to_string(options.max_redirects) + " redirects";
        return Final(task, r);
      }
      if (!s.scope->InScope(r.location)) {
        r.error_kind = "out_of_scope";
        r.error = "redirect to a URL outside the site";  // the URL is the server's text: not kept
        return Final(task, r);
      }
      task.fetch_url = r.location;
      ++task.redirects;
      task.not_before_ms = now;
      s.waiting.push_back(std::move(task));
      return Status::Ok();
    }
    if (r.ok() && r.http_status == 304 && !task.conditional) {
      r.error_kind = "http";
      r.error = "HTTP 304 to a request without validators";
    }
    bool transient = !r.ok() && (IsTransientError(r.error_kind) ||
                                 (r.error_kind == "http" && IsTransientHttpStatus(r.http_status)));
    if (transient && task.attempts < options.retry.max_attempts && !stopping) {
      double unit = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
      task.not_before_ms = now + RetryDelayMs(task.attempts, options.retry, unit);
      task.fetch_url = task.first_url;
      task.redirects = 0;
      ++s.stats.retries;
      s.waiting.push_back(std::move(task));
      return Status::Ok();
    }
    return Final(task, r);
  }

  Status FinishSite(std::size_t i) {
    SiteState& s = sites[i];
    s.done = true;
    std::size_t waiting_items = 0;
    for (const Task& t : s.waiting) waiting_items += t.role == PageRole::kItem;
    s.stats.pending = static_cast<std::int64_t>(s.items.size() + waiting_items);
    s.stats.budget_exhausted = s.budget <= 0 && (!s.items.empty() || !s.listings.empty());
    s.stats.interrupted = stopping && (s.Runnable() || s.stats.pending > 0);
    return sink->OnSiteDone(i, s.stats);
  }

  Result<CrawlOutcome> Run() {
    for (std::size_t i = 0; i < sites.size(); ++i) LEAKMON_RETURN_IF_ERROR(LoadSite(i));
    for (;;) {
      const std::int64_t now = ticker->NowMs();
      if (!stopping && options.stop_requested && options.stop_requested()) {
        stopping = true;
        stop_deadline_ms = now + options.stop_grace_ms;
      }
      if (stopping && !in_flight.empty() && now >= stop_deadline_ms) {
        fetcher->CancelAll();
        for (auto& [tag, task] : in_flight) {
          SiteState& s = sites[task.site];
          --s.in_flight;
          if (task.role == PageRole::kListing) --s.listings_in_flight;
          s.stats.interrupted = true;
          if (task.role == PageRole::kItem) s.items.push_back(std::move(task));
        }
        in_flight.clear();
      }
      bool all_done = true;
      for (std::size_t i = 0; i < sites.size(); ++i) {
        SiteState& s = sites[i];
        if (s.done) continue;
        if (s.in_flight == 0 && (stopping || !s.Runnable())) {
          LEAKMON_RETURN_IF_ERROR(FinishSite(i));
        } else {
          all_done = false;
        }
      }
      if (all_done) break;
      std::int64_t wake = now + kMaxWaitMs;
      if (!stopping) LEAKMON_RETURN_IF_ERROR(StartReady(now, &wake));
      if (stopping) wake = std::min(wake, stop_deadline_ms);
      std::vector<FetchDone> finished = fetcher->Wait(static_cast<int>(std::clamp<std::int64_t>(wake - now, 0, kMaxWaitMs)));
      const std::int64_t after = ticker->NowMs();
      for (FetchDone& d : finished) LEAKMON_RETURN_IF_ERROR(Complete(d, after));
    }
    CrawlOutcome outcome;
    outcome.stopped = stopping;
    return outcome;
  }
};

Crawler::Crawler(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Crawler::~Crawler() = default;

Result<std::unique_ptr<Crawler>> Crawler::Create(std::vector<CrawlSite> sites, CrawlerOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->options.concurrency = std::max<std::size_t>(1, impl->options.concurrency);
  for (CrawlSite& site : sites) {
    SiteState s;
    LEAKMON_ASSIGN_OR_RETURN(s.scope, SiteScope::Create(site.options));
    s.site = std::move(site);
    s.site.options.concurrency = std::max<std::int64_t>(1, s.site.options.concurrency);
    impl->sites.push_back(std::move(s));
  }
  std::uint64_t seed = impl->options.seed;
  if (seed == 0) seed = std::random_device{}() | (std::uint64_t{std::random_device{}()} << 32);
  impl->rng.seed(seed);
  return std::unique_ptr<Crawler>(new Crawler(std::move(impl)));
}

Result<CrawlOutcome> Crawler::Run(Fetcher& fetcher, CrawlSink& sink, const MonotonicClock& ticker, const Clock& wall) {
  impl_->fetcher = &fetcher;
  impl_->sink = &sink;
  impl_->ticker = &ticker;
  impl_->wall = &wall;
  return impl_->Run();
}

}  // namespace leakmon
