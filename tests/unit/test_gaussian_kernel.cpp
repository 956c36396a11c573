// Kernel-Gram family: kernel formulas, empirical covariance of samples against K + jitter I,
// Cameron-Martin norm of K alpha, counter layout of the noise, float path, and the reference's
// projected H1 form against an independent dense computation.
#include <doctest/doctest.h>

#include "fieldgen/core/error.hpp"
#include "fieldgen/gaussian/kernel_measure.hpp"
#include "fieldgen/gaussian/kernel_sobolev.hpp"

#include <cmath>
#include <cstddef>
#include <vector>

using namespace fieldgen;
using namespace fieldgen::gaussian;

namespace {

const KernelType all_types[] = {KernelType::Exponential, KernelType::Matern32, KernelType::Matern52,
                                KernelType::Rbf};

// S = K + jitter I on the given points, straight from kernel_value.
std::vector<std::vector<double>> gram(const KernelParams& p, const Coordinates& x) {
  const long n = long(x.extent(0));
  std::vector<std::vector<double>> s(static_cast<size_t>(n), std::vector<double>(size_t(n)));
  for (long i = 0; i < n; ++i)
    for (long j = 0; j < n; ++j) {
      double r2 = 0;
      for (size_t a = 0; a < x.extent(1); ++a)
        r2 += (x(i, a) - x(j, a)) * (x(i, a) - x(j, a));
      s[size_t(i)][size_t(j)] = kernel_value(p, std::sqrt(r2)) + (i == j ? p.jitter : 0.0);
    }
  return s;
}

// Solves a x = b by Gauss-Jordan elimination with partial pivoting (small test matrices).
std::vector<std::vector<double>> inverse(std::vector<std::vector<double>> a) {
  const size_t n = a.size();
  std::vector<std::vector<double>> inv(n, std::vector<double>(n, 0.0));
  for (size_t i = 0; i < n; ++i)
    inv[i][i] = 1;
  for (size_t c = 0; c < n; ++c) {
    size_t piv = c;
    for (size_t r = c + 1; r < n; ++r)
      if (std::abs(a[r][c]) > std::abs(a[piv][c]))
        piv = r;
    std::swap(a[c], a[piv]);
    std::swap(inv[c], inv[piv]);
    const double d = a[c][c];
    for (size_t k = 0; k < n; ++k) {
      a[c][k] /= d;
      inv[c][k] /= d;
    }
    for (size_t r = 0; r < n; ++r)
      if (r != c) {
        const double f = a[r][c];
        for (size_t k = 0; k < n; ++k) {
          a[r][k] -= f * a[c][k];
          inv[r][k] -= f * inv[c][k];
        }
      }
  }
  return inv;
}

} // namespace

TEST_CASE("kernel formulas and names") {
  for (KernelType t : all_types) {
    CAPTURE(kernel_name(t));
    const KernelParams p{t, 2.5, 0.3, 0.0};
    CHECK(parse_kernel_type(kernel_name(t)) == t);
    CHECK(kernel_value(p, 0.0) == doctest::Approx(2.5).epsilon(1e-15));
    // d/dx' k(x, x') against a central difference of kernel_value in x'.
    for (double xp : {0.1, 0.55, 0.9}) {
      const double x = 0.4, h = 1e-6;
      const double fd =
          (kernel_value(p, std::abs(x - xp - h)) - kernel_value(p, std::abs(x - xp + h))) / (2 * h);
      CHECK(kernel_dxprime(p, x, xp) == doctest::Approx(fd).epsilon(1e-6));
    }
  }
  const KernelParams m32{KernelType::Matern32, 1.0, 0.2, 0.0};
  CHECK(kernel_value(m32, 0.2) ==
        doctest::Approx((1 + std::sqrt(3.0)) * std::exp(-std::sqrt(3.0))));
  CHECK_THROWS_AS(parse_kernel_type("matern12"), ConfigError);
  // A numerically singular Gram matrix (RBF, long length scale, no jitter) fails to factorise.
  CHECK_THROWS_AS(KernelMeasure<double>(KernelParams{KernelType::Rbf, 1.0, 0.5, 0.0},
                                        grid_coordinates(Grid::unit({200}))),
                  NumericError);
  CHECK_THROWS_AS(KernelMeasure<double>(KernelParams{KernelType::Rbf, 1.0, -1.0, 0.0},
                                        grid_coordinates(Grid::unit({8}))),
                  UsageError);
}

