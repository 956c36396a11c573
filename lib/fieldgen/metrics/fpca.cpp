// FPCA-Gaussian baseline (formulas in fpca.hpp): eigen-decomposition of the P x P covariance or,
// with fewer samples than points, of the N x N Gram matrix (cheaper, same nonzero spectrum).
#include "fieldgen/metrics/fpca.hpp"

#include "fieldgen/core/error.hpp"
#include "fieldgen/core/rng.hpp"
#include "fieldgen/gaussian/dense.hpp"

#include <algorithm>
#include <cmath>

namespace fieldgen::metrics {

FpcaGaussian::FpcaGaussian(const SampleSet& training, long components) : shape_(training.shape) {
  training.check("FpcaGaussian");
  require(training.n >= 2, "FpcaGaussian: needs at least 2 training samples, got ", training.n);
  require(components >= 1, "FpcaGaussian: components = ", components, " must be at least 1");
  const long n = training.n, p = training.points();
  mean_ = pointwise_mean(training);
  // Centred data X, column-major P x N: column i is u_i - m.
  gaussian::DenseMatrix x(p, n);
  for (long i = 0; i < n; ++i)
    for (long j = 0; j < p; ++j)
      x(j, i) = training.sample(i)[j] - mean_[size_t(j)];
  const bool gram = n - 1 < p;
  // C = X X^T / (N-1) (P x P), or G = X^T X / (N-1) (N x N) from the N x P copy X^T.
  gaussian::DenseMatrix a;
  if (gram) {
    gaussian::DenseMatrix xt(n, p);
    for (long i = 0; i < n; ++i)
      for (long j = 0; j < p; ++j)
        xt(i, j) = x(j, i);
    a = gaussian::multiply_transposed(xt, xt);
  } else {
    a = gaussian::multiply_transposed(x, x);
  }
  for (double& v : a.a)
    v /= double(n - 1);
  const std::vector<double> w = gaussian::symmetric_eigen(a); // ascending
  // Nonzero eigenvalues only: relative cut at 1e-12 of the largest (round-off level of dsyevd).
  const double cut = 1e-12 * std::max(w.back(), 0.0);
  const long dim = a.rows;
  for (long k = dim - 1; k >= 0 && long(lambda_.size()) < components; --k) {
    if (!(w[size_t(k)] > cut))
      break;
    lambda_.push_back(w[size_t(k)]);
    const size_t row = v_.size();
    v_.resize(row + size_t(p));
    if (!gram) {
      for (long j = 0; j < p; ++j)
        v_[row + size_t(j)] = a(j, k);
      continue;
    }
    // v = X w / sqrt((N-1) lambda): unit norm since w^T X^T X w = (N-1) lambda.
    const double scale = 1.0 / std::sqrt(double(n - 1) * w[size_t(k)]);
    for (long j = 0; j < p; ++j) {
      double sum = 0;
      for (long i = 0; i < n; ++i)
        sum += x(j, i) * a(i, k);
      v_[row + size_t(j)] = sum * scale;
    }
  }
  if (lambda_.empty())
    throw DataError("FpcaGaussian: the training samples are all identical (zero covariance)");
}

std::vector<double> FpcaGaussian::covariance() const {
  const long p = points();
  std::vector<double> c(size_t(p * p), 0.0);
  for (long k = 0; k < components(); ++k) {
    const double* v = component(k);
    for (long i = 0; i < p; ++i)
      for (long j = 0; j < p; ++j)
        c[size_t(i * p + j)] += lambda_[size_t(k)] * v[i] * v[j];
  }
  return c;
}

SampleSet FpcaGaussian::sample(long n, std::uint64_t seed) const {
  require(n >= 1, "FpcaGaussian::sample: n = ", n, " must be at least 1");
  const CounterRng rng(seed, purpose_id("metrics.fpca"));
  const long p = points(), m = components();
  SampleSet s;
  s.n = n;
  s.shape = shape_;
  s.values.resize(size_t(n * p));
  for (long i = 0; i < n; ++i) {
    double* u = s.values.data() + i * p;
    std::copy(mean_.begin(), mean_.end(), u);
    for (long k = 0; k < m; ++k) {
      const double z = rng.normal(std::uint64_t(i * m + k), 0);
      const double a = std::sqrt(lambda_[size_t(k)]) * z;
      const double* v = component(k);
      for (long j = 0; j < p; ++j)
        u[j] += a * v[j];
    }
  }
  return s;
}

} // namespace fieldgen::metrics
