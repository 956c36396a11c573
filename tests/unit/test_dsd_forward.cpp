// DSD exact forward sampler: mass conservation per channel in 2-D and 3-D, occupation moments
// against the analytic marginal (sums of independent Bernoullis), reverse-rate targets against a
// brute-force evaluation with the dense 2-D kernel, independence of batching, float vs double,
// and argument errors.
#include <doctest/doctest.h>

#include "dsd_dense.hpp"
#include "fieldgen/core/error.hpp"
#include "fieldgen/core/rng.hpp"
#include "fieldgen/dsd/forward_sampler.hpp"

#include <cmath>
#include <cstdint>
#include <vector>

using namespace fieldgen;
using namespace fieldgen::dsd;

namespace {

CountView random_counts(long nb, long nc, long np, int max_count, std::uint64_t seed) {
  CountView x("x0", size_t(nb), size_t(nc), size_t(np));
  auto h = Kokkos::create_mirror_view(x);
  CounterRng g(seed, purpose_id("test.dsd.counts"));
  for (long b = 0; b < nb; ++b)
    for (long c = 0; c < nc; ++c)
      for (long p = 0; p < np; ++p)
        h(b, c, p) = int(g.uniform(std::uint64_t((b * nc + c) * np + p), 0) * (max_count + 1));
  Kokkos::deep_copy(x, h);
  return x;
}

template <class Real> struct Output {
  CountView nt;
  RateView<Real> target;
};

template <class Real>
Output<Real> run(ForwardSampler<Real>& s, const CountView& x0, const std::vector<int>& steps,
                 const std::vector<std::uint64_t>& draws) {
  const int d = s.grid().dim();
  Output<Real> o{CountView("nt", x0.extent(0), x0.extent(1), x0.extent(2)),
                 RateView<Real>("target", x0.extent(0), x0.extent(1), size_t(2 * d), x0.extent(2))};
  s.sample(x0, steps, draws, o.nt, o.target);
  return o;
}

std::vector<std::uint64_t> iota_draws(long n, std::uint64_t first = 0) {
  std::vector<std::uint64_t> d(static_cast<size_t>(n));
  for (long i = 0; i < n; ++i)
    d[size_t(i)] = first + std::uint64_t(i);
  return d;
}

} // namespace

TEST_CASE("dsd forward sample conserves the mass of every channel (2-D and 3-D)") {
  const std::vector<Grid> grids = {Grid({6, 5}, {0, 0}, {1, 1}, {true, false}),
                                   Grid({4, 3, 5}, {0, 0, 0}, {1, 1, 1}, {false, true, false})};
  for (const Grid& grid : grids) {
    CAPTURE(grid.describe());
    const TimeGrid times = TimeGrid::logit(40);
    ForwardSampler<double> sampler(grid, 30.0, times, 11);
    const long nb = 3, nc = 2;
    const CountView x0 = random_counts(nb, nc, grid.size(), 9, 5);
    auto x0_h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), x0);
    long bad_mass = 0, negative = 0;
    for (int k = 1; k <= times.steps(); ++k) {
      const auto o = run(sampler, x0, {k, k, times.steps() + 1 - k}, {0, 1, 2});
      auto nt = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), o.nt);
      for (long b = 0; b < nb; ++b)
        for (long c = 0; c < nc; ++c) {
          long m0 = 0, mt = 0;
          for (long p = 0; p < grid.size(); ++p) {
            m0 += x0_h(b, c, p);
            mt += nt(b, c, p);
            negative += nt(b, c, p) < 0;
          }
          bad_mass += m0 != mt;
        }
    }
    CHECK(bad_mass == 0);
    CHECK(negative == 0);
    CHECK(sampler.cache().cached_kernels() == times.steps() * grid.dim()); // no equal axes
  }
}

