// Value transforms (see transforms.hpp).
#include "fieldgen/data/transforms.hpp"

#include "fieldgen/core/error.hpp"

#include <algorithm>
#include <set>
#include <sstream>

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

std::vector<long> parse_index_list(const std::string& text, const std::string& key) {
  std::vector<long> out;
  std::set<long> seen;
  std::istringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const size_t a = item.find_first_not_of(" \t"), b = item.find_last_not_of(" \t");
    const std::string word = a == std::string::npos ? "" : item.substr(a, b - a + 1);
    size_t used = 0;
    long v = -1;
    try {
      v = std::stol(word, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (word.empty() || used != word.size() || v < 0)
      throw ConfigError(cat(key, " = '", text, "': '", word,
                            "' is not a row index (a comma-separated list of integers >= 0)"));
    if (!seen.insert(v).second)
      throw ConfigError(cat(key, " = '", text, "': row ", v, " is listed twice"));
    out.push_back(v);
  }
  if (!text.empty() && text.find_last_not_of(" \t") != std::string::npos &&
      text[text.find_last_not_of(" \t")] == ',')
    throw ConfigError(cat(key, " = '", text, "': trailing comma"));
  return out;
}

} // namespace fieldgen::data
