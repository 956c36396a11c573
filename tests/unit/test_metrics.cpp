// metrics/: functional statistics against closed forms (autocorrelation and periodogram of
// sinusoids, KDE of a point mass, radial spectrum of a plane wave), same-law vs different-law
// comparisons, the FPCA-Gaussian baseline (M = all components reproduces the sample covariance,
// in both the covariance and the Gram regime) and GP regression (interpolation, vanishing
// variance at noise-free observations).
#include <doctest/doctest.h>

#include "fieldgen/core/error.hpp"
#include "fieldgen/core/rng.hpp"
#include "fieldgen/metrics/compare.hpp"
#include "fieldgen/metrics/fpca.hpp"
#include "fieldgen/metrics/gp_regression.hpp"
#include "fieldgen/metrics/json.hpp"

#include <cmath>
#include <cstdint>
#include <vector>

using namespace fieldgen;
using namespace fieldgen::metrics;

namespace {

constexpr double pi = 3.141592653589793238463;

// n random curves u(x) = scale * (a + b sin(2 pi x) + c x) + shift, a, b, c ~ N(0, 1) on p points.
SampleSet random_curves(long n, long p, std::uint64_t seed, double scale = 1, double shift = 0) {
  const CounterRng rng(seed, purpose_id("test.metrics"));
  SampleSet s{n, {p}, std::vector<double>(size_t(n * p))};
  for (long i = 0; i < n; ++i) {
    const double a = rng.normal(std::uint64_t(i), 0), b = rng.normal(std::uint64_t(i), 1),
                 c = rng.normal(std::uint64_t(i), 2);
    for (long j = 0; j < p; ++j) {
      const double x = double(j) / double(p - 1);
      s.values[size_t(i * p + j)] = scale * (a + b * std::sin(2 * pi * x) + c * x) + shift;
    }
  }
  return s;
}

} // namespace

TEST_CASE("identical sets give exactly zero metrics") {
  const SampleSet a = random_curves(50, 32, 1);
  const Comparison c = compare(a, a);
  CHECK(c.mean_mse == 0.0);
  CHECK(c.mean_max == 0.0);
  CHECK(c.std_mse == 0.0);
  CHECK(c.std_max == 0.0);
  CHECK(c.autocorrelation_mse == 0.0);
  CHECK(c.density_mse == 0.0);
  CHECK(c.spectrum_mse == 0.0);
  CHECK(c.density_grid.size() == 200);
  CHECK(c.candidate.autocorrelation.front() == doctest::Approx(1.0).epsilon(1e-12));
}

TEST_CASE("autocorrelation of sinusoids matches the closed form") {
  // u_j = a_i sin(theta j), theta = 2 pi f / P: zero mean and population std a_i / sqrt(2) over
  // whole periods, so z_j = sqrt(2/P) sin(theta j) for every a_i > 0 and
  // r_k = (2/P) sum_{j<P-k} sin(theta j) sin(theta (j+k))
  //     = (P-k)/P cos(theta k) - sin((P-k) theta) cos((P-1) theta) / (P sin theta).
  const long p = 64, f = 3;
  const double theta = 2 * pi * f / double(p);
  SampleSet s{4, {p}, std::vector<double>(size_t(4 * p))};
  for (long i = 0; i < 4; ++i)
    for (long j = 0; j < p; ++j)
      s.values[size_t(i * p + j)] = (0.5 + double(i)) * std::sin(theta * double(j));
  const std::vector<double> r = autocorrelation(s);
  REQUIRE(r.size() == size_t(p));
  for (long k = 0; k < p; ++k) {
    CAPTURE(k);
    const double expect = double(p - k) / double(p) * std::cos(theta * double(k)) -
                          std::sin(double(p - k) * theta) * std::cos(double(p - 1) * theta) /
                              (double(p) * std::sin(theta));
    CHECK(r[size_t(k)] == doctest::Approx(expect).epsilon(1e-10).scale(1));
  }
  // Constant curves are left out; all-constant sets have no autocorrelation.
  SampleSet flat{2, {8}, std::vector<double>(16, 3.0)};
  CHECK_THROWS_AS(autocorrelation(flat), DataError);
}

