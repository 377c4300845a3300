// Severity names as stored by the matcher (matcher/severity.h: "low",
// "high", "critical"), ranked for min_severity filters, sorting and colours.
// An empty or unknown stored value ranks below low. Pure; thread-safe.
#pragma once

#include <string_view>

namespace leakmon {

// 0 unknown/empty, 1 low, 2 high, 3 critical.
int SeverityRank(std::string_view severity);

// True for "low", "high" and "critical".
bool IsSeverityName(std::string_view severity);

// The name of a rank ("" for 0).
const char* SeverityNameOfRank(int rank);

}  // namespace leakmon
