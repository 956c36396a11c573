// Decomposition at 1, 2 and 4 ranks: blocks tile every axis without gaps or overlaps, local
// sizes add up to the grid, and Cartesian neighbours are the adjacent blocks (wrapping only on
// periodic axes).
#include <doctest/doctest.h>

#include "fieldgen/mesh/decomposition.hpp"

using namespace fieldgen;

TEST_CASE("decomposition blocks tile the grid and neighbours are adjacent") {
  for (const Grid& grid :
       {Grid({17}, {0.0}, {1.0}, {false}), Grid({9, 7}, {0.0, 0.0}, {1.0, 1.0}, {true, false}),
        Grid({5, 6, 7}, {0.0, 0.0, 0.0}, {1.0, 1.0, 1.0}, {false, true, true})}) {
    CAPTURE(grid.describe());
    Decomposition dec(grid, MPI_COMM_WORLD);
    long procs = 1;
    for (int a = 0; a < grid.dim(); ++a) {
      procs *= dec.ranks_along(a);
      long next = 0;
      for (int k = 0; k < dec.ranks_along(a); ++k) {
        CHECK(dec.block_offset(a, k) == next);
        CHECK(dec.block_n(a, k) >= grid.n(a) / dec.ranks_along(a));
        CHECK(dec.block_n(a, k) <= grid.n(a) / dec.ranks_along(a) + 1);
        next += dec.block_n(a, k);
      }
      CHECK(next == grid.n(a));
      CHECK(dec.local_n(a) == dec.block_n(a, dec.coord(a)));
      CHECK(dec.offset(a) == dec.block_offset(a, dec.coord(a)));
      // The neighbour's Cartesian coordinate along a is ours +-1, wrapped or absent.
      for (int dir : {-1, 1}) {
        const int nb = dec.neighbour(a, dir);
        const int want = dec.coord(a) + dir;
        const bool outside = want < 0 || want >= dec.ranks_along(a);
        if (outside && !grid.periodic(a)) {
          CHECK(nb == MPI_PROC_NULL);
          continue;
        }
        REQUIRE(nb != MPI_PROC_NULL);
        int coords[3];
        MPI_Cart_coords(dec.comm(), nb, grid.dim(), coords);
        CHECK(coords[a] == (want + dec.ranks_along(a)) % dec.ranks_along(a));
      }
    }
    CHECK(procs == dec.size());
    long total = dec.local_size();
    MPI_Allreduce(MPI_IN_PLACE, &total, 1, MPI_LONG, MPI_SUM, dec.comm());
    CHECK(total == grid.size());
  }
}

TEST_CASE("decomposition rejects ranks per axis that cannot fit") {
  const Grid grid({8, 8}, {0.0, 0.0}, {1.0, 1.0}, {false, false});
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  CHECK_THROWS_AS(Decomposition(grid, MPI_COMM_WORLD, {size + 1, 1}), UsageError);
  CHECK_THROWS_AS(Decomposition(grid, MPI_COMM_WORLD, {-1, 0}), UsageError);
  CHECK_THROWS_AS(Decomposition(grid, MPI_COMM_WORLD, {0}), UsageError);
  const Grid thin({1, 64}, {0.0, 0.0}, {1.0, 1.0}, {true, false});
  if (size > 1)
    CHECK_THROWS_AS(Decomposition(thin, MPI_COMM_WORLD, {size, 1}), UsageError);
  else
    CHECK_NOTHROW(Decomposition(thin, MPI_COMM_WORLD, {size, 1}));
}
