#include "app/progress.h"

#include <cstdio>

#include "common/clock.h"

namespace leakmon {

Progress::Progress(int sites, bool enabled) : enabled_(enabled), sites_(sites) {}

Progress::~Progress() { Clear(); }

void Progress::Page(std::int64_t bytes, std::int64_t new_findings) {
  ++pages_;
  bytes_ += bytes;
  findings_ += new_findings;
  Draw(false);
}

void Progress::SiteDone() {
  ++sites_done_;
  Draw(true);
}

void Progress::Draw(bool force) {
  if (!enabled_) return;
  std::int64_t now = SteadyClock().NowMs();
  if (!force && now - last_draw_ms_ < 250) return;
  last_draw_ms_ = now;
  std::fprintf(stderr, "\r\033[Kcrawling: %d/%d sites done, %lld pages, %.1f MB, %lld new findings", sites_done_,
               sites_, static_cast<long long>(pages_), static_cast<double>(bytes_) / (1024.0 * 1024.0),
               static_cast<long long>(findings_));
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::Clear() {
  if (!drawn_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace leakmon
