#include "common/csv.h"

namespace leakmon {

bool CsvReader::Next(std::vector<std::string>* fields) {
  fields->clear();
  if (!status_.ok()) return false;
  // Skip blank lines.
  while (pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r')) {
    if (text_[pos_] == '\n') ++line_;
    ++pos_;
  }
  if (pos_ >= text_.size()) return false;
  record_line_ = line_;

  std::string field;
  bool quoted = false;      // inside a quoted field
  bool was_quoted = false;  // the current field began with a quote
  auto fail = [&](const std::string& what) {
    status_ = Status::InvalidArgument("line " + std::to_string(record_line_) + ": " + what);
    fields->clear();
    return false;
  };
  auto push = [&]() {
    if (fields->size() >= limits_.max_fields) return false;
    fields->push_back(std::move(field));
    field.clear();
    was_quoted = false;
    return true;
  };

  while (pos_ < text_.size()) {
    char c = text_[pos_++];
    if (quoted) {
      if (c == '"') {
        if (pos_ < text_.size() && text_[pos_] == '"') {
          field.push_back('"');
          ++pos_;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line_;
        field.push_back(c);
      }
    } else if (c == '"') {
      if (!field.empty() || was_quoted) return fail("stray quote inside an unquoted field");
      quoted = true;
      was_quoted = true;
    } else if (c == ',') {
      if (!push()) return fail("too many fields");
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
      ++line_;
      if (!push()) return fail("too many fields");
      return true;
    } else {
      if (was_quoted) return fail("text after a closing quote");
      field.push_back(c);
    }
    if (field.size() > limits_.max_field_bytes) {
      return fail("field longer than " + std::to_string(limits_.max_field_bytes) + " bytes");
    }
  }
  if (quoted) return fail("unterminated quoted field");
  if (!push()) return fail("too many fields");
  return true;
}

}  // namespace leakmon