TEST_CASE("kernel samples have covariance K + jitter I") {
  const long m = 20000, n = 16;
  const Coordinates x = grid_coordinates(Grid::unit({n}));
  for (KernelType t : all_types) {
    CAPTURE(kernel_name(t));
    const KernelParams p{t, 1.7, 0.25, 1e-8};
    const KernelMeasure<double> measure(p, x);
    Tensor3<double> u("u", m, 1, n);
    measure.sample(u, CounterRng(11, purpose_id("test.kernel")), 3);
    const auto s = gram(p, x);
    long bad = 0;
    double worst = 0;
    for (long i = 0; i < n; ++i) {
      double mean = 0;
      for (long b = 0; b < m; ++b)
        mean += u(b, 0, i) / double(m);
      bad += std::abs(mean) > 5 * std::sqrt(s[size_t(i)][size_t(i)] / double(m));
      for (long j = 0; j <= i; ++j) {
        double c = 0;
        for (long b = 0; b < m; ++b)
          c += u(b, 0, i) * u(b, 0, j) / double(m);
        const double sij = s[size_t(i)][size_t(j)];
        // Standard error of the sample covariance of a centred Gaussian pair.
        const double se =
            std::sqrt((s[size_t(i)][size_t(i)] * s[size_t(j)][size_t(j)] + sij * sij) / double(m));
        worst = std::max(worst, std::abs(c - sij) / se);
        bad += std::abs(c - sij) > 5 * se;
      }
    }
    MESSAGE(kernel_name(t), ": largest covariance deviation ", worst, " standard errors");
    CHECK(bad == 0);
  }
}

TEST_CASE("kernel Cameron-Martin norm of S alpha is alpha^T S alpha / 2") {
  const Coordinates x = grid_coordinates(Grid({5, 6}, {0.0, -1.0}, {1.0, 0.5}, {false, false}));
  const long n = long(x.extent(0)), batch = 3, channels = 2;
  const CounterRng rng(5, purpose_id("test.alpha"));
  for (KernelType t : all_types) {
    CAPTURE(kernel_name(t));
    const KernelParams p{t, 0.8, 0.4, 1e-6};
    const KernelMeasure<double> measure(p, x);
    const auto s = gram(p, x);
    Tensor3<double> d("d", batch, channels, n), g("g", batch, channels, n);
    std::vector<double> expected(batch, 0.0);
    std::vector<std::vector<double>> alpha(batch * channels, std::vector<double>(size_t(n)));
    for (long b = 0; b < batch; ++b)
      for (long c = 0; c < channels; ++c) {
        auto& al = alpha[size_t(b * channels + c)];
        for (long i = 0; i < n; ++i)
          al[size_t(i)] = rng.normal(std::uint64_t((b * channels + c) * n + i), 0);
        for (long i = 0; i < n; ++i) {
          double v = 0;
          for (long j = 0; j < n; ++j)
            v += s[size_t(i)][size_t(j)] * al[size_t(j)];
          d(b, c, i) = v;
          expected[size_t(b)] += 0.5 * al[size_t(i)] * v;
        }
      }
    const std::vector<double> loss = measure.cm_norm2(d);
    const std::vector<double> loss2 = measure.cm_grad(d, g);
    double grad_err = 0, grad_norm = 0;
    for (long b = 0; b < batch; ++b) {
      CHECK(loss[size_t(b)] == doctest::Approx(expected[size_t(b)]).epsilon(1e-8));
      CHECK(loss2[size_t(b)] == doctest::Approx(expected[size_t(b)]).epsilon(1e-8));
      // The gradient S^{-1} d is alpha itself.
      for (long c = 0; c < channels; ++c)
        for (long i = 0; i < n; ++i) {
          const double a = alpha[size_t(b * channels + c)][size_t(i)];
          grad_err = std::max(grad_err, std::abs(g(b, c, i) - a));
          grad_norm = std::max(grad_norm, std::abs(a));
        }
    }
    CHECK(grad_err < 1e-6 * grad_norm);
  }
}

