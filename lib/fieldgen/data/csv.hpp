// CSV curves: one curve per row, one value per grid point, comma separated; cells may be quoted
// ("1", as R's write.csv and pandas write them); blank lines are skipped; line ends may be CRLF.
// Header row and index (first) column are each "yes", "no" or "auto", detected as follows:
//   header  auto: the first line is a header if one of its cells after the first is not a
//                 number (a header of numbers, e.g. grid coordinates, needs header = yes);
//   index   auto: the first column is an index column if the header's first cell is empty
//                 (R / pandas row names), or the first cell of every data row is not a number
//                 (station names), or the first cells count 0, 1, 2, ... or 1, 2, 3, ... .
// Every other cell must be a finite number (counts: a non-negative whole number) and every line
// must have as many cells as the first one. Errors name the file, the line and the column
// (1-based, as an editor and a spreadsheet show them, the index column included).
#pragma once

#include <string>
#include <vector>

namespace fieldgen::data {

enum class Detect { Auto, Yes, No };
Detect detect_from(const std::string& text); // "auto" | "yes" | "no"

struct CsvOptions {
  Detect header = Detect::Auto;
  Detect index_column = Detect::Auto;
  bool counts = false; // values must be non-negative whole numbers
};

struct CsvCurves {
  long rows = 0, columns = 0;                // curves, values per curve
  std::vector<double> values;                // [rows][columns]
  bool header = false, index_column = false; // as used
};

// IoError if the file cannot be read; DataError for malformed content.
CsvCurves read_csv_curves(const std::string& path, const CsvOptions& options = {});

} // namespace fieldgen::data
