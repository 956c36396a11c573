// FPCA-Gaussian baseline (Kerrigan et al., AISTATS 2023, Sec. 5 baselines): functional principal
// component analysis of the training functions with Gaussian scores.
//   mean       m = 1/N sum_i u_i
//   covariance C = 1/(N-1) sum_i (u_i - m)(u_i - m)^T = sum_k lambda_k v_k v_k^T (eigen, LAPACK
//              dsyevd; with N-1 < P the N x N Gram matrix G = X X^T / (N-1) of the centred data
//              X is decomposed instead, v_k = X^T w_k / sqrt((N-1) lambda_k), same nonzero
//              lambda_k)
//   scores     s_ik = <u_i - m, v_k> have mean 0 and variance lambda_k; the model keeps the M
//              leading components with independent scores N(0, lambda_k):
//   sample     u = m + sum_{k<M} sqrt(lambda_k) z_k v_k,  z_k ~ N(0, 1)
// so with M = rank(C) its covariance is exactly the sample covariance C.
#pragma once

#include "fieldgen/metrics/statistics.hpp"

#include <cstdint>
#include <vector>

namespace fieldgen::metrics {

class FpcaGaussian {
public:
  // UsageError unless training has >= 2 samples and 1 <= components; components above the
  // number of nonzero eigenvalues (at most min(N-1, P)) are clipped to it.
  FpcaGaussian(const SampleSet& training, long components);

  long components() const { return long(lambda_.size()); }
  const std::vector<double>& mean() const { return mean_; }
  const std::vector<double>& eigenvalues() const { return lambda_; } // descending
  // Component k as a function on the grid (orthonormal in R^P).
  const double* component(long k) const { return v_.data() + k * points(); }
  long points() const { return long(mean_.size()); }
  // The model covariance sum_{k<M} lambda_k v_k v_k^T, [P][P].
  std::vector<double> covariance() const;
  // n samples; draw i uses counter-based normals keyed (seed, "metrics.fpca") at index
  // i * M + k, so it does not depend on how many are drawn.
  SampleSet sample(long n, std::uint64_t seed) const;

private:
  std::vector<long> shape_;
  std::vector<double> mean_, lambda_, v_; // v_ [M][P]
};

} // namespace fieldgen::metrics
