#include "report/table.h"

#include <algorithm>

#include "report/text.h"

namespace leakmon {
namespace {

std::size_t DisplayWidth(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

}  // namespace

TextTable::TextTable(std::vector<std::string> headers)
    : headers_(std::move(headers)), right_(headers_.size(), false) {}

void TextTable::AddRow(std::vector<std::string> cells, std::vector<std::string> colours) {
  cells.resize(headers_.size());
  for (std::string& c : cells) c = Printable(c);
  colours.resize(headers_.size());
  rows_.push_back(Row{std::move(cells), std::move(colours)});
}

void TextTable::AlignRight(std::size_t column) {
  if (column < right_.size()) right_[column] = true;
}

std::string TextTable::Render(bool colour) const {
  std::vector<std::size_t> width(headers_.size(), 0);
  for (std::size_t i = 0; i < headers_.size(); ++i) width[i] = DisplayWidth(headers_[i]);
  for (const Row& r : rows_) {
    for (std::size_t i = 0; i < r.cells.size(); ++i) width[i] = std::max(width[i], DisplayWidth(r.cells[i]));
  }
  auto line = [&](const std::vector<std::string>& cells, const std::vector<std::string>& colours, bool header) {
    std::string out;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      std::size_t pad = width[i] - DisplayWidth(cells[i]);
      bool last = i + 1 == cells.size();
      std::string sgr = header ? "1" : colours[i];
      if (right_[i]) out.append(pad, ' ');
      if (colour && !sgr.empty()) {
        out += "\x1b[" + sgr + "m" + cells[i] + "\x1b[0m";
      } else {
        out += cells[i];
      }
      if (!right_[i] && !last) out.append(pad, ' ');
      if (!last) out += "  ";
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = line(headers_, std::vector<std::string>(headers_.size()), true);
  for (const Row& r : rows_) out += line(r.cells, r.colours, false);
  return out;
}

std::string SeverityColour(const std::string& severity) {
  if (severity == "critical") return "1;31";
  if (severity == "high") return "31";
  if (severity == "medium") return "33";
  return "";
}

}  // namespace leakmon
