// BodyDecoder: undoes a response's Content-Encoding step by step, with the
// output of each step bounded by the caller. The crawl fetcher decodes
// bodies itself (libcurl's decoding is off): libcurl would inflate a whole
// network read at once and, while a transfer is paused for memory, keep
// all of it in its own buffers, where no cap applies (a 16 KB read of a
// gzip bomb inflates to 16 MB).
//
// Codings: "" and "identity" (none), "gzip" and "x-gzip", "deflate" (zlib
// framing, or raw deflate as some servers send it), "br". A list of
// several codings or any other name is refused by Create(). Corrupt data
// is an error from Decode(); a stream cut short is not (the transfer's own
// error says so, if any).
//
// Not thread-safe; one decoder per response.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace leakmon {

class BodyDecoder {
 public:
  // The decoder for a Content-Encoding header's value (case-insensitive).
  static Result<std::unique_ptr<BodyDecoder>> Create(std::string_view content_encoding);
  virtual ~BodyDecoder() = default;

  // Decodes from the front of `*in`, removing what it consumed, and appends
  // at most `max_out` decoded bytes to `*out`. Returns the bytes appended.
  // A call that returns `max_out` may have more output pending even when
  // `*in` is now empty: call again (with empty input too) until a call
  // returns less. Returns 0 with `*in` left non-empty only when `max_out`
  // is 0. After the end of a compressed stream, further input is consumed
  // and ignored.
  virtual Result<std::size_t> Decode(std::string_view* in, std::string* out, std::size_t max_out) = 0;
};

}  // namespace leakmon