TEST_CASE("dsd forward occupation moments match the analytic marginal") {
  // One starting configuration, N independent draws: the occupation of y is a sum over units of
  // Bernoulli(P_t(x0 -> y)), mean sum_x n0 P, variance sum_x n0 P (1 - P).
  const Grid grid({5, 4}, {0, 0}, {1, 1}, {true, false});
  const TimeGrid times = TimeGrid::power(3, 1.0, 1.0);
  const double rate = 0.8;
  ForwardSampler<double> sampler(grid, rate, times, 2024);
  const long n = 20000, np = grid.size();
  CountView x0("x0", size_t(n), 1, size_t(np));
  auto x0_h = Kokkos::create_mirror_view(x0);
  const int start[][2] = {{0, 0}, {2, 3}, {4, 1}};
  const int units[] = {3, 5, 2};
  for (long b = 0; b < n; ++b)
    for (int s = 0; s < 3; ++s)
      x0_h(b, 0, start[s][0] * 4 + start[s][1]) = units[s];
  Kokkos::deep_copy(x0, x0_h);
  for (int k : {1, 3}) {
    CAPTURE(k);
    const auto o = run(sampler, x0, std::vector<int>(size_t(n), k), iota_draws(n));
    auto nt = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), o.nt);
    const auto k0 = sampler.cache().dense(0, k), k1 = sampler.cache().dense(1, k);
    double worst_z = 0, worst_var = 0;
    for (int y0 = 0; y0 < 5; ++y0)
      for (int y1 = 0; y1 < 4; ++y1) {
        double mu = 0, var = 0;
        for (int s = 0; s < 3; ++s) {
          const double p = k0[size_t(start[s][0] * 5 + y0)] * k1[size_t(start[s][1] * 4 + y1)];
          mu += units[s] * p;
          var += units[s] * p * (1 - p);
        }
        double m1 = 0, m2 = 0;
        for (long b = 0; b < n; ++b) {
          const double v = nt(b, 0, y0 * 4 + y1);
          m1 += v;
          m2 += v * v;
        }
        m1 /= double(n);
        const double sample_var = m2 / double(n) - m1 * m1;
        worst_z = std::max(worst_z, std::abs(m1 - mu) / std::sqrt(var / double(n)));
        worst_var = std::max(worst_var, std::abs(sample_var / var - 1.0));
      }
    // 20 sites: P(|z| > 4.5) ~ 7e-6 each. The sample variance of a count with variance <= 2.5 has
    // relative standard error ~ sqrt((kurtosis - 1)/N) < 0.02 here; allow 4 of those.
    CHECK(worst_z < 4.5);
    CHECK(worst_var < 0.08);
  }
}

namespace {

// Brute force of R(y, v) = r sum_units P_t(x0 -> y + v) / P_t(x0 -> y) with the dense d-D kernel
// exp(t r G), G the Kronecker sum of the 1-D generators. Every field holds units at one origin
// per channel, so each unit's origin is known; origins cover corners, edges and the interior.
void check_targets_brute_force(const Grid& grid, double rate) {
  const int dim = grid.dim();
  const TimeGrid times = TimeGrid::logit(6);
  ForwardSampler<double> sampler(grid, rate, times, 99);
  int n[3] = {1, 1, 1};
  dsd_test::Matrix g = dsd_test::generator(int(grid.n(0)), grid.periodic(0));
  int np = int(grid.n(0));
  n[0] = np;
  for (int a = 1; a < dim; ++a) {
    n[a] = int(grid.n(a));
    g = dsd_test::kronecker_sum(g, np, dsd_test::generator(n[a], grid.periodic(a)), n[a]);
    np *= n[a];
  }
  const long nb = np;
  CountView x0("x0", size_t(nb), 2, size_t(np));
  auto x0_h = Kokkos::create_mirror_view(x0);
  for (long b = 0; b < nb; ++b) {
    x0_h(b, 0, b) = 1 + int(b % 7);
    x0_h(b, 1, (b * 7) % np) = 3;
  }
  Kokkos::deep_copy(x0, x0_h);
  for (int k = 1; k <= times.steps(); ++k) {
    CAPTURE(k);
    const auto dense = dsd_test::expm(g, np, rate * times.t(k));
    const auto o = run(sampler, x0, std::vector<int>(size_t(nb), k), iota_draws(nb, 100));
    auto nt = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), o.nt);
    auto target = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), o.target);
    double worst = 0;
    long moved = 0;
    for (long b = 0; b < nb; ++b)
      for (int c = 0; c < 2; ++c) {
        const long origin = c == 0 ? b : (b * 7) % np;
        for (long y = 0; y < np; ++y) {
          const double here = dense[size_t(origin * np + y)];
          const int yi[3] = {int(y / (n[1] * n[2])), int((y / n[2]) % n[1]), int(y % n[2])};
          moved += nt(b, c, y) > 0 && y != origin;
          for (int a = 0; a < dim; ++a)
            for (int s = -1; s <= 1; s += 2) {
              int z[3] = {yi[0], yi[1], yi[2]};
              z[a] += s;
              const bool inside = z[a] >= 0 && z[a] < n[a];
              z[a] = (z[a] + n[a]) % n[a];
              double expected = 0;
              if ((inside || grid.periodic(a)) && nt(b, c, y) > 0)
                expected = rate * nt(b, c, y) *
                           dense[size_t(origin * np + (z[0] * n[1] + z[1]) * n[2] + z[2])] / here;
              const double got = target(b, c, direction(a, s), y);
              worst = std::max(worst, std::abs(got - expected) / std::max(expected, 1e-300));
              if (expected == 0)
                worst = std::max(worst, std::abs(got));
            }
        }
      }
    CHECK(worst < 1e-9);
    if (k == times.steps())
      CHECK(moved > 0); // the check above saw units away from their origin
  }
}

} // namespace

