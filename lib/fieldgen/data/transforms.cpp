// Value transforms (see transforms.hpp).
#include "fieldgen/data/transforms.hpp"

#include "fieldgen/core/error.hpp"

#include <algorithm>

namespace fieldgen::data {

void rescale_min_max(std::vector<double>& values, double a, double b, const std::string& source) {
  require(a < b, "rescale_min_max: [", a, ", ", b, "] is empty");
  if (values.empty())
    return;
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  const double vmin = *lo, vmax = *hi;
  if (!(vmax > vmin))
    throw DataError(
        cat(source, ": every value is ", vmin, ", cannot rescale to [", a, ", ", b, "]"));
  const double scale = (b - a) / (vmax - vmin);
  for (double& v : values)
    v = a + (v - vmin) * scale;
}

void quantise_levels(std::vector<std::int32_t>& counts, long levels, long max_value) {
  require(levels >= 1 && max_value >= 0, "quantise_levels: levels = ", levels,
          ", max_value = ", max_value);
  for (std::int32_t& v : counts) // integer division is the floor for v >= 0
    v = std::int32_t(long(v) * levels / (max_value + 1));
}

} // namespace fieldgen::data
