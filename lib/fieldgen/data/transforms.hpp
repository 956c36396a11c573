// Value transforms applied when a dataset is imported.
#pragma once

#include "fieldgen/core/error.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace fieldgen::data {

// Maps the values linearly so that the global minimum becomes a and the maximum b (a < b), as
// the literature does for AEMET with [-3, 3]. DataError naming `source` if all values are equal.
void rescale_min_max(std::vector<double>& values, double a, double b, const std::string& source);

// Quantises counts in [0, max_value] to `levels` levels: v -> floor(v * levels / (max_value + 1)),
// so 8-bit intensities (max_value 255) with levels = 4 become 0..3 in equal-width bins.
void quantise_levels(std::vector<std::int32_t>& counts, long levels, long max_value);

// Row indices from a comma-separated list such as "0, 12, 40" (0-based, distinct, in the given
// order; "" gives none). ConfigError naming `key` on a malformed, negative or repeated entry.
std::vector<long> parse_index_list(const std::string& text, const std::string& key);

// Rows of `row_size` values split into the rows named by `held` (in that order) and the others
// (in their order): a train / held-out split of an imported dataset. DataError naming `source`
// if an index is not a row or no row would be kept.
template <class T> struct RowSplit {
  std::vector<T> kept, held;
  long kept_rows = 0, held_rows = 0;
};
template <class T>
RowSplit<T> split_rows(const std::vector<T>& values, long row_size, const std::vector<long>& held,
                       const std::string& source) {
  require(row_size > 0 && long(values.size()) % row_size == 0, "split_rows: ", values.size(),
          " values are not rows of ", row_size);
  const long rows = long(values.size()) / row_size;
  std::vector<char> is_held(size_t(rows), 0);
  for (long i : held) {
    if (i < 0 || i >= rows)
      throw DataError(cat(source, ": held-out row ", i, " does not exist (", rows, " rows)"));
    is_held[size_t(i)] = 1;
  }
  RowSplit<T> s;
  s.held_rows = long(held.size());
  s.kept_rows = rows - s.held_rows;
  if (s.kept_rows == 0)
    throw DataError(cat(source, ": all ", rows, " rows are held out, none left to keep"));
  const auto row = [&](long i) { return values.begin() + i * row_size; };
  for (long i : held)
    s.held.insert(s.held.end(), row(i), row(i + 1));
  for (long i = 0; i < rows; ++i)
    if (!is_held[size_t(i)])
      s.kept.insert(s.kept.end(), row(i), row(i + 1));
  return s;
}

} // namespace fieldgen::data
