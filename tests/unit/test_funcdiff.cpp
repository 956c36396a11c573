// FuncDiff building blocks: closed-form schedules, time draws, exact moments of the forward
// marginal with the kernel measure, the noise loss (value, ELBO weight, finite-difference
// gradient), observation matching, and the sampler (exact variance recursion with a zero
// denoiser, hard conditioning through the observations, resolution change).
#include <doctest/doctest.h>

#include "fieldgen/core/error.hpp"
#include "fieldgen/funcdiff/loss.hpp"
#include "fieldgen/funcdiff/noising.hpp"
#include "fieldgen/funcdiff/observations.hpp"
#include "fieldgen/funcdiff/sampler.hpp"
#include "fieldgen/funcdiff/schedule.hpp"
#include "fieldgen/gaussian/kernel_measure.hpp"
#include "fieldgen/gaussian/white_noise.hpp"
#include "fieldgen/nn/fno.hpp"

#include <cmath>
#include <numeric>
#include <vector>

using namespace fieldgen;
using namespace fieldgen::funcdiff;

namespace {

gaussian::KernelParams exponential(double l) {
  gaussian::KernelParams p;
  p.type = gaussian::KernelType::Exponential;
  p.length_scale = l;
  p.variance = 1.0;
  p.jitter = 1e-10;
  return p;
}

template <class Real> Tensor3<Real> filled(long b, long n, double (*f)(long, long)) {
  Tensor3<Real> t("t", b, 1, n);
  auto h = Kokkos::create_mirror_view(t);
  for (long i = 0; i < b; ++i)
    for (long j = 0; j < n; ++j)
      h(i, 0, j) = Real(f(i, j));
  Kokkos::deep_copy(t, h);
  return t;
}

} // namespace

TEST_CASE("funcdiff: linear schedule matches its closed form") {
  const Schedule s = Schedule::linear(1000, 1e-4, 0.02);
  REQUIRE(s.steps() == 1000);
  CHECK(s.beta(0) == 0.0);
  CHECK(s.gamma(0) == 1.0);
  CHECK(s.beta(1) == doctest::Approx(1e-4).epsilon(1e-14));
  CHECK(s.beta(1000) == doctest::Approx(0.02).epsilon(1e-14));
  CHECK(s.beta(500) == doctest::Approx(1e-4 + 0.0199 * 499.0 / 999.0).epsilon(1e-14));
  CHECK(s.beta_tilde(1) == 0.0); // g_0 = 1
  double log_g = 0;
  for (long t = 1; t <= 1000; ++t) {
    log_g += std::log1p(-(1e-4 + 0.0199 * double(t - 1) / 999.0));
    CHECK(s.gamma(t) == doctest::Approx(std::exp(log_g)).epsilon(1e-12));
    const double bt = (1 - s.gamma(t - 1)) / (1 - s.gamma(t)) * s.beta(t);
    CHECK(s.beta_tilde(t) == doctest::Approx(bt).epsilon(1e-14));
    CHECK(s.beta_tilde(t) <= s.beta(t));
  }
  // g_T = prod (1 - b_t) ~ exp(-sum b_t) = exp(-10.05) to second order: ~4.0e-5 (Ho et al.).
  CHECK(s.gamma(1000) == doctest::Approx(4.04e-5).epsilon(0.02));
  CHECK_THROWS_AS(Schedule::linear(0), ConfigError);
  CHECK_THROWS_AS(Schedule::named("quadratic", 10, 1e-4, 0.02), ConfigError);
}

TEST_CASE("funcdiff: cosine schedule follows f(t)/f(0) until the clipping") {
  const long T = 1000;
  const Schedule s = Schedule::cosine(T);
  const double pi = 3.14159265358979323846;
  auto f = [&](long t) {
    const double c = std::cos((double(t) / T + 0.008) / 1.008 * pi / 2);
    return c * c;
  };
  for (long t : {1L, 10L, 200L, 500L, 900L})
    CHECK(s.gamma(t) == doctest::Approx(f(t) / f(0)).epsilon(1e-10));
  for (long t = 1; t <= T; ++t) {
    CHECK(s.beta(t) > 0);
    CHECK(s.beta(t) <= 0.999);
  }
  CHECK(s.beta(T) == 0.999); // clipped at the end, where f(T) = cos^2(pi/2) ~ 0
}