TEST_CASE("kernel noise counters: batch offsets and float path") {
  const Coordinates x = grid_coordinates(Grid::unit({12}));
  const KernelParams p{KernelType::Matern52, 1.0, 0.3, 1e-8};
  const KernelMeasure<double> md(p, x);
  const KernelMeasure<float> mf(p, x);
  const CounterRng rng(9, purpose_id("test.offsets"));
  Tensor3<double> all("all", 4, 2, 12), tail("tail", 2, 2, 12);
  Tensor3<float> all_f("all_f", 4, 2, 12);
  md.sample(all, rng, 7);
  md.sample(tail, rng, 7, 2); // items 2 and 3 of the same draw
  mf.sample(all_f, rng, 7);
  double diff = 0, diff_f = 0, other_step = 0;
  for (long b = 0; b < 4; ++b)
    for (long c = 0; c < 2; ++c)
      for (long i = 0; i < 12; ++i) {
        if (b >= 2)
          diff = std::max(diff, std::abs(all(b, c, i) - tail(b - 2, c, i)));
        diff_f = std::max(diff_f, std::abs(all(b, c, i) - double(all_f(b, c, i))));
      }
  md.sample(tail, rng, 8, 2);
  for (long i = 0; i < 12; ++i)
    other_step = std::max(other_step, std::abs(all(2, 0, i) - tail(0, 0, i)));
  CHECK(diff == 0.0);
  CHECK(diff_f < 1e-5);
  CHECK(other_step > 0.1); // another step is another draw
}

TEST_CASE("kernel H1 form matches the reference construction") {
  // Independent dense computation of Q_s = sym((I + D^T D)(C + C'D)^{-1}) on non-uniform points.
  const long n = 10;
  Coordinates x("x", n, 1);
  std::vector<double> xs(n);
  for (long i = 0; i < n; ++i)
    xs[size_t(i)] = x(i, 0) = double(i) / double(n - 1) + 0.02 * std::sin(3.0 * double(i));
  for (KernelType t : all_types) {
    CAPTURE(kernel_name(t));
    const KernelParams p{t, 1.3, 0.3, 1e-6};
    const auto c = gram(p, x);
    std::vector<std::vector<double>> d(n, std::vector<double>(n, 0.0)),
        m = c, b(n, std::vector<double>(n, 0.0));
    d[0][0] = -1 / (xs[1] - xs[0]);
    d[0][1] = -d[0][0];
    d[n - 1][n - 2] = -1 / (xs[n - 1] - xs[n - 2]);
    d[n - 1][n - 1] = -d[n - 1][n - 2];
    for (long j = 1; j < n - 1; ++j) {
      d[j][j - 1] = -1 / (xs[j + 1] - xs[j - 1]);
      d[j][j + 1] = -d[j][j - 1];
    }
    for (long i = 0; i < n; ++i)
      for (long j = 0; j < n; ++j) {
        b[i][j] = i == j;
        for (long k = 0; k < n; ++k) {
          m[i][j] += kernel_dxprime(p, xs[i], xs[k]) * d[k][j];
          b[i][j] += d[k][i] * d[k][j];
        }
      }
    const auto minv = inverse(m);
    std::vector<std::vector<double>> q(n, std::vector<double>(n, 0.0));
    for (long i = 0; i < n; ++i)
      for (long j = 0; j < n; ++j)
        for (long k = 0; k < n; ++k)
          q[i][j] += b[i][k] * minv[k][j];
    const double floor = 1e-5;
    const SobolevForm form = kernel_sobolev_form(p, xs, floor);
    const KernelMeasure<double> measure(p, x, LossSpace::H1, floor);
    CHECK(measure.sobolev_floored() == form.floored);
    Tensor3<double> dv("d", 1, 1, n);
    const CounterRng rng(3, purpose_id("test.h1"));
    for (long i = 0; i < n; ++i)
      dv(0, 0, i) = rng.normal(std::uint64_t(i), 0);
    double expected = 0, norm2 = 0;
    for (long i = 0; i < n; ++i) {
      norm2 += dv(0, 0, i) * dv(0, 0, i);
      for (long j = 0; j < n; ++j)
        expected += 0.5 * dv(0, 0, i) * 0.5 * (q[i][j] + q[j][i]) * dv(0, 0, j);
    }
    const double loss = measure.cm_norm2(dv)[0];
    MESSAGE(kernel_name(t), ": min eigenvalue of Q_s ", form.min_eig, ", floored ", form.floored);
    if (form.floored == 0)
      CHECK(loss == doctest::Approx(expected).epsilon(1e-7)); // no projection: Q_+ = Q_s
    else
      CHECK(loss >= expected - 1e-9 * std::abs(expected)); // flooring only raises eigenvalues
    CHECK(loss >= 0.5 * floor * norm2 * (1 - 1e-9));       // Q_+ >= floor I
  }
}
