// DSD lattice kernels: time grids (paper eq. 2 logit schedule, power schedules), K_t = exp(t r G)
// against a dense matrix exponential for both boundary kinds and both evaluation branches
// (uniformisation series, Fourier sum), stochasticity, symmetry, semigroup, the 2-D Kronecker-sum
// generator against the product form, tail accuracy against Bessel functions, and the cache's
// laziness and memory.
#include <doctest/doctest.h>

#include "dsd_dense.hpp"
#include "fieldgen/core/error.hpp"
#include "fieldgen/dsd/lattice_kernel.hpp"

#include <cmath>
#include <vector>

using namespace fieldgen;
using namespace fieldgen::dsd;

TEST_CASE("dsd logit and power time grids") {
  const TimeGrid g = TimeGrid::logit(2000);
  CHECK(g.steps() == 2000);
  CHECK(g.t(0) == 0.0);
  CHECK(g.t(1) == doctest::Approx(-std::log(1.0 - std::exp(-7.5)) / 2.5).epsilon(1e-12));
  CHECK(std::abs(g.t(2000) - 1.0) < 1e-12);
  bool increasing = true;
  for (int k = 1; k <= 2000; ++k)
    increasing = increasing && g.t(k) > g.t(k - 1);
  CHECK(increasing);
  // Midpoint of the logit: sigmoid(a + b/2) with a = logit(1 - e^-7.5), b as in eq. 2.
  const double a = std::log((1 - std::exp(-7.5)) / std::exp(-7.5));
  const double b = -a - std::log((1 - std::exp(-2.5)) / std::exp(-2.5));
  const TimeGrid h = TimeGrid::logit(3);
  CHECK(h.t(2) == doctest::Approx(std::log(1 + std::exp(-(a + 0.5 * b))) / 2.5).epsilon(1e-12));

  const TimeGrid p = TimeGrid::power(10, 2.0, 3.0);
  for (int k = 0; k <= 10; ++k)
    CHECK(p.t(k) == doctest::Approx(3.0 * (k / 10.0) * (k / 10.0)).epsilon(1e-14));
  CHECK_THROWS_AS(p.t(11), UsageError);
  CHECK_THROWS_AS(TimeGrid::power(0, 1.0), UsageError);
}

TEST_CASE("dsd 1-D kernels match the dense matrix exponential") {
  // r t in {3.75, 15, 33.75, 60}: the first two take the series, the last two the Fourier sum.
  const double rate = 3.0;
  const TimeGrid times = TimeGrid::power(4, 2.0, 20.0);
  for (int n : {1, 2, 5, 8, 17}) {
    for (bool periodic : {true, false}) {
      CAPTURE(n);
      CAPTURE(periodic);
      KernelCache cache({n}, {periodic ? Boundary::Periodic : Boundary::Reflecting}, rate, times);
      const dsd_test::Matrix g = dsd_test::generator(n, periodic);
      for (int k = 1; k <= times.steps(); ++k) {
        CAPTURE(k);
        const std::vector<double> kt = cache.dense(0, k);
        const dsd_test::Matrix ref = dsd_test::expm(g, n, rate * times.t(k));
        double row_err = 0, range_err = 0, sym_err = 0, ref_err = 0;
        for (int i = 0; i < n; ++i) {
          double row = 0;
          for (int j = 0; j < n; ++j) {
            const double v = kt[size_t(i * n + j)];
            row += v;
            range_err += (v < 0.0 || v > 1.0);
            sym_err = std::max(sym_err, std::abs(v - kt[size_t(j * n + i)]));
            ref_err = std::max(ref_err, std::abs(v - ref[size_t(i * n + j)]));
          }
          row_err = std::max(row_err, std::abs(row - 1.0));
        }
        CHECK(row_err < 1e-12);
        CHECK(range_err == 0);
        CHECK(sym_err < 1e-15);
        CHECK(ref_err < 1e-12);
      }
    }
  }
}

