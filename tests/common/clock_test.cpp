#include "common/clock.h"

#include <catch2/catch.hpp>

TEST_CASE("RFC 3339 formatting and date parsing round-trip") {
  CHECK(leakmon::FormatRfc3339(0) == "1970-01-01T00:00:00Z");
  CHECK(leakmon::FormatRfc3339(1792000000) == "2026-10-14T17:46:40Z");
  CHECK(leakmon::ParseDate("2026-10-14T17:46:40Z") == 1792000000);
  CHECK(leakmon::ParseDate("1970-01-02") == 86400);
  CHECK_FALSE(leakmon::ParseDate("2026-13-01"));
  CHECK_FALSE(leakmon::ParseDate("yesterday"));
  CHECK_FALSE(leakmon::ParseDate("2026-01-01x"));
}
