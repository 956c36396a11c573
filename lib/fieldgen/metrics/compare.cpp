// Candidate-vs-reference metrics (formulas in compare.hpp and statistics.hpp).
#include "fieldgen/metrics/compare.hpp"

#include "fieldgen/core/error.hpp"

#include <cmath>
#include <limits>

namespace fieldgen::metrics {
namespace {

Profile profile(const SampleSet& s, const std::vector<double>& grid, double h) {
  Profile p;
  p.mean = pointwise_mean(s);
  p.std = pointwise_std(s);
  if (s.shape.size() == 1)
    p.autocorrelation = autocorrelation(s);
  p.spectrum = power_spectrum(s);
  p.density = kde_density(s, grid, h);
  return p;
}

// Mean of (log10 a - log10 b)^2 over the entries where both are positive; NaN if there are none.
double log_mse(const std::vector<double>& a, const std::vector<double>& b) {
  double sum = 0;
  long used = 0;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] > 0 && b[i] > 0) {
      const double d = std::log10(a[i]) - std::log10(b[i]);
      sum += d * d;
      ++used;
    }
  return used > 0 ? sum / double(used) : std::numeric_limits<double>::quiet_NaN();
}

} // namespace

Comparison compare(const SampleSet& candidate, const SampleSet& reference,
                   const CompareOptions& options) {
  candidate.check("compare (candidate)");
  reference.check("compare (reference)");
  require(candidate.shape == reference.shape, "compare: the candidate and reference grids differ");
  Comparison c;
  c.density_grid = density_grid(candidate, reference, options.density_points);
  c.candidate = profile(candidate, c.density_grid, options.kde_bandwidth);
  c.reference = profile(reference, c.density_grid, options.kde_bandwidth);
  c.mean_mse = mse(c.candidate.mean, c.reference.mean);
  c.mean_max = max_abs_gap(c.candidate.mean, c.reference.mean);
  c.std_mse = mse(c.candidate.std, c.reference.std);
  c.std_max = max_abs_gap(c.candidate.std, c.reference.std);
  c.autocorrelation_mse = candidate.shape.size() == 1
                              ? mse(c.candidate.autocorrelation, c.reference.autocorrelation)
                              : std::numeric_limits<double>::quiet_NaN();
  c.density_mse = mse(c.candidate.density, c.reference.density);
  c.spectrum_mse = mse(c.candidate.spectrum, c.reference.spectrum);
  c.spectrum_log_mse = log_mse(c.candidate.spectrum, c.reference.spectrum);
  return c;
}

} // namespace fieldgen::metrics
