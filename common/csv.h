// A bounded RFC 4180 CSV reader over text already in memory.
//
// Fields may be quoted ("a, b" and "say ""hi"""); a quoted field may span
// lines. Records end at LF or CRLF outside quotes. Errors name the line
// where the record starts and never quote field content.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace leakmon {

class CsvReader {
 public:
  struct Limits {
    std::size_t max_field_bytes = 4096;  // longer fields are an error
    std::size_t max_fields = 64;         // per record
  };

  // The reader keeps a view of `text`, which must outlive it.
  explicit CsvReader(std::string_view text) : CsvReader(text, Limits()) {}
  CsvReader(std::string_view text, Limits limits) : text_(text), limits_(limits) {}
  // A temporary string would dangle before the first Next().
  explicit CsvReader(std::string&& text) = delete;
  CsvReader(std::string&& text, Limits limits) = delete;

  // Reads the next record into `fields`. Returns false at end of input or on
  // error; status() tells which. Blank lines are skipped.
  bool Next(std::vector<std::string>* fields);

  // Line number (1-based) where the last record returned by Next started.
  std::size_t record_line() const { return record_line_; }

  const Status& status() const { return status_; }

 private:
  std::string_view text_;
  Limits limits_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::size_t record_line_ = 0;
  Status status_;
};

}  // namespace leakmon
