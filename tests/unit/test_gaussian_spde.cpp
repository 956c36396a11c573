// Whittle-Matern SPDE family on one rank: closed-form Matern constants, the discrete covariance
// against the Matern kernel it is parameterised to match, the discrete pointwise variance against
// the requested one, Fourier spectra of samples against s^2 h^-d (kappa^2 + lambda_j)^-a,
// Cameron-Martin and H1 norms of discrete eigenfunctions (periodic and reflecting), float path
// and argument errors.
#include <doctest/doctest.h>

#include "fieldgen/core/error.hpp"
#include "fieldgen/gaussian/kernels.hpp"
#include "fieldgen/gaussian/matern.hpp"
#include "fieldgen/gaussian/spde_measure.hpp"

#include <cmath>
#include <complex>
#include <cstddef>
#include <vector>

using namespace fieldgen;
using namespace fieldgen::gaussian;

namespace {

const double pi = 3.141592653589793238462643;

// Eigenvalue of -L_h for the periodic Fourier mode j along one axis.
double periodic_lambda(const Grid& g, int axis, long j) {
  const double s = std::sin(pi * double(j) / double(g.n(axis)));
  return 4 * s * s / (g.h(axis) * g.h(axis));
}

// The discrete pointwise variance of a periodic grid, s^2 h^-d (1/N) sum_j (kappa^2 + lambda_j)^-a.
double periodic_variance(const Grid& g, int order, double kappa, double scale) {
  std::vector<std::vector<double>> lam(static_cast<size_t>(g.dim()));
  for (int a = 0; a < g.dim(); ++a)
    for (long j = 0; j < g.n(a); ++j)
      lam[size_t(a)].push_back(periodic_lambda(g, a, j));
  double sum = 0;
  const long n0 = g.n(0), n1 = g.dim() > 1 ? g.n(1) : 1;
  for (long j0 = 0; j0 < n0; ++j0)
    for (long j1 = 0; j1 < n1; ++j1) {
      const double l = lam[0][size_t(j0)] + (g.dim() > 1 ? lam[1][size_t(j1)] : 0.0);
      sum += std::pow(kappa * kappa + l, -order);
    }
  return scale * scale / g.cell_volume() * sum / double(g.size());
}

// Dense S = s^2 h^-d A^-a with A = kappa^2 I + D^T D assembled edge by edge (test-side, for tiny
// grids): an edge joins each node to its successor along an axis, wrapping on periodic axes.
std::vector<std::vector<double>> dense_covariance(const Grid& g, int order, double kappa,
                                                  double scale) {
  const long n = g.size();
  std::vector<std::vector<double>> a(static_cast<size_t>(n), std::vector<double>(size_t(n), 0.0));
  std::vector<long> stride(size_t(g.dim()), 1);
  for (int ax = g.dim() - 2; ax >= 0; --ax)
    stride[size_t(ax)] = stride[size_t(ax + 1)] * g.n(ax + 1);
  for (long i = 0; i < n; ++i) {
    a[size_t(i)][size_t(i)] += kappa * kappa;
    for (int ax = 0; ax < g.dim(); ++ax) {
      const long k = (i / stride[size_t(ax)]) % g.n(ax);
      if (!g.periodic(ax) && k == g.n(ax) - 1)
        continue;
      const long j = i + ((k + 1) % g.n(ax) - k) * stride[size_t(ax)];
      const double w = 1 / (g.h(ax) * g.h(ax));
      a[size_t(i)][size_t(i)] += w;
      a[size_t(j)][size_t(j)] += w;
      a[size_t(i)][size_t(j)] -= w;
      a[size_t(j)][size_t(i)] -= w;
    }
  }
  // Gauss-Jordan inverse of the SPD matrix A (no pivoting needed), then its a-th power.
  std::vector<std::vector<double>> inv(static_cast<size_t>(n), std::vector<double>(size_t(n), 0.0));
  for (long i = 0; i < n; ++i)
    inv[size_t(i)][size_t(i)] = 1;
  for (long c = 0; c < n; ++c) {
    const double p = a[size_t(c)][size_t(c)];
    for (long k = 0; k < n; ++k) {
      a[size_t(c)][size_t(k)] /= p;
      inv[size_t(c)][size_t(k)] /= p;
    }
    for (long r = 0; r < n; ++r)
      if (r != c) {
        const double f = a[size_t(r)][size_t(c)];
        for (long k = 0; k < n; ++k) {
          a[size_t(r)][size_t(k)] -= f * a[size_t(c)][size_t(k)];
          inv[size_t(r)][size_t(k)] -= f * inv[size_t(c)][size_t(k)];
        }
      }
  }
  std::vector<std::vector<double>> s = inv;
  for (int p = 1; p < order; ++p) {
    std::vector<std::vector<double>> t(static_cast<size_t>(n), std::vector<double>(size_t(n), 0.0));
    for (long i = 0; i < n; ++i)
      for (long j = 0; j < n; ++j)
        for (long k = 0; k < n; ++k)
          t[size_t(i)][size_t(j)] += s[size_t(i)][size_t(k)] * inv[size_t(k)][size_t(j)];
    s = t;
  }
  for (auto& row : s)
    for (double& v : row)
      v *= scale * scale / g.cell_volume();
  return s;
}

} // namespace