TEST_CASE("KDE of a point mass is the Gaussian kernel") {
  const double c = 0.7, h = 0.5;
  const SampleSet s{10, {5}, std::vector<double>(50, c)};
  const std::vector<double> grid = {-1.0, 0.0, 0.7, 1.3, 2.5};
  const std::vector<double> p = kde_density(s, grid, h);
  for (size_t g = 0; g < grid.size(); ++g)
    CHECK(p[g] == doctest::Approx(std::exp(-0.5 * (grid[g] - c) * (grid[g] - c) / (h * h)) /
                                  (h * std::sqrt(2 * pi)))
                      .epsilon(1e-13));
  // Large pools are linearly binned: the estimate stays within 1e-3 (relative to the peak) of
  // the exact sum, computed here directly.
  const SampleSet big = random_curves(400, 64, 7);
  std::vector<double> at;
  for (long g = 0; g < 60; ++g)
    at.push_back(-6 + 0.2 * double(g));
  const std::vector<double> binned = kde_density(big, at, h);
  double peak = 0;
  std::vector<double> exact(at.size(), 0.0);
  for (size_t g = 0; g < at.size(); ++g) {
    for (double v : big.values)
      exact[g] += std::exp(-0.5 * (at[g] - v) * (at[g] - v) / (h * h)) /
                  (h * std::sqrt(2 * pi) * double(big.values.size()));
    peak = std::max(peak, exact[g]);
  }
  CHECK(peak > 0.05);
  CHECK(max_abs_gap(binned, exact) < 1e-3 * peak);
  // The density grid spans both sets.
  const SampleSet t{1, {2}, {-2.0, 4.0}};
  const std::vector<double> g = density_grid(s, t, 7);
  CHECK(g.front() == -2.0);
  CHECK(g.back() == 4.0);
  CHECK(g[3] == doctest::Approx(1.0));
}

TEST_CASE("periodogram of a sinusoid and radial spectrum of a plane wave") {
  // sin(2 pi f j / P) has DFT coefficients -+ i P/2 at +-f: power (P/2)^2 / P = P/4 at k = f.
  const long p = 32, f = 5;
  SampleSet s{1, {p}, std::vector<double>(size_t(p))};
  for (long j = 0; j < p; ++j)
    s.values[size_t(j)] = std::sin(2 * pi * double(f * j) / double(p));
  const std::vector<double> ps = power_spectrum(s);
  REQUIRE(ps.size() == size_t(p / 2 + 1));
  for (long k = 0; k <= p / 2; ++k)
    CHECK(ps[size_t(k)] == doctest::Approx(k == f ? double(p) / 4 : 0.0).scale(1).epsilon(1e-10));

  // cos(2 pi (3 i / 16 + 4 j / 16)): coefficients n1 n2 / 2 at (3, 4) and (-3, -4), power
  // n1 n2 / 4 each, both in shell 5; the shell average divides by the modes in that shell.
  const long n = 16;
  SampleSet w{1, {n, n}, std::vector<double>(size_t(n * n))};
  for (long i = 0; i < n; ++i)
    for (long j = 0; j < n; ++j)
      w.values[size_t(i * n + j)] = std::cos(2 * pi * double(3 * i + 4 * j) / double(n));
  long shell5 = 0;
  for (long a = -n / 2 + 1; a <= n / 2; ++a)
    for (long b = -n / 2 + 1; b <= n / 2; ++b)
      shell5 += std::lround(std::sqrt(double(a * a + b * b))) == 5;
  const std::vector<double> radial = power_spectrum(w);
  REQUIRE(radial.size() == size_t(n / 2 + 1));
  for (long r = 0; r <= n / 2; ++r)
    CHECK(radial[size_t(r)] ==
          doctest::Approx(r == 5 ? 2.0 * double(n * n) / 4 / double(shell5) : 0.0)
              .scale(1)
              .epsilon(1e-10));
}

TEST_CASE("same law gives small metrics, a different law large ones") {
  const SampleSet a = random_curves(400, 32, 1), b = random_curves(400, 32, 2);
  const SampleSet c = random_curves(400, 32, 3, 2.0, 1.0); // scaled and shifted
  const Comparison same = compare(a, b), other = compare(c, b);
  CHECK(same.mean_mse < 0.02);
  CHECK(other.mean_mse > 0.5); // mean shifted by 1
  CHECK(same.std_max < 0.3);
  CHECK(other.std_mse > 20 * same.std_mse);
  CHECK(other.density_mse > 20 * same.density_mse);
  CHECK(other.spectrum_mse > 20 * same.spectrum_mse);
  CHECK(same.autocorrelation_mse < 1e-3);
  CHECK_THROWS_AS(compare(a, random_curves(10, 16, 1)), UsageError);
  // 2-D sets: autocorrelation is not defined, the rest is.
  const SampleSet f{a.n, {4, 8}, a.values};
  const Comparison two = compare(f, f);
  CHECK(std::isnan(two.autocorrelation_mse));
  CHECK(two.spectrum_mse == 0.0);
}

