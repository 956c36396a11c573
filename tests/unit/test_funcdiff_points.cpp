// FuncDiff on scattered points (the GNO case): random point sets (sorted, in (0, 1), a function of
// the seed), MoGP at arbitrary points (bitwise the grid generator on grid points; exact mean and
// variance per component at random points), observations placed into a point set (matched or
// inserted, indices into the sorted set), and the sampler with a GNO denoiser conditioned at an
// inserted off-grid point (hard conditioning passes through it).
#include <doctest/doctest.h>

#include "fieldgen/core/error.hpp"
#include "fieldgen/data/mogp.hpp"
#include "fieldgen/data/point_set.hpp"
#include "fieldgen/funcdiff/observations.hpp"
#include "fieldgen/funcdiff/sampler.hpp"
#include "fieldgen/gaussian/kernel_measure.hpp"
#include "fieldgen/mesh/grid.hpp"
#include "fieldgen/nn/gno.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

using namespace fieldgen;

TEST_CASE("point set: random points are sorted, in (0, 1), and a function of the seed") {
  const gaussian::Coordinates a = data::random_points(7, 50, 1), b = data::random_points(7, 50, 1);
  const gaussian::Coordinates c = data::random_points(8, 50, 1);
  REQUIRE(a.extent(0) == 50);
  REQUIRE(a.extent(1) == 1);
  bool differs = false;
  for (long i = 0; i < 50; ++i) {
    CHECK(a(i, 0) > 0.0);
    CHECK(a(i, 0) < 1.0);
    CHECK(a(i, 0) == b(i, 0));
    if (i > 0)
      CHECK(a(i - 1, 0) <= a(i, 0));
    differs = differs || a(i, 0) != c(i, 0);
  }
  CHECK(differs);
  // Spread over the interval: 50 uniform draws leave no half empty.
  CHECK(a(0, 0) < 0.5);
  CHECK(a(49, 0) > 0.5);
  // 2-D: axis 0 holds the same draws as the 1-D set of as many points, unsorted.
  const gaussian::Coordinates p = data::random_points(7, 10, 2), q = data::random_points(7, 10, 1);
  REQUIRE(p.extent(1) == 2);
  std::vector<double> axis0;
  for (long i = 0; i < 10; ++i) {
    axis0.push_back(p(i, 0));
    CHECK(p(i, 1) > 0.0);
    CHECK(p(i, 1) < 1.0);
  }
  std::sort(axis0.begin(), axis0.end());
  for (long i = 0; i < 10; ++i)
    CHECK(axis0[size_t(i)] == q(i, 0));
  CHECK(data::repeat_points(p, 3).size() == 60);
  CHECK(data::repeat_points(p, 3)[20 + 3] == p(1, 1));
}

TEST_CASE("mogp at points: grid points give generate_mogp bit for bit") {
  const long n = 17, count = 5;
  const Grid grid = Grid::unit({n});
  std::vector<double> x(static_cast<size_t>(n));
  for (long j = 0; j < n; ++j)
    x[size_t(j)] = grid.coord(0, j);
  std::vector<double> a(size_t(count * n)), b(size_t(count * n));
  std::vector<std::int64_t> ca(static_cast<size_t>(count)), cb(static_cast<size_t>(count));
  data::generate_mogp(4, n, 3, count, a.data(), ca.data());
  data::generate_mogp_at(4, x, 3, count, b.data(), cb.data());
  CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
  CHECK(ca == cb);
}

TEST_CASE("mogp at points: per-component mean and variance at random points") {
  // u = m_c(x) + L z with m_0 = 10 x - 5, m_1 = -10 x + 5 and Var u(x) = 0.4 + 1e-6 (mogp.hpp).
  const long n = 12, count = 4000;
  const gaussian::Coordinates pts = data::random_points(3, n, 1);
  const std::vector<double> x(pts.data(), pts.data() + n);
  std::vector<double> u(size_t(count * n));
  std::vector<std::int64_t> c(static_cast<size_t>(count));
  data::generate_mogp_at(11, x, 0, count, u.data(), c.data());
  for (int comp = 0; comp < 2; ++comp)
    for (long j = 0; j < n; ++j) {
      double sum = 0, sq = 0;
      long m = 0;
      for (long s = 0; s < count; ++s)
        if (c[size_t(s)] == comp) {
          const double v = u[size_t(s * n + j)];
          sum += v;
          sq += v * v;
          ++m;
        }
      CHECK(m == count / 2); // components exactly balanced
      const double mean = sum / double(m), var = sq / double(m) - mean * mean;
      const double want = comp == 0 ? 10 * x[size_t(j)] - 5 : -10 * x[size_t(j)] + 5;
      const double v = 0.4 + 1e-6;
      CHECK(std::abs(mean - want) < 5 * std::sqrt(v / double(m)));
      CHECK(var == doctest::Approx(v).epsilon(5 * std::sqrt(2.0 / double(m))));
    }
}