TEST_CASE("Whittle-Matern closed forms") {
  // a = 1 in 1-D is the Ornstein-Uhlenbeck process: variance 1 / (2 kappa).
  CHECK(matern_unit_variance(1, 1, 3.0) == doctest::Approx(1.0 / 6.0).epsilon(1e-14));
  // a = 2 in 2-D (nu = 1): variance 1 / (4 pi kappa^2).
  CHECK(matern_unit_variance(2, 2, 2.0) == doctest::Approx(1.0 / (16 * pi)).epsilon(1e-14));
  CHECK(matern_kappa(2, 1, 0.5) == doctest::Approx(std::sqrt(3.0) / 0.5));
  CHECK(matern_kappa(3, 3, 0.2) == doctest::Approx(std::sqrt(3.0) / 0.2));
  CHECK_THROWS_AS(matern_smoothness(1, 2), UsageError);
  CHECK_THROWS_AS(matern_smoothness(2, 4), UsageError);
  const Decomposition bad(Grid({2, 8}, {0.0, 0.0}, {1.0, 1.0}, {true, false}), MPI_COMM_SELF);
  CHECK_THROWS_AS(SpdeMeasure<double>(bad, SpdeParams{}), UsageError);
  // CG limited to one iteration cannot reach rtol 1e-12: the solve reports a NumericError.
  const Decomposition dec(Grid::unit({30, 30}), MPI_COMM_SELF);
  const SpdeMeasure<double> starved(dec, SpdeParams{2, 1.0, 0.1, 1e-12, 1});
  Tensor3<double> u("u", 1, 1, 900);
  CHECK_THROWS_AS(starved.sample(u, CounterRng(1, 2), 0), NumericError);
}

TEST_CASE("Whittle-Matern discrete covariance matches the Matern kernel") {
  // Periodic 1-D grid, large domain (periodisation error exp(-kappa L / 2) < 1e-11) and fine
  // spacing (l / h = 32): covariance of u_0 and u_j against the Matern-3/2 (a = 2) and
  // Matern-5/2 (a = 3) kernels of the same length scale.
  const Grid g({1024}, {0.0}, {8.0}, {true});
  const Decomposition dec(g, MPI_COMM_SELF);
  for (int order : {2, 3}) {
    CAPTURE(order);
    const SpdeParams p{order, 2.0, 0.25};
    const SpdeMeasure<double> m(dec, p);
    const KernelParams k{order == 2 ? KernelType::Matern32 : KernelType::Matern52, p.variance,
                         p.length_scale, 0.0};
    double worst = 0;
    for (long j = 0; j <= 128; j += 4) {
      double cov = 0;
      for (long mode = 0; mode < g.n(0); ++mode)
        cov += std::pow(m.kappa() * m.kappa() + periodic_lambda(g, 0, mode), -order) *
               std::cos(2 * pi * double(mode * j) / double(g.n(0)));
      cov *= m.scale() * m.scale() / g.h(0) / double(g.n(0));
      worst = std::max(worst, std::abs(cov - kernel_value(k, double(j) * g.h(0))));
    }
    MESSAGE("a = ", order, ": max |discrete covariance - Matern kernel| = ", worst, " (variance ",
            p.variance, ")");
    CHECK(worst < 5e-3 * p.variance);
  }
}