TEST_CASE("funcdiff: time draws are uniform on 1..T and independent of the split") {
  const CounterRng rng(7, purpose_id("train.t"));
  const long T = 50, n = 20000;
  const std::vector<long> t = draw_times(rng, T, 3, 0, n);
  std::vector<long> count(size_t(T + 1), 0);
  for (long v : t) {
    REQUIRE(v >= 1);
    REQUIRE(v <= T);
    ++count[size_t(v)];
  }
  // Each value has probability 1/T: count ~ Binomial(n, 1/T), sd = sqrt(n/T (1 - 1/T)) ~ 19.8.
  for (long v = 1; v <= T; ++v)
    CHECK(std::abs(double(count[size_t(v)]) - double(n) / T) < 5 * 19.8);
  const std::vector<long> a = draw_times(rng, T, 3, 0, 7), b = draw_times(rng, T, 3, 7, 5);
  for (long i = 0; i < 12; ++i)
    CHECK((i < 7 ? a[size_t(i)] : b[size_t(i - 7)]) == t[size_t(i)]);
  CHECK(draw_times(rng, T, 4, 0, 12) != std::vector<long>(t.begin(), t.begin() + 12));
}

TEST_CASE("funcdiff: forward marginal has mean sqrt(g_t) u0 and covariance (1 - g_t) C") {
  const long n = 12, draws = 40000, t = 300;
  const Schedule s = Schedule::linear(1000);
  const auto params = exponential(0.2);
  gaussian::KernelMeasure<double> measure(params, gaussian::grid_coordinates(Grid::unit({n})));
  // Every draw starts from the same u0(x) = sin(2 pi x) + x.
  const Tensor3<double> u0 = filled<double>(draws, n, [](long, long j) {
    const double x = double(j) / 11.0;
    return std::sin(6.283185307179586 * x) + x;
  });
  Tensor3<double> xi("xi", draws, 1, n), ut("ut", draws, 1, n);
  const std::vector<long> times(size_t(draws), t);
  noise_batch(s, measure, CounterRng(3, purpose_id("train.noise")), 0, 0, times, u0, xi, ut);
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), ut);
  const double g = s.gamma(t);
  std::vector<double> mean(size_t(n), 0.0);
  for (long b = 0; b < draws; ++b)
    for (long i = 0; i < n; ++i)
      mean[size_t(i)] += h(b, 0, i) / draws;
  for (long i = 0; i < n; ++i) {
    const double x = double(i) / 11.0;
    const double expect = std::sqrt(g) * (std::sin(6.283185307179586 * x) + x);
    // Standard error sqrt((1 - g) / draws) ~ 0.0047.
    CHECK(std::abs(mean[size_t(i)] - expect) < 5 * std::sqrt((1 - g) / draws));
  }
  for (long i = 0; i < n; i += 3)
    for (long j = 0; j < n; j += 2) {
      double c = 0;
      for (long b = 0; b < draws; ++b)
        c += (h(b, 0, i) - mean[size_t(i)]) * (h(b, 0, j) - mean[size_t(j)]);
      c /= double(draws - 1);
      const double k = gaussian::kernel_value(params, std::abs(double(i - j)) / 11.0) +
                       (i == j ? params.jitter : 0.0);
      // Sd of a sample covariance ~ (1 - g) sqrt((1 + rho^2) / draws) <= 0.0071 (1 - g).
      CHECK(std::abs(c - (1 - g) * k) < 5 * 0.0071 * (1 - g));
    }
}

