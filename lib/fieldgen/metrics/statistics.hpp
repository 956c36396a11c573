// Functional statistics of a set of sampled functions, as in the evaluation of Kerrigan, Ley,
// Smyth (AISTATS 2023) and its reference code (GavinKerrigan/functional_diffusion,
// util/tools.py batched_autocorrelation, util/visual.py viz_samples). Host-side, double.
// A sample set holds N functions on the same grid, row-major [N][points] (points = n1 or n1*n2).
//
//   pointwise mean   m(x)  = 1/N sum_i u_i(x)
//   pointwise std    s(x)  = sqrt(1/(N-1) sum_i (u_i(x) - m(x))^2)      (torch.std, unbiased)
//   autocorrelation  (1-D) per curve z_j = (u_j - mean_j u) / (sqrt(P) std_j u) with the
//                    population std over the P points, r_k = sum_{j=0}^{P-1-k} z_j z_{j+k},
//                    k = 0..P-1 (np.correlate(z, z, 'full')[P-1:]), so r_0 = 1; averaged over
//                    the curves. Constant curves (std 0, undefined r) are left out of the average.
//   density          Gaussian KDE of all N*P pooled values, kernel standard deviation h,
//                    p(y) = 1/(N P h sqrt(2 pi)) sum_v exp(-(y - v)^2 / (2 h^2)),
//                    evaluated on a given grid of y (see density_grid); large pools are
//                    linearly binned first (bins of width h/32, ~1e-3 relative accuracy).
//   power spectrum   (1-D) periodogram P_k = |sum_j u_j exp(-2 pi i j k / P)|^2 / P,
//                    k = 0..floor(P/2) (|rfft|^2 / P), averaged over curves;
//                    (2-D) P(k1, k2) = |DFT2(u)|^2 / (n1 n2) over signed integer wave numbers,
//                    radially averaged over shells kappa = round(sqrt(k1^2 + k2^2)),
//                    kappa = 0..floor(min(n1, n2)/2) (corner modes beyond are dropped),
//                    averaged over fields.
#pragma once

#include <vector>

namespace fieldgen::metrics {

// N functions sampled on one grid: values [n][points], shape = {n1} or {n1, n2}.
struct SampleSet {
  long n = 0;
  std::vector<long> shape;
  std::vector<double> values;

  long points() const;
  // UsageError unless shape has 1 or 2 positive entries and values.size() == n * points().
  void check(const char* what) const;
  const double* sample(long i) const { return values.data() + i * points(); }
};

std::vector<double> pointwise_mean(const SampleSet& s);
std::vector<double> pointwise_std(const SampleSet& s); // needs n >= 2
// 1-D sets only; lags 0..P-1. DataError if every curve is constant.
std::vector<double> autocorrelation(const SampleSet& s);
// Gaussian KDE of all values of s at each y of `grid`, kernel standard deviation h > 0.
std::vector<double> kde_density(const SampleSet& s, const std::vector<double>& grid, double h);
// `count` equispaced points spanning [min, max] of the values of a and b together (the
// reference evaluates both densities on one 200-point grid).
std::vector<double> density_grid(const SampleSet& a, const SampleSet& b, long count);
// 1-D: averaged periodogram, floor(P/2)+1 entries; 2-D: radially averaged spectrum,
// floor(min(n1, n2)/2)+1 entries.
std::vector<double> power_spectrum(const SampleSet& s);

// Mean squared difference and largest absolute difference of two equally long curves.
double mse(const std::vector<double>& a, const std::vector<double>& b);
double max_abs_gap(const std::vector<double>& a, const std::vector<double>& b);

} // namespace fieldgen::metrics
