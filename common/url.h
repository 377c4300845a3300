// URL parsing and resolution, through libcurl's URL API (CURLU).
//
// Pure functions: no network, no DNS. Used by config validation (is this an
// onion URL?) and by the crawler (absolute link URLs, scope checks).
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace leakmon {

struct UrlParts {
  std::string scheme;  // lowercase: "http"
  std::string host;    // lowercase: "abc...xyz.onion"
  int port = 0;        // explicit or the scheme's default
  std::string url;     // the normalized full URL, fragment removed
};

// Parses an absolute URL. Fails with kInvalidArgument on anything else.
Result<UrlParts> ParseUrl(std::string_view url);

// Resolves `ref` (absolute or relative, as found in an href) against the
// absolute URL `base`. The result has no fragment.
Result<std::string> ResolveUrl(std::string_view base, std::string_view ref);

}  // namespace leakmon
