// Field datasets of `fieldgen data`: Gaussian random fields from the SPDE sampler (sample mean and
// pointwise variance against the exact discrete variance, lag-1 covariance against the spectral
// sum, independence of how the samples are split) and the thresholded two-phase microstructures
// (normal quantile, mean porosity against the target, per-sample spread, level cut of the GRF).
#include <doctest/doctest.h>

#include "fieldgen/core/error.hpp"
#include "fieldgen/data/gaussian_random_field.hpp"
#include "fieldgen/data/microstructure.hpp"

#include <cmath>
#include <cstdint>
#include <vector>

using namespace fieldgen;
using namespace fieldgen::data;

namespace {

const Grid periodic_32x32({32, 32}, {0.0, 0.0}, {1.0, 1.0}, {true, true});

struct Moments {
  double mean = 0, mean_error = 0, variance = 0;
};

// Pooled mean of n samples of p values with its standard error (from the spread of the per-sample
// spatial means, which are independent across samples), and the pooled variance about 0.
Moments moments(const std::vector<double>& u, long n, long p) {
  Moments m;
  double sq_means = 0;
  for (long s = 0; s < n; ++s) {
    double sample_mean = 0;
    for (long i = 0; i < p; ++i) {
      const double v = u[size_t(s * p + i)];
      sample_mean += v;
      m.variance += v * v;
    }
    sample_mean /= double(p);
    m.mean += sample_mean;
    sq_means += sample_mean * sample_mean;
  }
  m.mean /= double(n);
  m.variance /= double(n * p);
  m.mean_error = std::sqrt((sq_means / double(n) - m.mean * m.mean) / double(n));
  return m;
}

} // namespace

TEST_CASE("grf: sample mean 0 and pointwise variance = the exact discrete variance (2-D, 3-D)") {
  struct Case {
    Grid grid;
    int order;
    long n;
  };
  // l = 0.1: about 10 correlation lengths per axis, so a field holds ~100 (2-D) / ~1000 (3-D)
  // nearly independent values and the pooled variance has a relative standard error of about
  // sqrt(2 / (n * 100)) = 1% (2-D, n = 200) and 1.4% (3-D, n = 10).
  const Case cases[] = {
      {periodic_32x32, 2, 200},
      {Grid({32, 32}, {0.0, 0.0}, {1.0, 1.0}, {false, false}), 2, 200},
      {Grid({16, 16, 16}, {0.0, 0.0, 0.0}, {1.0, 1.0, 1.0}, {true, true, true}), 2, 10}};
  for (const Case& c : cases) {
    CAPTURE(c.grid.describe());
    const GaussianRandomField f(c.grid, GrfParams{c.order, 2.0, 0.1}, 7);
    std::vector<double> u(size_t(c.n * f.points()));
    f.generate(0, c.n, u.data());
    const Moments m = moments(u, c.n, f.points());
    const double v = f.mean_pointwise_variance();
    MESSAGE(c.grid.describe(), ": mean ", m.mean, ", variance ", m.variance, ", exact discrete ", v,
            " (continuum 2), standard error of the mean ", m.mean_error);
    CHECK(std::abs(m.mean) < 4 * m.mean_error);
    CHECK(m.mean_error < 0.1);
    CHECK(std::abs(m.variance / v - 1) < 0.05);
    // Periodic: within a few per cent of the continuum variance (spde_measure.hpp); reflecting
    // walls raise it (twice the variance at a wall in the continuum; 2.6 here, l = 3.1 h).
    if (c.grid.periodic(0))
      CHECK(std::abs(v / 2.0 - 1) < 0.1);
    else
      CHECK(v > 2.2);
  }
}

TEST_CASE("grf: lag-1 correlation of a periodic field matches the spectral sum") {
  // Cov(u_i, u_{i + e_1}) / Var(u_i) = sum_j w_j cos(2 pi j_1 / n) / sum_j w_j with the
  // eigenvalue weights w_j = (kappa^2 + mu(j_0) + mu(j_1))^-a of S (periodic Fourier modes).
  const GaussianRandomField f(periodic_32x32, GrfParams{2, 1.0, 0.1}, 3);
  const double pi = 3.141592653589793238462643, h = 1.0 / 32;
  const double kappa2 = 2.0 / (0.1 * 0.1); // kappa = sqrt(2 nu) / l, nu = a - d/2 = 1
  double num = 0, den = 0;
  for (long j0 = 0; j0 < 32; ++j0)
    for (long j1 = 0; j1 < 32; ++j1) {
      const double s0 = std::sin(pi * double(j0) / 32), s1 = std::sin(pi * double(j1) / 32);
      const double w = 1 / std::pow(kappa2 + 4 * (s0 * s0 + s1 * s1) / (h * h), 2);
      num += w * std::cos(2 * pi * double(j1) / 32);
      den += w;
    }
  const long n = 200;
  std::vector<double> u(size_t(n * f.points()));
  f.generate(0, n, u.data());
  double c0 = 0, c1 = 0;
  for (long s = 0; s < n; ++s)
    for (long i = 0; i < 32; ++i)
      for (long j = 0; j < 32; ++j) {
        const double a = u[size_t(s * 1024 + i * 32 + j)];
        c0 += a * a;
        c1 += a * u[size_t(s * 1024 + i * 32 + (j + 1) % 32)];
      }
  MESSAGE("lag-1 correlation ", c1 / c0, ", exact ", num / den);
  // Standard error of the ratio ~ (1 - rho^2) / sqrt(effective pairs ~ 2e4) < 0.01.
  CHECK(std::abs(c1 / c0 - num / den) < 0.02);
}