TEST_CASE("FPCA with all components reproduces the sample covariance") {
  // Covariance regime (N - 1 >= P) and Gram regime (N - 1 < P).
  for (long n : {60L, 10L}) {
    CAPTURE(n);
    const long p = 24;
    SampleSet s = random_curves(n, p, 5);
    const CounterRng rng(9, purpose_id("test.metrics.noise"));
    for (size_t v = 0; v < s.values.size(); ++v)
      s.values[v] += 0.1 * rng.normal(v, 0); // full rank when N - 1 >= P
    const FpcaGaussian model(s, p);
    CHECK(model.components() == std::min(n - 1, p));
    const std::vector<double> m = pointwise_mean(s);
    const std::vector<double> cov = model.covariance();
    double worst = 0, scale = 0;
    for (long i = 0; i < p; ++i)
      for (long j = 0; j < p; ++j) {
        double c = 0;
        for (long k = 0; k < n; ++k)
          c += (s.sample(k)[i] - m[size_t(i)]) * (s.sample(k)[j] - m[size_t(j)]);
        c /= double(n - 1);
        worst = std::max(worst, std::abs(cov[size_t(i * p + j)] - c));
        scale = std::max(scale, std::abs(c));
      }
    CHECK(worst < 1e-10 * scale);
    for (long k = 1; k < model.components(); ++k)
      CHECK(model.eigenvalues()[size_t(k)] <= model.eigenvalues()[size_t(k - 1)]);
    // Samples of the model have (approximately) the data's mean and covariance.
    const SampleSet draws = model.sample(20000, 3);
    const std::vector<double> dm = pointwise_mean(draws), ds = pointwise_std(draws);
    for (long i = 0; i < p; ++i) {
      const double sd = std::sqrt(cov[size_t(i * p + i)]);
      CHECK(std::abs(dm[size_t(i)] - m[size_t(i)]) < 5 * sd / std::sqrt(20000.0));
      CHECK(ds[size_t(i)] == doctest::Approx(sd).epsilon(0.05));
    }
    // Fewer components: the covariance keeps the M leading eigenvalues (trace = their sum).
    const FpcaGaussian two(s, 2);
    const std::vector<double> c2 = two.covariance();
    double trace = 0;
    for (long i = 0; i < p; ++i)
      trace += c2[size_t(i * p + i)];
    CHECK(trace == doctest::Approx(model.eigenvalues()[0] + model.eigenvalues()[1]));
  }
  CHECK_THROWS_AS(FpcaGaussian(random_curves(1, 8, 1), 2), UsageError);
  CHECK_THROWS_AS(FpcaGaussian(SampleSet{3, {4}, std::vector<double>(12, 1.0)}, 2), DataError);
}

TEST_CASE("GP posterior interpolates noise-free observations") {
  const gaussian::KernelParams k{gaussian::KernelType::Matern52, 1.3, 0.2, 1e-10};
  const long p = 41;
  std::vector<double> grid(static_cast<size_t>(p));
  for (long g = 0; g < p; ++g)
    grid[size_t(g)] = double(g) / double(p - 1);
  const std::vector<long> at = {4, 15, 30}; // observed grid indices
  std::vector<double> ox, oy;
  for (long g : at) {
    ox.push_back(grid[size_t(g)]);
    oy.push_back(std::sin(6 * grid[size_t(g)]));
  }
  const GpPosterior post = gp_posterior(k, 1, ox, oy, grid, 0.0);
  for (size_t o = 0; o < at.size(); ++o) {
    CHECK(post.mean[size_t(at[o])] == doctest::Approx(oy[o]).epsilon(1e-6));
    CHECK(post.std[size_t(at[o])] < 1e-4);
  }
  // Far from the data the posterior reverts to the prior N(0, variance).
  const GpPosterior far = gp_posterior(k, 1, {10.0}, {2.0}, grid, 0.0);
  for (long g = 0; g < p; ++g) {
    CHECK(std::abs(far.mean[size_t(g)]) < 1e-6);
    CHECK(far.std[size_t(g)] == doctest::Approx(std::sqrt(1.3)).epsilon(1e-6));
  }
  // Posterior draws pass through the observations and spread elsewhere.
  const std::vector<double> draws = post.sample(2000, 4);
  double spread = 0;
  for (long i = 0; i < 2000; ++i) {
    for (size_t o = 0; o < at.size(); ++o)
      CHECK(std::abs(draws[size_t(i * p + at[o])] - oy[o]) < 1e-3);
    spread +=
        (draws[size_t(i * p + 22)] - post.mean[22]) * (draws[size_t(i * p + 22)] - post.mean[22]);
  }
  CHECK(std::sqrt(spread / 2000) == doctest::Approx(post.std[22]).epsilon(0.08));
  // Noisy observations: the posterior keeps some variance at the data.
  const GpPosterior noisy = gp_posterior(k, 1, ox, oy, grid, 0.01);
  CHECK(noisy.std[size_t(at[0])] > 0.05);
  CHECK_THROWS_AS(gp_posterior(k, 1, {}, {}, grid, 0.0), UsageError);
}

TEST_CASE("JSON rendering of reports") {
  CHECK(json_number(0.1) == "0.10000000000000001");
  CHECK(json_number(std::nan("")) == "null");
  CHECK(json_number(-HUGE_VAL) == "null");
  CHECK(json_string("a\"b\\c\nd\x01") == "\"a\\\"b\\\\c\\nd\\u0001\"");
  CHECK(json_array({1, 2.5}) == "[1, 2.5]");
  JsonObject inner;
  inner.add("x", 1.0);
  JsonObject outer;
  outer.add("name", std::string("eval")).add("inner", inner);
  CHECK(outer.str() == "{\n  \"name\": \"eval\",\n  \"inner\": {\n    \"x\": 1\n  }\n}");
  CHECK(JsonObject().str() == "{}");
}