TEST_CASE("dsd reverse-rate target matches brute force with the dense 2-D and 3-D kernels") {
  check_targets_brute_force(Grid({5, 4}, {0, 0}, {1, 1}, {true, false}), 1.3);
  check_targets_brute_force(Grid({3, 2, 4}, {0, 0, 0}, {1, 1, 1}, {false, true, false}), 0.9);
}

TEST_CASE("dsd forward sample of a field is independent of its batch slot") {
  const Grid grid({7, 6}, {0, 0}, {1, 1}, {false, false});
  const TimeGrid times = TimeGrid::logit(50);
  ForwardSampler<double> sampler(grid, 20.0, times, 7);
  ForwardSampler<float> sampler_f(grid, 20.0, times, 7);
  const long nb = 4, nc = 2, np = grid.size();
  const CountView x0 = random_counts(nb, nc, np, 12, 3);
  const std::vector<int> steps = {3, 50, 17, 1};
  const std::vector<std::uint64_t> draws = {40, 41, 7, 1000};
  const auto all = run(sampler, x0, steps, draws);
  const auto all_f = run(sampler_f, x0, steps, draws);
  auto nt_all = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), all.nt);
  auto r_all = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), all.target);
  auto nt_f = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), all_f.nt);
  auto r_f = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), all_f.target);
  long differ = 0, differ_f = 0;
  double worst_f = 0;
  for (long b = nb - 1; b >= 0; --b) { // one field at a time, in reverse order
    auto one = Kokkos::subview(x0, std::pair<long, long>(b, b + 1), Kokkos::ALL, Kokkos::ALL);
    CountView x1("x1", 1, size_t(nc), size_t(np));
    Kokkos::deep_copy(x1, one);
    const auto o = run(sampler, x1, {steps[size_t(b)]}, {draws[size_t(b)]});
    auto nt = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), o.nt);
    auto r = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), o.target);
    for (long c = 0; c < nc; ++c)
      for (long p = 0; p < np; ++p) {
        differ += nt(0, c, p) != nt_all(b, c, p);
        differ_f += nt_f(b, c, p) != nt_all(b, c, p);
        for (int v = 0; v < 4; ++v) {
          differ += r(0, c, v, p) != r_all(b, c, v, p);
          worst_f = std::max(worst_f, std::abs(double(r_f(b, c, v, p)) - r_all(b, c, v, p)) /
                                          std::max(1.0, r_all(b, c, v, p)));
        }
      }
  }
  CHECK(differ == 0);
  CHECK(differ_f == 0);  // same random numbers in float and double: same destinations
  CHECK(worst_f < 1e-5); // float accumulation of the rate sums
  // Another draw id moves the units differently.
  const auto other = run(sampler, x0, steps, {41, 42, 8, 1001});
  auto nt_other = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), other.nt);
  long changed = 0;
  for (long p = 0; p < np; ++p)
    changed += nt_other(1, 0, p) != nt_all(1, 0, p);
  CHECK(changed > 0);
}

TEST_CASE("dsd forward sampler rejects bad arguments") {
  const Grid grid({4, 4}, {0, 0}, {1, 1}, {true, true});
  ForwardSampler<double> sampler(grid, 1.0, TimeGrid::logit(10), 1);
  CountView x0("x0", 2, 1, 16), nt("nt", 2, 1, 16), wrong("wrong", 2, 1, 15);
  RateView<double> target("target", 2, 1, 4, 16), target3("t3", 2, 1, 6, 16);
  CHECK_THROWS_AS(sampler.sample(wrong, {1, 1}, {0, 1}, nt, target), UsageError);
  CHECK_THROWS_AS(sampler.sample(x0, {1}, {0, 1}, nt, target), UsageError);
  CHECK_THROWS_AS(sampler.sample(x0, {1, 11}, {0, 1}, nt, target), UsageError);
  CHECK_THROWS_AS(sampler.sample(x0, {1, 1}, {0, 1u << 30}, nt, target), UsageError);
  CHECK_THROWS_AS(sampler.sample(x0, {1, 1}, {0, 1}, nt, target3), UsageError);
  auto h = Kokkos::create_mirror_view(x0);
  h(1, 0, 3) = -1;
  Kokkos::deep_copy(x0, h);
  CHECK_THROWS_AS(sampler.sample(x0, {1, 1}, {0, 1}, nt, target), UsageError);
}