TEST_CASE("grf: sample i does not depend on how the samples are split; seeds differ") {
  const GaussianRandomField f(Grid({12, 10}, {0.0, 0.0}, {1.0, 1.0}, {true, false}),
                              GrfParams{2, 1.0, 0.2}, 5);
  const long n = 37, p = f.points(); // more than one chunk of 16
  std::vector<double> whole(size_t(n * p)), parts(size_t(n * p));
  f.generate(0, n, whole.data());
  f.generate(0, 20, parts.data());
  f.generate(20, n - 20, parts.data() + 20 * p);
  CHECK(whole == parts);
  const GaussianRandomField other(Grid({12, 10}, {0.0, 0.0}, {1.0, 1.0}, {true, false}),
                                  GrfParams{2, 1.0, 0.2}, 6);
  std::vector<double> u(size_t(n * p));
  other.generate(0, n, u.data());
  CHECK(u != whole);
  CHECK_THROWS_AS(GaussianRandomField(Grid::unit({8, 8}), GrfParams{1, 1.0, 0.1}, 1), UsageError);
  CHECK_THROWS_AS(GaussianRandomField(Grid::unit({8, 8}), GrfParams{2, 1.0, 0.0}, 1), UsageError);
}

TEST_CASE("normal quantile inverts the normal CDF") {
  CHECK(normal_quantile(0.5) == doctest::Approx(0.0).epsilon(1e-15));
  CHECK(normal_quantile(0.975) == doctest::Approx(1.959963984540054).epsilon(1e-14));
  CHECK(normal_quantile(0.4) == doctest::Approx(-0.2533471031357997).epsilon(1e-14));
  for (double p : {1e-300, 1e-10, 0.01, 0.3, 0.9, 1 - 1e-12}) {
    const double x = normal_quantile(p);
    CHECK(0.5 * std::erfc(-x / std::sqrt(2.0)) == doctest::Approx(p).epsilon(1e-10));
  }
  CHECK_THROWS_AS(normal_quantile(0.0), UsageError);
  CHECK_THROWS_AS(normal_quantile(1.0), UsageError);
}

TEST_CASE("microstructure: mean porosity = target, per-sample spread, level cut of the GRF") {
  const long n = 200, p = 1024;
  for (double phi : {0.4, 0.15}) {
    CAPTURE(phi);
    const Microstructure m(periodic_32x32, GrfParams{2, 1.0, 0.1}, phi, 9);
    std::vector<std::uint8_t> phase(size_t(n * p));
    m.generate(0, n, phase.data());
    double sum = 0, sq = 0;
    for (long s = 0; s < n; ++s) {
      long pores = 0;
      for (long i = 0; i < p; ++i) {
        REQUIRE(phase[size_t(s * p + i)] <= 1);
        pores += phase[size_t(s * p + i)];
      }
      const double porosity = double(pores) / double(p);
      sum += porosity;
      sq += porosity * porosity;
    }
    const double mean = sum / double(n), spread = std::sqrt(sq / double(n) - mean * mean);
    MESSAGE("target ", phi, ": porosity mean ", mean, ", std over samples ", spread);
    // Each site is a pore with probability exactly phi (periodic grid): the standard error of the
    // mean is spread / sqrt(n) ~ 0.004.
    CHECK(std::abs(mean - phi) < 4 * spread / std::sqrt(double(n)) + 1e-3);
    CHECK(spread > 0.01); // porosity varies per sample (mass conditioning needs that)
    CHECK(spread < 0.15);
  }
  // The phases are the level cut of GRF samples of the same seed.
  const Microstructure m(periodic_32x32, GrfParams{2, 1.0, 0.1}, 0.4, 9);
  const GaussianRandomField f(periodic_32x32, GrfParams{2, 1.0, 0.1}, 9);
  std::vector<double> u(size_t(3 * p));
  std::vector<std::uint8_t> phase(size_t(3 * p));
  f.generate(5, 3, u.data());
  m.generate(5, 3, phase.data());
  CHECK(m.threshold() ==
        doctest::Approx(normal_quantile(0.4) * std::sqrt(f.mean_pointwise_variance())));
  for (size_t i = 0; i < u.size(); ++i)
    REQUIRE(phase[i] == (u[i] < m.threshold() ? 1 : 0));
  CHECK_THROWS_AS(Microstructure(periodic_32x32, GrfParams{}, 1.0, 1), UsageError);
}
