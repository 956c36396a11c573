// Grid geometry, a one-rank Decomposition (MPI_COMM_SELF) and the usage errors of the mesh
// constructors and helpers.
#include <doctest/doctest.h>

#include "fieldgen/mesh/dist_field.hpp"
#include "fieldgen/mesh/halo.hpp"

using namespace fieldgen;

TEST_CASE("grid spacing, coordinates and sizes") {
  const Grid g({4, 5}, {0.0, -1.0}, {2.0, 1.0}, {true, false});
  CHECK(g.dim() == 2);
  CHECK(g.size() == 20);
  CHECK(g.h(0) == doctest::Approx(0.5)); // periodic: (hi - lo) / n
  CHECK(g.h(1) == doctest::Approx(0.5)); // non-periodic: (hi - lo) / (n - 1)
  CHECK(g.coord(0, 3) == doctest::Approx(1.5));
  CHECK(g.coord(1, 4) == doctest::Approx(1.0)); // both ends are grid points
  CHECK(g.cell_volume() == doctest::Approx(0.25));
  CHECK(g.shape() == std::vector<long>{4, 5});
  CHECK(g.describe() == "4x5 on [0,2]x[-1,1] (periodic: yes,no)");
  CHECK(g == Grid({4, 5}, {0.0, -1.0}, {2.0, 1.0}, {true, false}));
  CHECK(g != Grid({4, 5}, {0.0, -1.0}, {2.0, 1.0}, {true, true}));
  const Grid u = Grid::unit({3, 3, 3});
  CHECK(u.h(2) == doctest::Approx(0.5));
  CHECK(!u.periodic(0));
}

TEST_CASE("one-rank decomposition owns the whole grid") {
  const Grid g({6, 5, 4}, {0, 0, 0}, {1, 1, 1}, {true, false, true});
  Decomposition dec(g, MPI_COMM_SELF);
  CHECK(dec.size() == 1);
  CHECK(dec.local_size() == g.size());
  for (int a = 0; a < 3; ++a) {
    CHECK(dec.ranks_along(a) == 1);
    CHECK(dec.local_n(a) == g.n(a));
    CHECK(dec.offset(a) == 0);
  }
  CHECK(dec.neighbour(0, -1) == 0); // periodic: the block is its own neighbour
  CHECK(dec.neighbour(0, +1) == 0);
  CHECK(dec.neighbour(1, -1) == MPI_PROC_NULL);
  CHECK(dec.neighbour(1, +1) == MPI_PROC_NULL);
  const BlockIndex b = BlockIndex::of(dec);
  long g3[3];
  b.global_multi(37, g3); // 37 = (1 * 5 + 4) * 4 + 1
  CHECK(g3[0] == 1);
  CHECK(g3[1] == 4);
  CHECK(g3[2] == 1);
  CHECK(b.global_flat(37) == 37);
}

TEST_CASE("bad mesh inputs throw UsageError") {
  CHECK_THROWS_AS(Grid({}, {}, {}, {}), UsageError);
  CHECK_THROWS_AS(Grid({2, 2, 2, 2}, {0, 0, 0, 0}, {1, 1, 1, 1}, {false, false, false, false}),
                  UsageError);
  CHECK_THROWS_AS(Grid({4, 4}, {0.0}, {1.0, 1.0}, {false, false}), UsageError);
  CHECK_THROWS_AS(Grid({0}, {0.0}, {1.0}, {true}), UsageError);
  CHECK_THROWS_AS(Grid({4}, {1.0}, {1.0}, {true}), UsageError);
  CHECK_THROWS_AS(Grid({1}, {0.0}, {1.0}, {false}), UsageError); // needs both end points
  CHECK_NOTHROW(Grid({1}, {0.0}, {1.0}, {true}));

  const Grid g({6, 5}, {0.0, 0.0}, {1.0, 1.0}, {true, false});
  CHECK_THROWS_AS(Decomposition(g, MPI_COMM_SELF, {1}), UsageError);     // wrong length
  CHECK_THROWS_AS(Decomposition(g, MPI_COMM_SELF, {2, 1}), UsageError);  // 2 ranks wanted, 1 given
  CHECK_THROWS_AS(Decomposition(g, MPI_COMM_SELF, {-1, 1}), UsageError); // negative
  Decomposition dec(g, MPI_COMM_SELF);
  CHECK_THROWS_AS(Halo<double>(dec, 0), UsageError);
  CHECK_THROWS_AS(Halo<double>(dec, 6), UsageError); // wider than the 5-point axis
  CHECK_NOTHROW(Halo<double>(dec, 5));
  CHECK_THROWS_AS(pad(FieldBatch<double>("x", 1, 1, 29), dec, 1), UsageError);
  CHECK_THROWS_AS(pad(FieldBatch<double>("x", 1, 1, 30), dec, 0), UsageError);
  CHECK_THROWS_AS(DistField<float>(dec, 0), UsageError);
}
