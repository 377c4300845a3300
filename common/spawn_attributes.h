// SpawnAttributes: the RAII owner of a posix_spawnattr_t and a
// posix_spawn_file_actions_t, for starting a child program with posix_spawn.
//
// A new object already gives the child default handling of the signals
// leakmon changes for itself (SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGCHLD) and
// an empty signal mask, so a child never inherits leakmon's SIG_IGN for
// SIGPIPE or a mask blocked at the time of the spawn. Add file actions and
// flags through the two members; keep POSIX_SPAWN_SETSIGDEF and
// POSIX_SPAWN_SETSIGMASK when changing the flags (use AddFlags).
#pragma once

#include <csignal>
#include <spawn.h>

namespace leakmon {

class SpawnAttributes {
 public:
  SpawnAttributes() {
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_init(&actions);
    sigset_t defaults, empty;
    sigemptyset(&empty);
    sigemptyset(&defaults);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGCHLD}) sigaddset(&defaults, sig);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setsigmask(&attr, &empty);
    AddFlags(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  }
  ~SpawnAttributes() {
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
  }
  SpawnAttributes(const SpawnAttributes&) = delete;
  SpawnAttributes& operator=(const SpawnAttributes&) = delete;

  void AddFlags(short flags) {
    short now = 0;
    posix_spawnattr_getflags(&attr, &now);
    posix_spawnattr_setflags(&attr, static_cast<short>(now | flags));
  }

  posix_spawnattr_t attr;
  posix_spawn_file_actions_t actions;
};

}  // namespace leakmon