TEST_CASE("dsd kernels form a semigroup") {
  const int n = 9;
  const TimeGrid times = TimeGrid::power(6, 1.0, 30.0); // r t = 5 k: both branches
  for (Boundary b : {Boundary::Periodic, Boundary::Reflecting}) {
    KernelCache cache({n}, {b}, 1.0, times);
    for (auto [s, t] : {std::pair{1, 5}, std::pair{2, 4}, std::pair{3, 3}, std::pair{1, 2}}) {
      const auto ks = cache.dense(0, s), kt = cache.dense(0, t), kst = cache.dense(0, s + t);
      const auto prod = dsd_test::multiply(ks, kt, n);
      double err = 0;
      for (size_t i = 0; i < prod.size(); ++i)
        err = std::max(err, std::abs(prod[i] - kst[i]));
      CHECK(err < 1e-13);
    }
  }
}

TEST_CASE("dsd 2-D kernel is the product of the 1-D kernels") {
  const int n0 = 4, n1 = 3;
  const double rate = 0.7;
  const TimeGrid times = TimeGrid::logit(5);
  KernelCache cache({n0, n1}, {Boundary::Periodic, Boundary::Reflecting}, rate, times);
  const auto g2 = dsd_test::kronecker_sum(dsd_test::generator(n0, true), n0,
                                          dsd_test::generator(n1, false), n1);
  for (int k = 1; k <= times.steps(); ++k) {
    const auto dense = dsd_test::expm(g2, n0 * n1, rate * times.t(k));
    const auto k0 = cache.dense(0, k), k1 = cache.dense(1, k);
    double err = 0;
    for (int i0 = 0; i0 < n0; ++i0)
      for (int i1 = 0; i1 < n1; ++i1)
        for (int j0 = 0; j0 < n0; ++j0)
          for (int j1 = 0; j1 < n1; ++j1) {
            const double product = k0[size_t(i0 * n0 + j0)] * k1[size_t(i1 * n1 + j1)];
            err = std::max(
                err, std::abs(product - dense[size_t((i0 * n1 + i1) * n0 * n1 + j0 * n1 + j1)]));
          }
    CHECK(err < 1e-13);
  }
}

TEST_CASE("dsd series branch keeps the tails to full relative accuracy") {
  // On a ring too large to wrap, g(d) = e^{-2s} I_d(2s) (walk with rate 1 per direction).
  const int m = 200;
  for (double s : {1e-3, 0.5, 4.0, 20.0}) {
    const auto g = ring_displacement_pmf(m, s);
    double worst = 0;
    for (int d = 0; d <= 30; ++d) {
      const double exact = std::exp(-2 * s) * std::cyl_bessel_i(double(d), 2 * s);
      if (exact > 1e-290)
        worst = std::max(worst, std::abs(g[size_t(d)] / exact - 1.0));
      CHECK(g[size_t(d)] == g[size_t((m - d) % m)]);
    }
    CAPTURE(s);
    CHECK(worst < 1e-11);
  }
}

TEST_CASE("dsd kernel cache computes requested times only and shares equal axes") {
  const TimeGrid times = TimeGrid::logit(2000);
  KernelCache cache({256, 256, 64},
                    {Boundary::Reflecting, Boundary::Reflecting, Boundary::Periodic}, 1000.0,
                    times);
  CHECK(cache.cached_kernels() == 0);
  CHECK(cache.bytes() == 0);
  const Kernel1d a = cache.kernel(0, 17);
  const Kernel1d b = cache.kernel(1, 17); // same family: no new kernel
  CHECK(a.pmf == b.pmf);
  CHECK(a.ring == 512);
  CHECK(cache.cached_kernels() == 1);
  cache.kernel(2, 17);
  cache.kernel(0, 2000);
  CHECK(cache.cached_kernels() == 3);
  CHECK(cache.bytes() == size_t(2 * 8 * (512 + 64 + 512)));
  CHECK(cache.kernel(0, 17).pmf == a.pmf); // cached, not recomputed
  CHECK_THROWS_AS(cache.kernel(0, 0), UsageError);
  CHECK_THROWS_AS(cache.kernel(0, 2001), UsageError);
  CHECK_THROWS_AS(cache.kernel(3, 1), UsageError);
  CHECK_THROWS_AS(KernelCache({4}, {Boundary::Periodic}, -1.0, times), UsageError);
}
