// GP-regression posterior on a grid (formulas in gp_regression.hpp), dense double LAPACK through
// gaussian/dense.hpp.
#include "fieldgen/metrics/gp_regression.hpp"

#include "fieldgen/core/error.hpp"
#include "fieldgen/core/rng.hpp"
#include "fieldgen/gaussian/dense.hpp"

#include <algorithm>
#include <cmath>

namespace fieldgen::metrics {
namespace {

// K(a, b) [count_a x count_b], column-major, between point lists of dimension dim.
gaussian::DenseMatrix cross_kernel(const gaussian::KernelParams& k, int dim,
                                   const std::vector<double>& a, const std::vector<double>& b) {
  const long na = long(a.size()) / dim, nb = long(b.size()) / dim;
  gaussian::DenseMatrix m(na, nb);
  for (long j = 0; j < nb; ++j)
    for (long i = 0; i < na; ++i) {
      double r2 = 0;
      for (int d = 0; d < dim; ++d) {
        const double diff = a[size_t(i * dim + d)] - b[size_t(j * dim + d)];
        r2 += diff * diff;
      }
      m(i, j) = gaussian::kernel_value(k, std::sqrt(r2));
    }
  return m;
}

} // namespace

GpPosterior gp_posterior(const gaussian::KernelParams& kernel, int dim,
                         const std::vector<double>& obs_x, const std::vector<double>& obs_y,
                         const std::vector<double>& grid_x, double noise_variance) {
  gaussian::check_kernel_params(kernel);
  require(dim >= 1, "gp_posterior: dim = ", dim);
  const long m = long(obs_y.size()), p = long(grid_x.size()) / dim;
  require(m >= 1 && long(obs_x.size()) == m * dim, "gp_posterior: ", obs_x.size(),
          " coordinates for ", m, " observations in ", dim, "-D");
  require(p >= 1 && long(grid_x.size()) == p * dim, "gp_posterior: ", grid_x.size(),
          " grid coordinates in ", dim, "-D");
  require(noise_variance >= 0, "gp_posterior: noise variance ", noise_variance, " is negative");

  gaussian::DenseMatrix l = cross_kernel(kernel, dim, obs_x, obs_x);
  for (long i = 0; i < m; ++i)
    l(i, i) += noise_variance + kernel.jitter;
  gaussian::cholesky_lower(l);
  gaussian::DenseMatrix alpha(m, 1);
  std::copy(obs_y.begin(), obs_y.end(), alpha.a.begin());
  gaussian::cholesky_solve(l, alpha);
  gaussian::DenseMatrix v = cross_kernel(kernel, dim, obs_x, grid_x); // K_og, m x p
  gaussian::DenseMatrix kgg = cross_kernel(kernel, dim, grid_x, grid_x);

  GpPosterior post;
  post.points = p;
  post.mean.assign(size_t(p), 0.0);
  for (long g = 0; g < p; ++g)
    for (long i = 0; i < m; ++i)
      post.mean[size_t(g)] += v(i, g) * alpha.a[size_t(i)];
  gaussian::lower_solve(l, v); // V = L^{-1} K_og
  post.covariance.resize(size_t(p * p));
  post.std.resize(size_t(p));
  for (long g = 0; g < p; ++g)
    for (long h = 0; h < p; ++h) {
      double vv = 0;
      for (long i = 0; i < m; ++i)
        vv += v(i, g) * v(i, h);
      post.covariance[size_t(g * p + h)] = kgg(g, h) - vv;
    }
  for (long g = 0; g < p; ++g)
    post.std[size_t(g)] = std::sqrt(std::max(post.covariance[size_t(g * p + g)], 0.0));
  return post;
}

std::vector<double> GpPosterior::sample(long n, std::uint64_t seed) const {
  require(n >= 1, "GpPosterior::sample: n = ", n, " must be at least 1");
  gaussian::DenseMatrix e(points, points);
  std::copy(covariance.begin(), covariance.end(), e.a.begin()); // symmetric: layout irrelevant
  const std::vector<double> lambda = gaussian::symmetric_eigen(e);
  const CounterRng rng(seed, purpose_id("metrics.gp"));
  std::vector<double> out(size_t(n * points));
  for (long i = 0; i < n; ++i) {
    double* u = out.data() + i * points;
    std::copy(mean.begin(), mean.end(), u);
    for (long k = 0; k < points; ++k) {
      const double a = std::sqrt(std::max(lambda[size_t(k)], 0.0)) *
                       rng.normal(std::uint64_t(i * points + k), 0);
      for (long g = 0; g < points; ++g)
        u[g] += a * e(g, k);
    }
  }
  return out;
}

} // namespace fieldgen::metrics
