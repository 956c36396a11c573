// Value transforms applied when a dataset is imported.
#pragma once

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

} // namespace fieldgen::data
