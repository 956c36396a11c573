// Radius graph: the cell-list CSR equals the brute-force O(N^2) search, row by row, in 1-D, 2-D
// and 3-D, with and without periodic axes, for radii from below the point spacing to beyond the
// domain, with distinct target and source sets; plus the CSR transpose.
#include <doctest/doctest.h>

#include "fieldgen/core/error.hpp"
#include "fieldgen/core/rng.hpp"
#include "fieldgen/nn/radius_graph.hpp"

#include <vector>

using namespace fieldgen;
using namespace fieldgen::nn;

namespace {

// n points uniform in [0, scale)^d.
Tensor2<double> random_points(long n, int d, std::uint64_t seed, double scale = 1.0) {
  Tensor2<double> x("x", n, d);
  auto h = Kokkos::create_mirror_view(x);
  const CounterRng rng(seed, purpose_id("test.points"));
  for (long i = 0; i < n; ++i)
    for (int a = 0; a < d; ++a)
      h(i, a) = scale * rng.uniform(std::uint64_t(i), std::uint32_t(a));
  Kokkos::deep_copy(x, h);
  return x;
}

std::vector<long> host(const IndexView& v) {
  const auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), v);
  return std::vector<long>(h.data(), h.data() + h.size());
}

// Returns the number of edges after checking cell list == brute force.
long check_same(const Tensor2<double>& t, const Tensor2<double>& s, double r,
                const PeriodicBox& box = {}) {
  const RadiusGraph fast = radius_graph(t, s, r, box);
  const RadiusGraph slow = radius_graph_brute_force(t, s, r, box);
  CHECK(fast.targets == long(t.extent(0)));
  CHECK(fast.sources == long(s.extent(0)));
  CHECK(host(fast.offsets) == host(slow.offsets));
  CHECK(host(fast.columns) == host(slow.columns));
  return fast.edges();
}

} // namespace

TEST_CASE("radius graph: cell list equals brute force (1-D, 2-D, 3-D)") {
  for (int d = 1; d <= 3; ++d) {
    const long n = d == 1 ? 300 : d == 2 ? 400 : 500;
    const Tensor2<double> x = random_points(n, d, 10 + std::uint64_t(d));
    for (double r : {0.003, 0.07, 0.25, 0.5, 3.0}) {
      CAPTURE(d);
      CAPTURE(r);
      const long edges = check_same(x, x, r);
      CHECK(edges >= n); // every point is its own neighbour
      if (r >= 3.0)
        CHECK(edges == n * n); // the radius covers the unit cube (diagonal <= sqrt 3)
    }
    // Distinct target and source sets, sources spread wider than the targets.
    const Tensor2<double> t = random_points(50, d, 40 + std::uint64_t(d));
    const Tensor2<double> s = random_points(n, d, 50 + std::uint64_t(d), 2.0);
    check_same(t, s, 0.2);
  }
}

TEST_CASE("radius graph: periodic axes use the minimum image") {
  for (int d = 1; d <= 3; ++d) {
    const Tensor2<double> x = random_points(200, d, 60 + std::uint64_t(d));
    PeriodicBox box;
    box.periodic.assign(size_t(d), true);
    box.periodic[0] = d == 1 || d == 3; // mixed periodic / open axes in 2-D
    box.lo.assign(size_t(d), 0.0);
    box.hi.assign(size_t(d), 1.0);
    for (double r : {0.05, 0.2, 0.34, 0.45, 0.9}) { // 20, 5, 2 (all searched), 2, 1 cells
      CAPTURE(d);
      CAPTURE(r);
      const long periodic_edges = check_same(x, x, r, box);
      CHECK(periodic_edges > check_same(x, x, r)); // wrapping adds pairs across the boundary
    }
  }
  // Two points across the boundary of [0, 1): 0.98 and 0.01 are 0.03 apart.
  Tensor2<double> pair("pair", 2, 1);
  auto h = Kokkos::create_mirror_view(pair);
  h(0, 0) = 0.98;
  h(1, 0) = 0.01;
  Kokkos::deep_copy(pair, h);
  const PeriodicBox line{{true}, {0.0}, {1.0}};
  CHECK(radius_graph(pair, pair, 0.05, line).edges() == 4);
  CHECK(radius_graph(pair, pair, 0.05).edges() == 2);
}

TEST_CASE("radius graph: transpose lists every edge under its source") {
  const Tensor2<double> t = random_points(40, 2, 70), s = random_points(90, 2, 71);
  const RadiusGraph g = radius_graph(t, s, 0.3);
  const GraphTranspose tr = transpose(g);
  const std::vector<long> col = host(g.columns), toff = host(tr.offsets), te = host(tr.edges);
  REQUIRE(toff.size() == size_t(g.sources) + 1);
  REQUIRE(te.size() == col.size());
  std::vector<int> seen(col.size(), 0);
  for (long j = 0; j < g.sources; ++j)
    for (long k = toff[size_t(j)]; k < toff[size_t(j) + 1]; ++k) {
      CHECK(col[size_t(te[size_t(k)])] == j);
      if (k > toff[size_t(j)])
        CHECK(te[size_t(k)] > te[size_t(k) - 1]);
      ++seen[size_t(te[size_t(k)])];
    }
  for (int c : seen)
    CHECK(c == 1);
}

TEST_CASE("radius graph: bad arguments are usage errors") {
  const Tensor2<double> x = random_points(10, 2, 80);
  const Tensor2<double> y = random_points(10, 3, 81);
  CHECK_THROWS_AS(radius_graph(x, x, 0.0), UsageError);
  CHECK_THROWS_AS(radius_graph(x, y, 0.1), UsageError);
  const PeriodicBox bad{{true, false}, {0.0, 0.0}, {0.0, 1.0}};
  CHECK_THROWS_AS(radius_graph(x, x, 0.1, bad), UsageError);
}
