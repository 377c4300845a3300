// Graceful stop for `leakmon crawl`: SIGTERM and SIGINT set a flag that the
// crawl polls (it then starts no new fetch, lets fetches in flight finish
// within the grace period and commits what is done). A second signal of
// either kind restores the default action, so a third one ends the process
// at once. SIGPIPE is ignored.
//
// Install() once, from the main thread, before the crawl starts.
#pragma once

namespace leakmon {

void InstallStopHandlers();

// The signal that asked to stop (SIGTERM or SIGINT), or 0.
int StopSignal();

}  // namespace leakmon