TEST_CASE("observations: placed into a point set, matched or inserted in sorted order") {
  gaussian::Coordinates pts = gaussian::grid_coordinates(Grid::unit({11})); // 0, 0.1, .., 1
  const funcdiff::Observations obs =
      funcdiff::place_observations(pts, {0.35, 0.3, 1.0, 0.051}, {1.0, 2.0, 3.0, 4.0}, "obs.csv");
  REQUIRE(pts.extent(0) == 13);
  for (long i = 1; i < 13; ++i)
    CHECK(pts(i - 1, 0) < pts(i, 0));
  REQUIRE(obs.size() == 4);
  CHECK(pts(obs.index[0], 0) == 0.35);
  CHECK(pts(obs.index[1], 0) == doctest::Approx(0.3).epsilon(1e-15));
  CHECK(pts(obs.index[2], 0) == 1.0);
  CHECK(pts(obs.index[3], 0) == 0.051);
  CHECK(obs.index[1] == 4); // 0, 0.051, 0.1, 0.2, 0.3
  CHECK(obs.value == std::vector<double>{1.0, 2.0, 3.0, 4.0});
  gaussian::Coordinates again = gaussian::grid_coordinates(Grid::unit({11}));
  CHECK_THROWS_AS(funcdiff::place_observations(again, {0.35, 0.35}, {1.0, 2.0}, "o"), DataError);
  gaussian::Coordinates plane = data::random_points(1, 5, 2);
  CHECK_THROWS_AS(funcdiff::place_observations(plane, {0.5}, {1.0}, "o"), ConfigError);
}

TEST_CASE("funcdiff sampler with a GNO: hard conditioning at an inserted off-grid point") {
  const long T = 20, count = 3;
  const funcdiff::Schedule s = funcdiff::Schedule::linear(T, 1e-3, 0.2);
  nn::GnoConfig config;
  config.width = 4;
  config.kernel_width = 8;
  config.depth = 2;
  config.radius = 0.3;
  config.max_t = double(T);
  nn::Gno<double> gno(config);
  nn::Parameters<double> params;
  gno.reserve(params);
  params.allocate();
  gno.init(params, CounterRng(5, purpose_id("init")));
  gaussian::Coordinates pts = data::random_points(2, 20, 1);
  const funcdiff::Observations obs =
      funcdiff::place_observations(pts, {0.5, 0.123456}, {1.5, -2.0}, "test");
  REQUIRE(pts.extent(0) == 22);
  const long n = 22;
  Tensor2<double> x("x", n, 1);
  auto hx = Kokkos::create_mirror_view(x);
  for (long i = 0; i < n; ++i)
    hx(i, 0) = pts(i, 0);
  Kokkos::deep_copy(x, hx);
  gno.set_points(x);
  gaussian::KernelParams k;
  k.type = gaussian::KernelType::Exponential;
  k.length_scale = 0.1;
  k.jitter = 1e-10;
  gaussian::KernelMeasure<double> measure(k, pts);
  funcdiff::Sampler<double> sampler(gno, params, measure, s, 3);
  std::vector<double> hard(size_t(count * n)), free(size_t(count * n));
  sampler.generate(0, count, hard.data(), &obs, 0);
  sampler.generate(0, count, free.data());
  for (long b = 0; b < count; ++b) {
    for (long j = 0; j < obs.size(); ++j) {
      const size_t at = size_t(b * n + obs.index[size_t(j)]);
      CHECK(hard[at] == doctest::Approx(obs.value[size_t(j)]).epsilon(1e-12));
      CHECK(std::abs(free[at] - obs.value[size_t(j)]) > 1e-6);
    }
    for (long i = 0; i < n; ++i)
      CHECK(std::isfinite(free[size_t(b * n + i)]));
  }
}
