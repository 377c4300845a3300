#include "common/csv.h"

#include <catch2/catch.hpp>

using leakmon::CsvReader;

namespace {
std::vector<std::vector<std::string>> ReadAll(const std::string& text, leakmon::Status* status = nullptr) {
  CsvReader r(text);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  while (r.Next(&row)) rows.push_back(row);
  if (status) *status = r.status();
  return rows;
}
}  // namespace

TEST_CASE("CSV records, quoting and line endings") {
  struct Case {
    std::string text;
    std::vector<std::vector<std::string>> rows;
  };
  auto c = GENERATE(values<Case>({
      {"a,b,c\n", {{"a", "b", "c"}}},
      {"a,b,c", {{"a", "b", "c"}}},
      {"a,,\r\n1,2,3\r\n", {{"a", "", ""}, {"1", "2", "3"}}},
      {"\"Virtanen, Matti\",x\n", {{"Virtanen, Matti", "x"}}},
      {"\"say \"\"hi\"\"\",y\n", {{"say \"hi\"", "y"}}},
      {"\"two\nlines\",z\n", {{"two\nlines", "z"}}},
      {"a\n\n\nb\n", {{"a"}, {"b"}}},
  }));
  leakmon::Status st;
  CHECK(ReadAll(c.text, &st) == c.rows);
  CHECK(st.ok());
}

TEST_CASE("CSV errors name the line, not the content") {
  struct Case {
    std::string text;
    std::string message;
  };
  auto c = GENERATE(values<Case>({
      {"ok\n\"secret value", "line 2: unterminated quoted field"},
      {"a\nb\"secret\"\n", "line 2: stray quote inside an unquoted field"},
      {"\"secret\"x\n", "line 1: text after a closing quote"},
  }));
  leakmon::Status st;
  ReadAll(c.text, &st);
  CHECK(st.message() == c.message);
  CHECK(st.message().find("secret") == std::string::npos);
}

TEST_CASE("CSV field length is bounded") {
  const std::string text = std::string(5000, 'x') + "\n";  // the reader keeps a view: keep the text alive
  CsvReader r(text);
  std::vector<std::string> row;
  CHECK_FALSE(r.Next(&row));
  CHECK(r.status().message() == "line 1: field longer than 4096 bytes");
}
