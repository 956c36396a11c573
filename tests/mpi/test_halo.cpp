// Halo: exchange and sum_scatter on decomposed 1-D/2-D/3-D grids (periodic, non-periodic, mixed)
// against serial references computed from the global field, and their adjoint identity. Every
// rank checks its own block; the counts of mismatches are summed over ranks.
#include <doctest/doctest.h>

#include "fieldgen/core/rng.hpp"
#include "fieldgen/mesh/block_index.hpp"
#include "fieldgen/mesh/halo.hpp"

#include <cmath>
#include <string>
#include <vector>

using namespace fieldgen;

namespace {

struct Case {
  std::vector<long> shape;
  std::vector<bool> periodic;
  int width;
  std::vector<int> dims; // empty: MPI_Dims_create chooses
};

std::string describe(const Case& c) {
  std::string s;
  for (size_t a = 0; a < c.shape.size(); ++a)
    s += (a ? "x" : "") + std::to_string(c.shape[a]) + (c.periodic[a] ? "p" : "n");
  return s + " w=" + std::to_string(c.width);
}

// Sizes are small and odd so that blocks are uneven at 2 and 4 ranks; widths stay <= the
// smallest block at 4 ranks. The mixed cases put a non-periodic boundary on each side of a corner.
std::vector<Case> cases() {
  return {
      {{13}, {true}, 1, {}},
      {{13}, {false}, 2, {}},
      {{7, 6}, {true, true}, 1, {}},
      {{7, 6}, {false, false}, 2, {}},
      {{7, 6}, {true, false}, 2, {}},
      {{7, 6}, {false, true}, 1, {}},
      {{6, 9}, {true, true}, 2, {1, 0}}, // split along the last axis only
      {{5, 4, 6}, {true, true, true}, 1, {}},
      {{5, 4, 6}, {false, false, false}, 2, {}},
      {{5, 4, 6}, {false, true, false}, 1, {}},
      {{5, 4, 6}, {true, false, true}, 2, {}},
  };
}

Grid make_grid(const Case& c) {
  const size_t d = c.shape.size();
  return Grid(c.shape, std::vector<double>(d, 0.0), std::vector<double>(d, 1.0), c.periodic);
}

constexpr int batch = 2, channels = 3;

// Global field value of (batch item, channel, global flat point); distinct everywhere.
double global_value(int b, int c, long g) {
  return 10000.0 * b + 1000.0 * c + double(g) + 0.5;
}

// Geometry of one rank's padded block.
struct Padded {
  BlockIndex block;
  int w;
  long p[3]; // padded extents (1 beyond dim)
  long size() const { return p[0] * p[1] * p[2]; }
  // Flat padded index -> global flat index of the point it shows, or -1 when it lies beyond a
  // non-periodic boundary on some axis. Periodic axes wrap.
  long image(const Grid& grid, long flat) const {
    long q[3] = {flat / (p[1] * p[2]), (flat / p[2]) % p[1], flat % p[2]};
    long g = 0;
    for (int a = 0; a < 3; ++a) {
      long ga = 0;
      if (a < block.dim) {
        ga = block.offset[a] + q[a] - w;
        const long n = block.global_n[a];
        if (ga < 0 || ga >= n) {
          if (!grid.periodic(a))
            return -1;
          ga = (ga % n + n) % n;
        }
      }
      g = g * block.global_n[a] + ga;
    }
    return g;
  }
  bool interior(long flat) const {
    long q[3] = {flat / (p[1] * p[2]), (flat / p[2]) % p[1], flat % p[2]};
    for (int a = 0; a < block.dim; ++a)
      if (q[a] < w || q[a] >= block.n[a] + w)
        return false;
    return true;
  }
};

Padded padded_of(const Decomposition& dec, int rank, int w) {
  Padded pb{BlockIndex::of_rank(dec, rank), w, {1, 1, 1}};
  for (int a = 0; a < dec.dim(); ++a)
    pb.p[a] = pb.block.n[a] + 2 * w;
  return pb;
}

long sum_over_ranks(const Decomposition& dec, long v) {
  MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_LONG, MPI_SUM, dec.comm());
  return v;
}

double sum_over_ranks(const Decomposition& dec, double v) {
  MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_DOUBLE, MPI_SUM, dec.comm());
  return v;
}

// Small integer (exact in any sum) standing for rank r's padded input at (bc, flat).
double scatter_input(int r, long bc, long flat) {
  return double((r * 7919 + bc * 104729 + flat * 31) % 17) - 8.0;
}

