// TextTable: aligned columns for terminals, with optional ANSI colour.
//
// Cells are made printable (report/text.h) and widths count UTF-8 code
// points. Colour is an SGR parameter string per cell ("1;31"); Render only
// emits escape sequences when asked to (the CLI asks only when stdout is a
// terminal and NO_COLOR is unset). Pure; thread-compatible.
#pragma once

#include <string>
#include <vector>

namespace leakmon {

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> headers);

  // `colours`, when given, has one SGR string per cell ("" for none).
  void AddRow(std::vector<std::string> cells, std::vector<std::string> colours = {});
  void AlignRight(std::size_t column);
  bool empty() const { return rows_.empty(); }

  // Header and rows, columns separated by two spaces, no trailing blanks.
  // With `colour`, the header is bold and cells get their colours.
  std::string Render(bool colour) const;

 private:
  struct Row {
    std::vector<std::string> cells;
    std::vector<std::string> colours;
  };
  std::vector<std::string> headers_;
  std::vector<Row> rows_;
  std::vector<bool> right_;
};

// The SGR colour of a severity: critical bold red, high red, medium yellow,
// others none.
std::string SeverityColour(const std::string& severity);

}  // namespace leakmon
