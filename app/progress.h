// Live progress of a crawl on stderr, only when stderr is a terminal: one
// line, redrawn at most four times a second, with sites done, pages, bytes
// and new findings. Cleared before the summary is printed. When stderr is
// not a terminal (cron, systemd), nothing is drawn.
#pragma once

#include <cstdint>

namespace leakmon {

class Progress {
 public:
  Progress(int sites, bool enabled);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void Page(std::int64_t bytes, std::int64_t new_findings);
  void SiteDone();
  // Erases the line (before anything else is printed).
  void Clear();

 private:
  void Draw(bool force);

  bool enabled_;
  int sites_;
  int sites_done_ = 0;
  std::int64_t pages_ = 0;
  std::int64_t bytes_ = 0;
  std::int64_t findings_ = 0;
  std::int64_t last_draw_ms_ = 0;
  bool drawn_ = false;
};

}  // namespace leakmon