TEST_CASE("Whittle-Matern discrete pointwise variance against the target") {
  struct Case {
    Grid grid;
    int order;
    double length;
    double tolerance;
  };
  // l / h = 25.6 and 4 in 1-D; l / h = 12.8 in 2-D.
  const Case cases[] = {{Grid({256}, {0.0}, {1.0}, {true}), 2, 0.1, 0.01},
                        {Grid({256}, {0.0}, {1.0}, {true}), 2, 4.0 / 256, 0.05},
                        {Grid({256}, {0.0}, {1.0}, {true}), 1, 0.1, 0.01},
                        {Grid({128, 128}, {0.0, 0.0}, {1.0, 1.0}, {true, true}), 2, 0.1, 0.05},
                        {Grid({128, 128}, {0.0, 0.0}, {1.0, 1.0}, {true, true}), 3, 0.1, 0.02}};
  for (const Case& c : cases) {
    const Decomposition dec(c.grid, MPI_COMM_SELF);
    const SpdeMeasure<double> m(dec, SpdeParams{c.order, 1.0, c.length});
    const double v = periodic_variance(c.grid, c.order, m.kappa(), m.scale());
    MESSAGE(c.grid.describe(), " a=", c.order, " l/h=", c.length / c.grid.h(0),
            ": discrete pointwise variance / target = ", v);
    CHECK(std::abs(v - 1.0) < c.tolerance);
  }
}

TEST_CASE("Whittle-Matern samples have covariance s^2 h^-d A^-a (reflecting and periodic)") {
  // Entrywise against a dense inverse, on tiny grids with reflecting axes (where the Fourier test
  // below does not apply) and odd orders (noise k W1 + D^T W2 on nodes and edges).
  struct Case {
    Grid grid;
    int order;
  };
  const Case cases[] = {
      {Grid({8}, {0.0}, {1.0}, {false}), 3},
      {Grid({4, 3}, {0.0, 0.0}, {1.0, 0.6}, {false, true}), 3},
      {Grid({3, 2, 2}, {0.0, 0.0, 0.0}, {1.0, 1.0, 1.0}, {false, false, false}), 2}};
  const long m = 20000;
  for (const Case& c : cases) {
    CAPTURE(c.grid.describe());
    const long n = c.grid.size();
    const Decomposition dec(c.grid, MPI_COMM_SELF);
    const SpdeMeasure<double> measure(dec, SpdeParams{c.order, 1.0, 0.4});
    Tensor3<double> u("u", m, 1, n);
    measure.sample(u, CounterRng(31, purpose_id("test.spde.cov")), 0);
    const auto s = dense_covariance(c.grid, c.order, measure.kappa(), measure.scale());
    long bad = 0;
    double worst = 0;
    for (long i = 0; i < n; ++i)
      for (long j = 0; j <= i; ++j) {
        double cov = 0;
        for (long b = 0; b < m; ++b)
          cov += u(b, 0, i) * u(b, 0, j) / double(m);
        const double sij = s[size_t(i)][size_t(j)];
        const double se =
            std::sqrt((s[size_t(i)][size_t(i)] * s[size_t(j)][size_t(j)] + sij * sij) / double(m));
        worst = std::max(worst, std::abs(cov - sij) / se);
        bad += std::abs(cov - sij) > 5 * se;
      }
    MESSAGE(c.grid.describe(), " a=", c.order, ": largest covariance deviation ", worst,
            " standard errors");
    CHECK(bad == 0);
    // The loss of a sample is 1/2 chi^2_N: mean N/2, standard error sqrt(N/2 / m).
    const std::vector<double> loss = measure.cm_norm2(u);
    double mean = 0;
    for (double l : loss)
      mean += l / double(m);
    CHECK(std::abs(mean - 0.5 * double(n)) < 5 * std::sqrt(0.5 * double(n) / double(m)));
  }
}

