// Comparison of a candidate sample set (generated, or a baseline's samples) against a reference
// set (training or held-out data) on the same grid: the statistics of statistics.hpp for both,
// and their gaps, as reported in Kerrigan et al. (AISTATS 2023, Sec. 5):
//   mean_mse, std_mse      mean over grid points of (m_a - m_b)^2, (s_a - s_b)^2
//   mean_max, std_max      max over grid points of |m_a - m_b|, |s_a - s_b|
//   autocorrelation_mse    mean over lags of (r_a - r_b)^2 (1-D only; NaN for 2-D)
//   density_mse            mean over the density grid of (p_a - p_b)^2, Gaussian KDE with
//                          bandwidth h on `density_points` equispaced values spanning both sets
//   spectrum_mse           mean over wave numbers (1-D) / shells (2-D) of (P_a - P_b)^2
//   spectrum_log_mse       mean of (log10 P_a - log10 P_b)^2 over the wave numbers / shells where
//                          both are positive (NaN if none): spectra fall by decades, so the
//                          plain MSE only sees the lowest shells; the log form weighs every
//                          scale alike and is unchanged when both spectra scale together (e.g.
//                          |DFT|^2 / P grows with the resolution for the same field)
// Identical sets give exactly 0 for every entry. The released reference code defines the
// autocorrelation (util/tools.py) and plots mean/std/autocorrelation (util/visual.py); it has no
// density or spectrum code, so those follow the paper's text: h = 0.5 is the kernel standard
// deviation in the units of the data (not scipy's relative bw_method), on a 200-point grid.
#pragma once

#include "fieldgen/metrics/statistics.hpp"

#include <vector>

namespace fieldgen::metrics {

struct CompareOptions {
  double kde_bandwidth = 0.5; // h (kernel standard deviation), as in the paper's evaluation
  long density_points = 200;  // points of the density grid
};

// The statistics of one set (curves for plots and for the metrics).
struct Profile {
  std::vector<double> mean, std, autocorrelation, spectrum, density;
};

struct Comparison {
  double mean_mse = 0, mean_max = 0, std_mse = 0, std_max = 0;
  double autocorrelation_mse = 0, density_mse = 0, spectrum_mse = 0, spectrum_log_mse = 0;
  std::vector<double> density_grid; // where both densities were evaluated
  Profile candidate, reference;
};

// UsageError if the shapes differ or a set has fewer than 2 samples.
Comparison compare(const SampleSet& candidate, const SampleSet& reference,
                   const CompareOptions& options = {});

} // namespace fieldgen::metrics
