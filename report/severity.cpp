#include "report/severity.h"

namespace leakmon {

int SeverityRank(std::string_view s) {
  if (s == "low") return 1;
  if (s == "high") return 2;
  if (s == "critical") return 3;
  return 0;
}

bool IsSeverityName(std::string_view s) { return SeverityRank(s) > 0; }

const char* SeverityNameOfRank(int rank) {
  switch (rank) {
    case 1: return "low";
    case 2: return "high";
    case 3: return "critical";
    default: return "";
  }
}

}  // namespace leakmon
