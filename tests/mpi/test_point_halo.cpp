// PointHalo on points split over ranks by slabs: the ghosts a rank receives are exactly the other
// ranks' points within r of its slab along axis 0 (checked against the global point list, with a
// periodic axis), forward() copies their values, and reverse() is its adjoint:
// sum over ranks <forward(a), b> = sum over ranks <a, reverse(b)>.
#include <doctest/doctest.h>

#include "fieldgen/core/comm.hpp"
#include "fieldgen/core/rng.hpp"
#include "fieldgen/nn/point_halo.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

using namespace fieldgen;
using namespace fieldgen::nn;

TEST_CASE("PointHalo: ghost selection, forward values and adjoint reverse") {
  const Comm comm(MPI_COMM_WORLD);
  const int ranks = comm.size(), me = comm.rank();
  const long n = 60, d = 2, nb = 2, nc = 3;
  const double r = 0.12;
  const CounterRng rng(9, purpose_id("test.point_halo"));
  auto coord = [&](long i, long a) { return rng.uniform(std::uint64_t(i), std::uint32_t(a)); };
  // Global value of channel c of item b at global point g: a closed form, so receivers can check.
  auto value = [](long b, long c, long g) { return 1000.0 * double(b) + 100.0 * c + double(g); };
  const double lo = double(me) / ranks, hi = double(me + 1) / ranks;
  std::vector<long> mine;
  for (long i = 0; i < n; ++i)
    if (coord(i, 0) >= lo && coord(i, 0) < hi)
      mine.push_back(i);
  const long m = long(mine.size());
  Tensor2<double> x("x", m, d);
  Tensor3<double> a("a", nb, nc, m);
  {
    auto hx = Kokkos::create_mirror_view(x);
    auto ha = Kokkos::create_mirror_view(a);
    for (long k = 0; k < m; ++k) {
      for (long q = 0; q < d; ++q)
        hx(k, q) = coord(mine[size_t(k)], q);
      for (long b = 0; b < nb; ++b)
        for (long c = 0; c < nc; ++c)
          ha(b, c, k) = value(b, c, mine[size_t(k)]);
    }
    Kokkos::deep_copy(x, hx);
    Kokkos::deep_copy(a, ha);
  }
  const PeriodicBox box{{true, false}, {0.0, 0.0}, {1.0, 1.0}};
  const PointHalo<double> halo(MPI_COMM_WORLD, x, lo, hi, r, box);

  // Expected ghosts: other ranks' points within r of [lo, hi) along the periodic axis 0.
  std::vector<long> expected;
  for (long i = 0; i < n; ++i) {
    const double x0 = coord(i, 0);
    if (x0 >= lo && x0 < hi)
      continue;
    double dist = 1e300;
    for (double shift : {-1.0, 0.0, 1.0})
      dist = std::min(dist, std::max({lo - (x0 + shift), 0.0, (x0 + shift) - hi}));
    if (dist <= r && ranks > 1)
      expected.push_back(i);
  }
  CHECK(halo.owned() == m);
  CHECK(halo.ghosts() == long(expected.size()));

  Tensor3<double> ext;
  halo.forward(a, ext);
  REQUIRE(long(ext.extent(2)) == halo.extended());
  const auto he = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), ext);
  const auto hc =
      Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), halo.extended_coordinates());
  std::vector<long> received; // global index of each ghost, recovered from its values
  for (long k = 0; k < halo.extended(); ++k) {
    const long g = long(std::lround(he(0, 0, k)));
    CHECK(hc(k, 0) == coord(g, 0));
    CHECK(hc(k, 1) == coord(g, 1));
    for (long b = 0; b < nb; ++b)
      for (long c = 0; c < nc; ++c)
        CHECK(he(b, c, k) == value(b, c, g));
    if (k >= m)
      received.push_back(g);
  }
  std::sort(received.begin(), received.end());
  CHECK(received == expected);

  // Adjoint: <forward(a), w> == <a, reverse(w)> summed over ranks, w random on owned + ghosts.
  Tensor3<double> w("w", nb, nc, halo.extended()), back;
  {
    auto hw = Kokkos::create_mirror_view(w);
    const CounterRng wr(10, purpose_id("test.point_halo.w"));
    for (size_t k = 0; k < hw.size(); ++k)
      hw.data()[k] = wr.normal(k, std::uint32_t(me));
    Kokkos::deep_copy(w, hw);
  }
  halo.reverse(w, back);
  const auto hw = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), w);
  const auto hb = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), back);
  const auto ha = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), a);
  double lhs = 0, rhs = 0;
  for (size_t k = 0; k < hw.size(); ++k)
    lhs += he.data()[k] * hw.data()[k];
  for (size_t k = 0; k < hb.size(); ++k)
    rhs += ha.data()[k] * hb.data()[k];
  lhs = comm.sum(lhs);
  rhs = comm.sum(rhs);
  CHECK(std::abs(lhs - rhs) <= 1e-12 * std::abs(lhs));
}
