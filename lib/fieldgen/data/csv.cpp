// CSV curves reader (see csv.hpp).
#include "fieldgen/data/csv.hpp"

#include "fieldgen/core/error.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace fieldgen::data {
namespace {

struct Line {
  long number; // 1-based line number in the file
  std::vector<std::string> cells;
};

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos)
    return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// Splits one line into cells; double quotes group (a doubled quote inside is a literal quote).
std::vector<std::string> split(const std::string& text, const std::string& path, long number) {
  std::vector<std::string> cells;
  std::string cell;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"')
        cell += text[++i];
      else if (c == '"')
        quoted = false;
      else
        cell += c;
    } else if (c == '"' && trim(cell).empty()) {
      cell.clear();
      quoted = true;
    } else if (c == ',') {
      cells.push_back(trim(cell));
      cell.clear();
    } else
      cell += c;
  }
  if (quoted)
    throw DataError(cat(path, ": line ", number, ": unterminated quote"));
  cells.push_back(trim(cell));
  return cells;
}

std::vector<Line> read_lines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw IoError(cat(path, ": cannot open (", std::strerror(errno), ")"));
  std::vector<Line> lines;
  std::string text;
  for (long number = 1; std::getline(in, text); ++number) {
    if (number == 1 && text.compare(0, 3, "\xEF\xBB\xBF") == 0)
      text.erase(0, 3); // UTF-8 byte-order mark
    if (!text.empty() && text.back() == '\r')
      text.pop_back();
    if (trim(text).empty())
      continue;
    lines.push_back({number, split(text, path, number)});
  }
  if (in.bad())
    throw IoError(cat(path, ": read error after line ", lines.size()));
  return lines;
}

bool parse_number(const std::string& cell, double& v) {
  if (cell.empty())
    return false;
  char* end = nullptr;
  v = std::strtod(cell.c_str(), &end);
  return *end == '\0';
}

bool is_number(const std::string& cell) {
  double v = 0;
  return parse_number(cell, v);
}

bool detect_index(const std::vector<Line>& lines, size_t first_data, bool header) {
  if (header && lines[0].cells[0].empty())
    return true;
  bool all_labels = true, counting = true;
  double start = 0;
  for (size_t l = first_data; l < lines.size(); ++l) {
    const std::string& c = lines[l].cells[0];
    double v = 0;
    const bool number = parse_number(c, v);
    all_labels = all_labels && !number;
    if (l == first_data)
      start = v;
    counting =
        counting && number && (start == 0 || start == 1) && v == start + double(l - first_data);
  }
  return all_labels || (counting && lines.size() - first_data >= 2);
}

} // namespace

Detect detect_from(const std::string& text) {
  if (text == "yes")
    return Detect::Yes;
  if (text == "no")
    return Detect::No;
  require(text == "auto", "detect_from: '", text, "' is not auto, yes or no");
  return Detect::Auto;
}

CsvCurves read_csv_curves(const std::string& path, const CsvOptions& options) {
  const std::vector<Line> lines = read_lines(path);
  if (lines.empty())
    throw DataError(cat(path, ": no data (the file is empty)"));
  const size_t width = lines[0].cells.size();
  for (const Line& line : lines)
    if (line.cells.size() != width)
      throw DataError(cat(path, ": line ", line.number, " has ", line.cells.size(),
                          " cells, expected ", width, " (as on line ", lines[0].number, ")"));

  CsvCurves out;
  out.header = options.header == Detect::Yes;
  if (options.header == Detect::Auto)
    for (size_t c = 1; c < width && !out.header; ++c)
      out.header = !is_number(lines[0].cells[c]);
  const size_t first_data = out.header ? 1 : 0;
  if (first_data >= lines.size())
    throw DataError(cat(path, ": no data rows after the header on line ", lines[0].number));
  out.index_column =
      options.index_column == Detect::Yes ||
      (options.index_column == Detect::Auto && detect_index(lines, first_data, out.header));
  const size_t skip = out.index_column ? 1 : 0;
  if (width - skip < 2)
    throw DataError(cat(path, ": rows have ", width - skip,
                        " value column(s), expected at least 2 (one per grid point)"));

  out.rows = long(lines.size() - first_data);
  out.columns = long(width - skip);
  out.values.reserve(size_t(out.rows * out.columns));
  for (size_t l = first_data; l < lines.size(); ++l)
    for (size_t c = skip; c < width; ++c) {
      const std::string& cell = lines[l].cells[c];
      const std::string at = cat(path, ": line ", lines[l].number, ", column ", c + 1, ": ");
      double v = 0;
      if (cell.empty())
        throw DataError(cat(at, "empty cell, expected a number"));
      if (!parse_number(cell, v))
        throw DataError(cat(at, "'", cell, "' is not a number"));
      if (!std::isfinite(v))
        throw DataError(cat(at, "'", cell, "' is not a finite number"));
      if (options.counts && v < 0)
        throw DataError(cat(at, "count ", cell, " is negative, expected a count >= 0"));
      if (options.counts && v != std::floor(v))
        throw DataError(cat(at, "count ", cell, " is not a whole number"));
      out.values.push_back(v);
    }
  return out;
}

} // namespace fieldgen::data