TEST_CASE("funcdiff: noise loss is the batch mean of the CM norm, with its gradient") {
  const long n = 10, batch = 3;
  const Schedule s = Schedule::linear(100);
  gaussian::KernelMeasure<double> measure(exponential(0.3),
                                          gaussian::grid_coordinates(Grid::unit({n})));
  const Tensor3<double> xi = filled<double>(
      batch, n, [](long b, long j) { return std::cos(0.7 * double(j) + double(b)); });
  const Tensor3<double> pred =
      filled<double>(batch, n, [](long b, long j) { return 0.1 * double(j) - 0.2 * double(b); });
  const std::vector<long> t = {1, 40, 100};
  Tensor3<double> diff("diff", batch, 1, n);
  Kokkos::parallel_for(
      "test_diff", Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<2>>({0, 0}, {batch, n}),
      KOKKOS_LAMBDA(long b, long j) { diff(b, 0, j) = xi(b, 0, j) - pred(b, 0, j); });
  const std::vector<double> l = measure.cm_norm2(diff);
  for (bool elbo : {false, true}) {
    NoiseLoss<double> loss(measure, elbo);
    double expect = 0;
    for (long b = 0; b < batch; ++b)
      expect += (elbo ? elbo_weight(s, t[size_t(b)]) : 1.0) * l[size_t(b)] / batch;
    Tensor3<double> grad("grad", batch, 1, n);
    const double value = loss.value_and_grad(xi, pred, t, s, grad);
    CHECK(value == doctest::Approx(expect).epsilon(1e-12));
    CHECK(loss.value(xi, pred, t, s) == doctest::Approx(expect).epsilon(1e-12));
    // Central differences in every prediction entry.
    auto hp = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), pred);
    auto hg = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), grad);
    double err = 0, norm = 0;
    for (long b = 0; b < batch; ++b)
      for (long j = 0; j < n; ++j) {
        const double v = hp(b, 0, j), h = 1e-6;
        hp(b, 0, j) = v + h;
        Kokkos::deep_copy(pred, hp);
        const double up = loss.value(xi, pred, t, s);
        hp(b, 0, j) = v - h;
        Kokkos::deep_copy(pred, hp);
        const double down = loss.value(xi, pred, t, s);
        hp(b, 0, j) = v;
        Kokkos::deep_copy(pred, hp);
        const double fd = (up - down) / (2 * h);
        err += (fd - hg(b, 0, j)) * (fd - hg(b, 0, j));
        norm += fd * fd;
      }
    CHECK(std::sqrt(err / norm) < 1e-6);
  }
  // ELBO weight b^2 / (bt (1 - b)(1 - g)), with b_1 in place of bt_1 = 0.
  const double b40 = s.beta(40), g40 = s.gamma(40), bt40 = s.beta_tilde(40);
  CHECK(elbo_weight(s, 40) == doctest::Approx(b40 * b40 / (bt40 * (1 - b40) * (1 - g40))));
  CHECK(elbo_weight(s, 1) == doctest::Approx(s.beta(1) / ((1 - s.beta(1)) * (1 - s.gamma(1)))));
}

TEST_CASE("funcdiff: observations must sit on grid points") {
  const Grid grid = Grid::unit({11});
  const Observations o = match_to_grid(grid, {0.0, 0.3, 1.0}, {1.0, 2.0, 3.0}, "obs.csv");
  CHECK(o.index == std::vector<long>{0, 3, 10});
  CHECK(o.value == std::vector<double>{1.0, 2.0, 3.0});
  try {
    match_to_grid(grid, {0.35}, {1.0}, "obs.csv");
    FAIL("an off-grid observation was accepted");
  } catch (const DataError& e) {
    CHECK(std::string(e.what()).find("x = 0.35") != std::string::npos);
    CHECK(std::string(e.what()).find("obs.csv") != std::string::npos);
  }
  CHECK_THROWS_AS(match_to_grid(grid, {0.3, 0.3}, {1.0, 2.0}, "obs.csv"), DataError);
  CHECK_THROWS_AS(match_to_grid(grid, {1.1}, {1.0}, "obs.csv"), DataError);
}

namespace {

// A small FNO whose output is zero (all weights zero) or random (init).
struct TinyModel {
  nn::FnoConfig config;
  nn::Fno<double> fno;
  nn::Parameters<double> params;
  TinyModel(bool zero, long max_t) : config(make(max_t)), fno(config) {
    fno.reserve(params);
    params.allocate();
    fno.init(params, CounterRng(5, purpose_id("init")));
    if (zero)
      Kokkos::deep_copy(params.values(), 0.0);
  }
  static nn::FnoConfig make(long max_t) {
    nn::FnoConfig c;
    c.modes = {3};
    c.width = 4;
    c.depth = 2;
    c.projection = 8;
    c.max_t = double(max_t);
    return c;
  }
};

} // namespace

