// GP-regression baseline for conditional tasks (Kerrigan et al., AISTATS 2023, Sec. 5.2): given
// observations (x_o, y_o) and a kernel k (gaussian/kernels.hpp), the posterior of f ~ GP(0, k)
// on grid points x_g, with observation noise variance s2 (0 for exact interpolation):
//   L L^T = K_oo + (s2 + jitter) I                       (Cholesky, dpotrf)
//   mean  = K_go (K_oo + (s2 + jitter) I)^{-1} y_o
//   cov   = K_gg - V^T V,  V = L^{-1} K_og
//   std   = sqrt(max(diag cov, 0))
// Posterior samples mean + E sqrt(max(Lambda, 0)) z with cov = E Lambda E^T (dsyevd): the
// eigen-decomposition tolerates the exactly singular directions that noise-free observations
// leave in cov, where a Cholesky factorisation would fail.
#pragma once

#include "fieldgen/gaussian/kernels.hpp"

#include <cstdint>
#include <vector>

namespace fieldgen::metrics {

struct GpPosterior {
  long points = 0;
  std::vector<double> mean, std;
  std::vector<double> covariance; // [points][points]

  // n draws [n][points]; draw i uses counter-based normals keyed (seed, "metrics.gp") at index
  // i * points + k.
  std::vector<double> sample(long n, std::uint64_t seed) const;
};

// Points are [count][dim] row-major. UsageError on inconsistent sizes or no observations;
// NumericError if the observation Gram matrix is not positive definite.
GpPosterior gp_posterior(const gaussian::KernelParams& kernel, int dim,
                         const std::vector<double>& obs_x, const std::vector<double>& obs_y,
                         const std::vector<double>& grid_x, double noise_variance);

} // namespace fieldgen::metrics
