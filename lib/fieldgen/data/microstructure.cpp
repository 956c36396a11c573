// Thresholded Gaussian random fields (see microstructure.hpp).
#include "fieldgen/data/microstructure.hpp"

#include "fieldgen/core/error.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace fieldgen::data {
namespace {

// Samples thresholded per GRF call: bounds the double buffer (64 x 64^3 doubles = 128 MiB).
const long chunk = 64;

} // namespace

double normal_quantile(double p) {
  require(p > 0 && p < 1, "normal_quantile: p = ", p, " must lie in (0, 1)");
  // Phi(-40) underflows to 0 and Phi(40) rounds to 1, so the root lies inside for any double p.
  double lo = -40, hi = 40;
  for (int it = 0; it < 200 && hi - lo > 0; ++it) {
    const double mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi)
      break; // adjacent doubles
    (0.5 * std::erfc(-mid / std::sqrt(2.0)) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

Microstructure::Microstructure(const Grid& grid, const GrfParams& params, double porosity,
                               std::uint64_t seed)
    : field_(grid, params, seed) {
  require(porosity > 0 && porosity < 1, "Microstructure: porosity = ", porosity,
          " must lie in (0, 1)");
  threshold_ = normal_quantile(porosity) * std::sqrt(field_.mean_pointwise_variance());
}

void Microstructure::generate(long first, long count, std::uint8_t* phase) const {
  const long n = points();
  std::vector<double> u;
  for (long done = 0; done < count; done += chunk) {
    const long m = std::min(chunk, count - done);
    u.resize(size_t(m * n));
    field_.generate(first + done, m, u.data());
    std::transform(u.begin(), u.end(), phase + done * n,
                   [t = threshold_](double v) { return std::uint8_t(v < t ? 1 : 0); });
  }
}

} // namespace fieldgen::data