TEST_CASE("Whittle-Matern sample spectra match s^2 h^-d (kappa^2 + lambda)^-a") {
  struct Case {
    Grid grid;
    int order;
    long samples;
  };
  const Case cases[] = {{Grid({64}, {0.0}, {2.0}, {true}), 2, 4000},
                        {Grid({64}, {0.0}, {2.0}, {true}), 1, 4000},
                        {Grid({16, 12}, {0.0, 0.0}, {1.0, 0.75}, {true, true}), 2, 2000},
                        {Grid({16, 12}, {0.0, 0.0}, {1.0, 0.75}, {true, true}), 3, 2000}};
  for (const Case& c : cases) {
    CAPTURE(c.grid.describe());
    CAPTURE(c.order);
    const Grid& g = c.grid;
    const Decomposition dec(g, MPI_COMM_SELF);
    const SpdeMeasure<double> m(dec, SpdeParams{c.order, 1.3, 0.2});
    Tensor3<double> u("u", c.samples, 1, g.size());
    m.sample(u, CounterRng(21, purpose_id("test.spectrum")), 0);
    const long n0 = g.n(0), n1 = g.dim() > 1 ? g.n(1) : 1, n = g.size();
    double mean_z2 = 0, worst = 0;
    long bad = 0;
    for (long j0 = 0; j0 < n0; ++j0)
      for (long j1 = 0; j1 < n1; ++j1) {
        // Mean |u_hat(j)|^2 over the samples; E = N s^2 h^-d (kappa^2 + lambda_j)^-a.
        std::vector<std::complex<double>> phase(static_cast<size_t>(n));
        for (long i = 0; i < n; ++i)
          phase[size_t(i)] = std::polar(
              1.0,
              -2 * pi * (double(j0 * (i / n1)) / double(n0) + double(j1 * (i % n1)) / double(n1)));
        double power = 0;
        for (long b = 0; b < c.samples; ++b) {
          std::complex<double> f = 0;
          for (long i = 0; i < n; ++i)
            f += u(b, 0, i) * phase[size_t(i)];
          power += std::norm(f) / double(c.samples);
        }
        const double lambda =
            periodic_lambda(g, 0, j0) + (g.dim() > 1 ? periodic_lambda(g, 1, j1) : 0.0);
        const double expected = double(n) * m.scale() * m.scale() / g.cell_volume() *
                                std::pow(m.kappa() * m.kappa() + lambda, -c.order);
        // |u_hat|^2 is sigma^2 chi^2_1 for real modes (2 j = 0 mod n on every axis), else
        // sigma^2 chi^2_2 / 2: relative standard error sqrt(2/M) or sqrt(1/M).
        const bool real_mode = (2 * j0) % n0 == 0 && (2 * j1) % n1 == 0;
        const double se = std::sqrt((real_mode ? 2.0 : 1.0) / double(c.samples));
        const double z = (power / expected - 1) / se;
        mean_z2 += z * z / double(n);
        worst = std::max(worst, std::abs(z));
        bad += std::abs(z) > 5;
      }
    MESSAGE(g.describe(), " a=", c.order, ": mean z^2 over modes ", mean_z2, ", max |z| ", worst);
    CHECK(bad == 0);
    CHECK(mean_z2 < 1.5);
    CHECK(m.system().iterations() < 30 * m.system().solves()); // AMG keeps CG short
  }
}

