// Graph neural operator on points split over ranks by slabs along axis 0 (PointHalo ghosts of
// width r): every rank's outputs and input gradients equal those of the unsplit GNO on all the
// points, and the ranks' parameter-gradient shares sum to the unsplit gradients, in 1-D and 2-D,
// with and without a periodic axis, with a radius wider than a slab (ghosts from several ranks).
// Double, to 1e-12.
#include <doctest/doctest.h>

#include "test_views.hpp"

#include "fieldgen/core/comm.hpp"
#include "fieldgen/core/rng.hpp"
#include "fieldgen/nn/gno.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

using namespace fieldgen;
using namespace fieldgen::nn;
using fieldgen::testing::host;

namespace {

// max |a - b| / max(1, max |b|): absolute for values of order one, relative for the larger
// parameter gradients (sums over all points).
double max_diff(const std::vector<double>& a, const std::vector<double>& b) {
  REQUIRE(a.size() == b.size());
  double m = 0, scale = 1;
  for (size_t i = 0; i < a.size(); ++i) {
    m = std::max(m, std::abs(a[i] - b[i]));
    scale = std::max(scale, std::abs(b[i]));
  }
  return m / scale;
}

struct Split {
  std::vector<long> mine; // global indices of this rank's points, increasing
  double lo, hi;
};

void compare(const GnoConfig& config, long n, std::uint64_t seed) {
  const Comm comm(MPI_COMM_WORLD);
  const int d = config.dim, ranks = comm.size();
  const long nb = 2;
  const CounterRng rng(seed, purpose_id("test.gno_split"));
  std::vector<double> x(size_t(n * d)), u(size_t(nb * n)), w(size_t(nb * n));
  for (long i = 0; i < n; ++i)
    for (int a = 0; a < d; ++a)
      x[size_t(i * d + a)] = rng.uniform(std::uint64_t(i), std::uint32_t(a));
  for (long k = 0; k < nb * n; ++k) {
    u[size_t(k)] = rng.normal(std::uint64_t(k), 10);
    w[size_t(k)] = rng.normal(std::uint64_t(k), 11);
  }
  Vector<double> t("t", nb);
  {
    auto h = Kokkos::create_mirror_view(t);
    h(0) = 17;
    h(1) = 640;
    Kokkos::deep_copy(t, h);
  }
  // Points in the views for the given global indices.
  auto make = [&](const std::vector<long>& idx, Tensor2<double>& xs, Tensor3<double>& us,
                  Tensor3<double>& ws) {
    const long m = long(idx.size());
    xs = Tensor2<double>("x", m, d);
    us = Tensor3<double>("u", nb, 1, m);
    ws = Tensor3<double>("w", nb, 1, m);
    auto hx = Kokkos::create_mirror_view(xs);
    auto hu = Kokkos::create_mirror_view(us);
    auto hw = Kokkos::create_mirror_view(ws);
    for (long k = 0; k < m; ++k) {
      const long g = idx[size_t(k)];
      for (int a = 0; a < d; ++a)
        hx(k, a) = x[size_t(g * d + a)];
      for (long b = 0; b < nb; ++b) {
        hu(b, 0, k) = u[size_t(b * n + g)];
        hw(b, 0, k) = w[size_t(b * n + g)];
      }
    }
    Kokkos::deep_copy(xs, hx);
    Kokkos::deep_copy(us, hu);
    Kokkos::deep_copy(ws, hw);
  };

  // Unsplit reference, on every rank.
  std::vector<long> all(static_cast<size_t>(n));
  for (long i = 0; i < n; ++i)
    all[size_t(i)] = i;
  Tensor2<double> xa;
  Tensor3<double> ua, wa;
  make(all, xa, ua, wa);
  Gno<double> whole(config, "gno", MPI_COMM_SELF);
  Parameters<double> pw;
  whole.reserve(pw);
  pw.allocate();
  whole.init(pw, CounterRng(5, purpose_id("test.gno_split.init")));
  whole.set_points(xa);
  const std::vector<double> y_ref = host(whole.forward(pw, ua, t));
  pw.zero_grad();
  const std::vector<double> gu_ref = host(whole.backward(pw, wa));
  const std::vector<double> gp_ref = host(pw.grads());

  // Split: rank k owns x_0 in [k / P, (k + 1) / P).
  Split s;
  s.lo = double(comm.rank()) / ranks;
  s.hi = double(comm.rank() + 1) / ranks;
  for (long i = 0; i < n; ++i)
    if (x[size_t(i * d)] >= s.lo && x[size_t(i * d)] < s.hi)
      s.mine.push_back(i);
  Tensor2<double> xs;
  Tensor3<double> us, ws;
  make(s.mine, xs, us, ws);
  Gno<double> split(config, "gno", MPI_COMM_WORLD);
  Parameters<double> ps;
  split.reserve(ps);
  ps.allocate();
  split.init(ps, CounterRng(5, purpose_id("test.gno_split.init")));
  split.set_points(xs, s.lo, s.hi);
  const std::vector<double> y = host(split.forward(ps, us, t));
  ps.zero_grad();
  const std::vector<double> gu = host(split.backward(ps, ws));
  std::vector<double> gp = host(ps.grads());
  comm.allreduce_sum(gp.data(), long(gp.size()));

  std::vector<double> y_mine, gu_mine;
  for (long b = 0; b < nb; ++b)
    for (long g : s.mine) {
      y_mine.push_back(y_ref[size_t(b * n + g)]);
      gu_mine.push_back(gu_ref[size_t(b * n + g)]);
    }
  const double dy = comm.max(max_diff(y, y_mine)), dg = comm.max(max_diff(gu, gu_mine)),
               dp = max_diff(gp, gp_ref);
  const long ghosts = comm.sum(split.ghosts());
  if (comm.is_root())
    std::printf("gno split d=%d on %d ranks: %ld ghosts in all, max diff output %.2e, du %.2e, "
                "parameter gradients %.2e\n",
                d, ranks, ghosts, dy, dg, dp);
  CHECK(comm.sum(long(s.mine.size())) == n);
  if (ranks > 1)
    CHECK(ghosts > 0);
  CHECK(dy < 1e-12);
  CHECK(dg < 1e-12);
  CHECK(dp < 1e-12);
}

} // namespace

TEST_CASE("GNO split over ranks: 1-D, radius wider than a slab") {
  GnoConfig c;
  c.dim = 1;
  c.width = 4;
  c.kernel_width = 8;
  c.depth = 3;
  c.radius = 0.3;
  compare(c, 40, 1);
}

TEST_CASE("GNO split over ranks: 1-D periodic") {
  GnoConfig c;
  c.dim = 1;
  c.width = 3;
  c.kernel_width = 6;
  c.depth = 2;
  c.radius = 0.15;
  c.box = PeriodicBox{{true}, {0.0}, {1.0}};
  compare(c, 36, 2);
}

TEST_CASE("GNO split over ranks: 2-D, periodic second axis") {
  GnoConfig c;
  c.dim = 2;
  c.width = 4;
  c.kernel_width = 6;
  c.depth = 2;
  c.radius = 0.2;
  c.box = PeriodicBox{{false, true}, {0.0, 0.0}, {1.0, 1.0}};
  compare(c, 50, 3);
}
