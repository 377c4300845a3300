// Text helpers shared by the report formats. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace leakmon {

// Control characters (C0 and DEL) replaced by '?': URLs and names come from
// hostile pages and must not drive terminals or break line-based formats.
std::string Printable(std::string_view s);

// One RFC 4180 CSV field, quoted when needed.
std::string CsvField(std::string_view s);

// `s` cut to at most `max` bytes without splitting a UTF-8 sequence, with
// "…" appended when cut.
std::string Ellipsize(std::string_view s, std::size_t max);

}  // namespace leakmon
