#include "app/console.h"

#include <cstdio>
#include <cstdlib>
#include <unistd.h>

#include "app/exit_codes.h"

namespace leakmon {
namespace {
bool g_verbose = false;
}  // namespace

int ReportError(const Status& s) {
  std::fprintf(stderr, "leakmon: error: %s\n", s.message().c_str());
  return ExitCodeFor(s);
}

void PrintWarning(const std::string& message) { std::fprintf(stderr, "leakmon: warning: %s\n", message.c_str()); }

bool StdoutIsTty() { return ::isatty(STDOUT_FILENO) == 1; }

bool ColourStdout() {
  const char* term = std::getenv("TERM");
  return StdoutIsTty() && std::getenv("NO_COLOR") == nullptr && (term == nullptr || std::string(term) != "dumb");
}

void SetVerbose(bool on) { g_verbose = on; }
bool Verbose() { return g_verbose; }
void PrintVerbose(const std::string& message) {
  if (g_verbose) std::fprintf(stderr, "leakmon: %s\n", message.c_str());
}

}  // namespace leakmon
