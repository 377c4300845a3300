// Where the CLI's words go. Results go to stdout; errors, warnings and
// verbose progress go to stderr. Nothing printed here may contain page text
// or a plaintext identifier: callers pass only URLs, counts, kinds, refs,
// hash prefixes and error messages that leakmon itself composed.
#pragma once

#include <string>

#include "common/status.h"

namespace leakmon {

// Prints "leakmon: error: <message>" to stderr and returns ExitCodeFor(s).
int ReportError(const Status& s);

void PrintWarning(const std::string& message);

// True when stdout is a terminal that may get colour: a TTY, NO_COLOR unset
// and TERM not "dumb".
bool ColourStdout();
// True when stdout is a terminal.
bool StdoutIsTty();

// Verbose progress (crawl -v); off by default.
void SetVerbose(bool on);
bool Verbose();
void PrintVerbose(const std::string& message);

}  // namespace leakmon
