// DistField: global index helpers, scatter_from_root / gather_to_root round trips, and the
// rank-count independence of counter-based random fields (bit-for-bit against a serial draw).
#include <doctest/doctest.h>

#include "fieldgen/core/rng.hpp"
#include "fieldgen/mesh/dist_field.hpp"

#include <vector>

using namespace fieldgen;

namespace {

std::vector<Grid> grids() {
  return {Grid({17}, {0.0}, {1.0}, {false}), Grid({9, 7}, {0.0, -1.0}, {1.0, 1.0}, {true, false}),
          Grid({5, 6, 7}, {0.0, 0.0, 0.0}, {1.0, 2.0, 3.0}, {true, true, false})};
}

double value(int c, long g) {
  return 0.25 + double(c) * 1e4 + double(g);
}

long sum_over_ranks(const Decomposition& dec, long v) {
  MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_LONG, MPI_SUM, dec.comm());
  return v;
}

} // namespace

TEST_CASE("dist field global indices cover the grid once") {
  for (const Grid& grid : grids()) {
    CAPTURE(grid.describe());
    Decomposition dec(grid, MPI_COMM_WORLD);
    DistField<double> f(dec, 1);
    long sum = 0, wrong = 0;
    for (long i = 0; i < f.local_size(); ++i) {
      const auto g = f.global_multi_index(i);
      long flat = 0;
      for (int a = 0; a < grid.dim(); ++a) {
        wrong += g[a] < dec.offset(a) || g[a] >= dec.offset(a) + dec.local_n(a);
        flat = flat * grid.n(a) + g[a];
      }
      wrong += flat != f.global_index(i);
      sum += f.global_index(i);
    }
    CHECK(sum_over_ranks(dec, wrong) == 0);
    CHECK(sum_over_ranks(dec, f.local_size()) == grid.size());
    CHECK(sum_over_ranks(dec, sum) == grid.size() * (grid.size() - 1) / 2);
  }
}

TEST_CASE("scatter_from_root places blocks and gather_to_root inverts it") {
  const int channels = 3;
  for (const Grid& grid : grids()) {
    CAPTURE(grid.describe());
    Decomposition dec(grid, MPI_COMM_WORLD);
    HostField<double> x;
    if (dec.rank() == 0) {
      x = HostField<double>("x", channels, grid.size());
      for (int c = 0; c < channels; ++c)
        for (long g = 0; g < grid.size(); ++g)
          x(c, g) = value(c, g);
    }
    const DistField<double> f = scatter_from_root(x, dec);
    REQUIRE(f.channels() == channels);
    const auto local = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), f.values());
    long wrong = 0;
    for (int c = 0; c < channels; ++c)
      for (long i = 0; i < f.local_size(); ++i)
        wrong += local(c, i) != value(c, f.global_index(i));
    CHECK(sum_over_ranks(dec, wrong) == 0);

    const HostField<double> y = gather_to_root(f);
    if (dec.rank() == 0) {
      REQUIRE(y.extent(0) == size_t(channels));
      REQUIRE(long(y.extent(1)) == grid.size());
      long diff = 0;
      for (int c = 0; c < channels; ++c)
        for (long g = 0; g < grid.size(); ++g)
          diff += y(c, g) != x(c, g);
      CHECK(diff == 0);
    } else {
      CHECK(y.size() == 0);
    }
  }
}

TEST_CASE("random fields are independent of the rank count") {
  const CounterRng rng(20251122, purpose_id("test.field"));
  const std::uint32_t step = 5;
  const int channels = 2;
  for (const Grid& grid : grids()) {
    CAPTURE(grid.describe());
    Decomposition dec(grid, MPI_COMM_WORLD);
    DistField<double> f(dec, channels);
    // One sub-stream per channel; the counter is (global point, step).
    f.fill(KOKKOS_LAMBDA(int c, long g) { return rng.normal(std::uint64_t(g), step, c); });
    const HostField<double> all = gather_to_root(f);
    if (dec.rank() != 0)
      continue;
    // Serial draws over the full grid: directly, and through a one-rank decomposition.
    Decomposition serial(grid, MPI_COMM_SELF);
    DistField<double> s(serial, channels);
    s.fill(KOKKOS_LAMBDA(int c, long g) { return rng.normal(std::uint64_t(g), step, c); });
    const auto hs = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), s.values());
    long diff = 0;
    for (int c = 0; c < channels; ++c)
      for (long g = 0; g < grid.size(); ++g) {
        const double expect = rng.normal(std::uint64_t(g), step, std::uint32_t(c));
        diff += all(c, g) != expect;
        diff += hs(c, g) != expect;
      }
    CHECK(diff == 0);
    CHECK(all(0, 0) != all(1, 0)); // channels use different sub-streams
  }
}

TEST_CASE("gather and scatter in float") {
  const Grid grid({9, 7}, {0.0, 0.0}, {1.0, 1.0}, {true, true});
  Decomposition dec(grid, MPI_COMM_WORLD);
  DistField<float> f(dec, 2);
  f.fill(KOKKOS_LAMBDA(int c, long g) { return float(c * 100 + g); });
  const HostField<float> all = gather_to_root(f);
  const DistField<float> back = scatter_from_root(all, dec);
  const auto a = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), f.values());
  const auto b = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), back.values());
  long wrong = 0;
  for (int c = 0; c < 2; ++c)
    for (long i = 0; i < f.local_size(); ++i)
      wrong += a(c, i) != b(c, i) || a(c, i) != float(c * 100 + f.global_index(i));
  CHECK(sum_over_ranks(dec, wrong) == 0);
}

TEST_CASE("scatter_from_root rejects a wrongly shaped field on every rank") {
  const Grid grid({9, 7}, {0.0, 0.0}, {1.0, 1.0}, {false, false});
  Decomposition dec(grid, MPI_COMM_WORLD);
  HostField<double> bad;
  if (dec.rank() == 0)
    bad = HostField<double>("bad", 2, grid.size() - 1);
  CHECK_THROWS_AS(scatter_from_root(bad, dec), UsageError);
  CHECK_THROWS_AS(DistField<double>(dec, 0), UsageError);
}