template <class Real> void check_exchange(const Case& c) {
  const Grid grid = make_grid(c);
  Decomposition dec(grid, MPI_COMM_WORLD, c.dims);
  Halo<Real> halo(dec, c.width);
  const Padded pb = padded_of(dec, dec.rank(), c.width);
  REQUIRE(halo.padded_size() == pb.size());
  FieldBatch<Real> padded("padded", batch, channels, pb.size());
  auto h = Kokkos::create_mirror_view(padded);
  // Interior from the global field; every ghost a distinct negative sentinel.
  for (int b = 0; b < batch; ++b)
    for (int ch = 0; ch < channels; ++ch)
      for (long i = 0; i < pb.size(); ++i)
        h(b, ch, i) = pb.interior(i) ? Real(global_value(b, ch, pb.image(grid, i)))
                                     : Real(-1.0 - double((b * channels + ch) * pb.size() + i));
  const auto before = Kokkos::create_mirror(padded);
  Kokkos::deep_copy(before, h);
  Kokkos::deep_copy(padded, h);
  halo.exchange(padded);
  Kokkos::deep_copy(h, padded);
  long wrong = 0, filled = 0;
  for (int b = 0; b < batch; ++b)
    for (int ch = 0; ch < channels; ++ch)
      for (long i = 0; i < pb.size(); ++i) {
        const long g = pb.image(grid, i);
        const Real expect = g >= 0 ? Real(global_value(b, ch, g)) : before(b, ch, i);
        wrong += h(b, ch, i) != expect;
        filled += g >= 0 && !pb.interior(i);
      }
  CHECK(sum_over_ranks(dec, wrong) == 0);
  // Ghosts are filled unless one unsplit non-periodic block is all there is.
  bool any_periodic = false;
  for (bool p : c.periodic)
    any_periodic = any_periodic || p;
  if (dec.size() > 1 || any_periodic)
    CHECK(sum_over_ranks(dec, filled) > 0);
}

void check_sum_scatter(const Case& c) {
  const Grid grid = make_grid(c);
  Decomposition dec(grid, MPI_COMM_WORLD, c.dims);
  Halo<double> halo(dec, c.width);
  const long bcn = batch * channels;
  // Serial reference over every rank's padded block: each valid cell adds into its image.
  std::vector<double> reference(size_t(bcn * grid.size()), 0.0);
  for (int r = 0; r < dec.size(); ++r) {
    const Padded pr = padded_of(dec, r, c.width);
    for (long bc = 0; bc < bcn; ++bc)
      for (long i = 0; i < pr.size(); ++i) {
        const long g = pr.image(grid, i);
        if (g >= 0)
          reference[size_t(bc * grid.size() + g)] += scatter_input(r, bc, i);
      }
  }
  const Padded pb = padded_of(dec, dec.rank(), c.width);
  FieldBatch<double> padded("padded", batch, channels, pb.size());
  auto h = Kokkos::create_mirror_view(padded);
  for (long bc = 0; bc < bcn; ++bc)
    for (long i = 0; i < pb.size(); ++i)
      h(bc / channels, bc % channels, i) = scatter_input(dec.rank(), bc, i);
  Kokkos::deep_copy(padded, h);
  halo.sum_scatter(padded);
  Kokkos::deep_copy(h, padded);
  long wrong = 0;
  for (long bc = 0; bc < bcn; ++bc)
    for (long i = 0; i < pb.size(); ++i) {
      const double expect =
          pb.interior(i) ? reference[size_t(bc * grid.size() + pb.image(grid, i))] : 0.0;
      wrong += h(bc / channels, bc % channels, i) != expect;
    }
  CHECK(sum_over_ranks(dec, wrong) == 0);
}