TEST_CASE("Whittle-Matern norms of discrete eigenfunctions") {
  // Periodic axes: cos(2 pi m i / n), eigenvalue 4/h^2 sin^2(pi m / n). Reflecting axes:
  // cos(pi m (i + 1/2) / n), eigenvalue 4/h^2 sin^2(pi m / (2n)) of the no-flux -L_h. Each has
  // sum_i f_i^2 = n/2, so L = 1/2 s^-2 h^d (kappa^2 + lambda)^a N/2^d, times (1 + lambda) for H1.
  struct Case {
    Grid grid;
    int order;
    std::vector<long> mode;
  };
  const Case cases[] = {
      {Grid({40}, {0.0}, {1.0}, {true}), 2, {3}},
      {Grid({33}, {0.0}, {2.0}, {false}), 3, {5}},
      {Grid({24, 20}, {0.0, 0.0}, {1.0, 1.0}, {true, false}), 2, {2, 7}},
      {Grid({10, 9, 8}, {0.0, 0.0, 0.0}, {1.0, 1.0, 1.0}, {false, true, false}), 3, {1, 2, 3}}};
  for (const Case& c : cases) {
    CAPTURE(c.grid.describe());
    const Grid& g = c.grid;
    const Decomposition dec(g, MPI_COMM_SELF);
    Tensor3<double> d("d", 1, 1, g.size());
    double lambda = 0, squares = 1;
    for (int a = 0; a < g.dim(); ++a) {
      const long n = g.n(a), mode = c.mode[size_t(a)];
      const double s = std::sin(pi * double(mode) / double(g.periodic(a) ? n : 2 * n));
      lambda += 4 * s * s / (g.h(a) * g.h(a));
      squares *= double(n) / 2;
    }
    for (long i = 0; i < g.size(); ++i) {
      long rest = i;
      double v = 1;
      for (int a = g.dim() - 1; a >= 0; --a) {
        const long n = g.n(a), k = rest % n, mode = c.mode[size_t(a)];
        rest /= n;
        v *= g.periodic(a) ? std::cos(2 * pi * double(mode * k) / double(n))
                           : std::cos(pi * double(mode) * (double(k) + 0.5) / double(n));
      }
      d(0, 0, i) = v;
    }
    for (LossSpace space : {LossSpace::L2, LossSpace::H1}) {
      const SpdeMeasure<double> m(dec, SpdeParams{c.order, 0.7, 0.15}, space);
      double expected = 0.5 / (m.scale() * m.scale()) * g.cell_volume() *
                        std::pow(m.kappa() * m.kappa() + lambda, c.order) * squares;
      if (space == LossSpace::H1)
        expected *= 1 + lambda;
      CHECK(m.cm_norm2(d)[0] == doctest::Approx(expected).epsilon(1e-10));
    }
  }
}

TEST_CASE("Whittle-Matern float and double samples agree") {
  const Decomposition dec(Grid({20, 18}, {0.0, 0.0}, {1.0, 1.0}, {false, true}), MPI_COMM_SELF);
  const SpdeParams p{3, 1.0, 0.2};
  const SpdeMeasure<double> md(dec, p);
  const SpdeMeasure<float> mf(dec, p);
  Tensor3<double> ud("ud", 2, 2, 360);
  Tensor3<float> uf("uf", 2, 2, 360);
  const CounterRng rng(4, purpose_id("test.float"));
  md.sample(ud, rng, 1);
  mf.sample(uf, rng, 1);
  double diff = 0, scale = 0;
  for (long b = 0; b < 2; ++b)
    for (long c = 0; c < 2; ++c)
      for (long i = 0; i < 360; ++i) {
        diff = std::max(diff, std::abs(ud(b, c, i) - double(uf(b, c, i))));
        scale = std::max(scale, std::abs(ud(b, c, i)));
      }
  CHECK(scale > 0.5);
  CHECK(diff < 1e-6 * scale);
}