TEST_CASE("funcdiff: sampler variance with a zero denoiser follows the recursion") {
  // xi_theta = 0: u_{t-1} = u_t / sqrt(1 - b_t) + sqrt(bt_t) z, so with white noise every point
  // has variance v_0 from v_T = 1, v_{t-1} = v_t / (1 - b_t) + bt_t.
  const long T = 40, n = 6, count = 6000;
  const Schedule s = Schedule::linear(T, 1e-3, 0.2);
  TinyModel m(true, T);
  gaussian::WhiteNoise<double> measure(n);
  Sampler<double> sampler(m.fno, m.params, measure, s, 11);
  std::vector<double> out(size_t(count * n));
  sampler.generate(0, count, out.data());
  double v = 1;
  for (long t = T; t >= 1; --t)
    v = v / (1 - s.beta(t)) + s.beta_tilde(t);
  for (long i = 0; i < n; ++i) {
    double sum = 0, sq = 0;
    for (long k = 0; k < count; ++k) {
      sum += out[size_t(k * n + i)];
      sq += out[size_t(k * n + i)] * out[size_t(k * n + i)];
    }
    const double mean = sum / count, var = sq / count - mean * mean;
    CHECK(std::abs(mean) < 5 * std::sqrt(v / count));
    CHECK(var == doctest::Approx(v).epsilon(5 * std::sqrt(2.0 / count)));
  }
  // Sample k does not depend on the batch it is drawn in.
  std::vector<double> one(static_cast<size_t>(n));
  sampler.generate(17, 1, one.data());
  for (long i = 0; i < n; ++i)
    CHECK(one[size_t(i)] == out[size_t(17 * n + i)]);
}

TEST_CASE("funcdiff: hard conditioning passes through the observations at any resolution") {
  const long T = 30;
  const Schedule s = Schedule::linear(T, 1e-3, 0.2);
  TinyModel m(false, T);
  for (long n : {16L, 31L}) {
    const Grid grid = Grid::unit({n});
    gaussian::KernelMeasure<double> measure(exponential(0.1), gaussian::grid_coordinates(grid));
    Sampler<double> sampler(m.fno, m.params, measure, s, 2);
    const Observations obs =
        match_to_grid(grid, {0.0, grid.coord(0, 5), 1.0}, {0.5, -1.25, 2.0}, "test");
    const long count = 4;
    std::vector<double> hard(size_t(count * n)), soft(size_t(count * n)), free(size_t(count * n));
    sampler.generate(0, count, hard.data(), &obs, 0);
    sampler.generate(0, count, soft.data(), &obs, 10);
    sampler.generate(0, count, free.data());
    for (long k = 0; k < count; ++k)
      for (long j = 0; j < obs.size(); ++j) {
        const size_t at = size_t(k * n + obs.index[size_t(j)]);
        CHECK(hard[at] == doctest::Approx(obs.value[size_t(j)]).epsilon(1e-12));
        CHECK(std::abs(free[at] - obs.value[size_t(j)]) > 1e-6);
        CHECK(std::isfinite(soft[at]));
        CHECK(soft[at] != hard[at]); // the last n_free steps move the observed points
      }
  }
}

TEST_CASE("funcdiff: antithetic pairs negate the noise of their even partner") {
  // With the zero denoiser u_0 is linear in the Gaussian draws, so the odd sample of every pair
  // is exactly the negated even one; even samples are those of the plain sampler.
  const long T = 20, n = 8, count = 6;
  const Schedule s = Schedule::linear(T, 1e-3, 0.2);
  TinyModel m(true, T);
  gaussian::KernelMeasure<double> measure(exponential(0.2),
                                          gaussian::grid_coordinates(Grid::unit({n})));
  Sampler<double> plain(m.fno, m.params, measure, s, 5);
  Sampler<double> paired(m.fno, m.params, measure, s, 5, true);
  std::vector<double> a(size_t(count * n)), b(size_t(count * n));
  plain.generate(0, count, a.data());
  paired.generate(0, count, b.data());
  for (long p = 0; p < count / 2; ++p)
    for (long i = 0; i < n; ++i) {
      CHECK(b[size_t(2 * p * n + i)] == a[size_t(2 * p * n + i)]);
      CHECK(b[size_t((2 * p + 1) * n + i)] == -b[size_t(2 * p * n + i)]);
      CHECK(a[size_t((2 * p + 1) * n + i)] != -a[size_t(2 * p * n + i)]);
    }
  CHECK_THROWS_AS(paired.generate(1, 2, b.data()), UsageError);
  CHECK_THROWS_AS(paired.generate(0, 3, b.data()), UsageError);
}