void check_adjoint(const Case& c) {
  const Grid grid = make_grid(c);
  Decomposition dec(grid, MPI_COMM_WORLD, c.dims);
  Halo<double> halo(dec, c.width);
  const CounterRng rng(7, purpose_id("test.halo.adjoint"));
  const BlockIndex block = BlockIndex::of(dec);
  // x: interior values keyed by global point (rank-count independent); y: any padded values.
  FieldBatch<double> x("x", batch, channels, dec.local_size());
  FieldBatch<double> y("y", batch, channels, halo.padded_size());
  auto hx = Kokkos::create_mirror_view(x);
  auto hy = Kokkos::create_mirror_view(y);
  for (int b = 0; b < batch; ++b)
    for (int ch = 0; ch < channels; ++ch) {
      for (long i = 0; i < dec.local_size(); ++i)
        hx(b, ch, i) = rng.normal(std::uint64_t(block.global_flat(i)), std::uint32_t(b), ch);
      for (long i = 0; i < halo.padded_size(); ++i)
        hy(b, ch, i) = rng.normal(std::uint64_t(i), 100 + std::uint32_t(b), 10 + ch + dec.rank());
    }
  Kokkos::deep_copy(x, hx);
  Kokkos::deep_copy(y, hy);
  auto ex = pad(x, dec, c.width);
  halo.exchange(ex);
  auto hex = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), ex);
  halo.sum_scatter(y);
  auto sy = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), unpad(y, dec, c.width));
  double lhs = 0, rhs = 0, scale = 0;
  for (int b = 0; b < batch; ++b)
    for (int ch = 0; ch < channels; ++ch) {
      for (long i = 0; i < halo.padded_size(); ++i) {
        lhs += hex(b, ch, i) * hy(b, ch, i);
        scale += std::abs(hex(b, ch, i) * hy(b, ch, i));
      }
      for (long i = 0; i < dec.local_size(); ++i)
        rhs += hx(b, ch, i) * sy(b, ch, i);
    }
  lhs = sum_over_ranks(dec, lhs);
  rhs = sum_over_ranks(dec, rhs);
  scale = sum_over_ranks(dec, scale);
  REQUIRE(scale > 0);
  CHECK(std::abs(lhs - rhs) <= 1e-12 * scale);
}

} // namespace

TEST_CASE("halo exchange matches the unsplit field (double)") {
  for (const Case& c : cases()) {
    CAPTURE(describe(c));
    check_exchange<double>(c);
  }
}

TEST_CASE("halo exchange in float") {
  check_exchange<float>({{7, 6}, {true, false}, 2, {}});
  check_exchange<float>({{5, 4, 6}, {true, true, true}, 1, {}});
}

TEST_CASE("halo sum_scatter matches a serial reference") {
  for (const Case& c : cases()) {
    CAPTURE(describe(c));
    check_sum_scatter(c);
  }
}

TEST_CASE("halo sum_scatter is the adjoint of exchange") {
  for (const Case& c : cases()) {
    CAPTURE(describe(c));
    check_adjoint(c);
  }
}

TEST_CASE("halo exchange is repeatable with reused buffers and varying batch sizes") {
  // Buffers grow on demand: a small batch after a large one must still be exact.
  const Case c{{7, 6}, {true, true}, 1, {}};
  const Grid grid = make_grid(c);
  Decomposition dec(grid, MPI_COMM_WORLD);
  Halo<double> halo(dec, 1);
  const Padded pb = padded_of(dec, dec.rank(), 1);
  long wrong = 0;
  for (int nb : {3, 1, 2}) {
    FieldBatch<double> interior("x", nb, 1, dec.local_size());
    auto hi = Kokkos::create_mirror_view(interior);
    for (int b = 0; b < nb; ++b)
      for (long i = 0; i < dec.local_size(); ++i)
        hi(b, 0, i) = global_value(b, 0, pb.block.global_flat(i));
    Kokkos::deep_copy(interior, hi);
    auto padded = pad(interior, dec, 1);
    halo.exchange(padded);
    auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), padded);
    for (int b = 0; b < nb; ++b)
      for (long i = 0; i < pb.size(); ++i)
        wrong += h(b, 0, i) != global_value(b, 0, pb.image(grid, i)); // all periodic: all valid
  }
  CHECK(sum_over_ranks(dec, wrong) == 0);
}

TEST_CASE("halo rejects bad widths and views") {
  const Grid grid({13}, {0.0}, {1.0}, {true});
  Decomposition dec(grid, MPI_COMM_WORLD);
  CHECK_THROWS_AS(Halo<double>(dec, 0), UsageError);
  CHECK_THROWS_AS(Halo<double>(dec, int(dec.block_n(0, dec.ranks_along(0) - 1)) + 1), UsageError);
  Halo<double> halo(dec, 1);
  FieldBatch<double> wrong("wrong", 1, 1, dec.local_size()); // interior-sized, not padded
  CHECK_THROWS_AS(halo.exchange(wrong), UsageError);
  CHECK_THROWS_AS(halo.sum_scatter(wrong), UsageError);
  CHECK_THROWS_AS(pad(FieldBatch<double>("p", 1, 1, halo.padded_size()), dec, 1), UsageError);
  CHECK_THROWS_AS(unpad(wrong, dec, 1), UsageError);
}
