// Rank-count independence of the gaussian module: Whittle-Matern samples, losses and gradients
// computed on every rank of MPI_COMM_WORLD, gathered on rank 0, equal the same computation on a
// one-rank communicator (MPI_Comm_split) to solver accuracy; white noise on a decomposed grid is
// bit-identical.
#include <doctest/doctest.h>

#include "fieldgen/gaussian/spde_measure.hpp"
#include "fieldgen/gaussian/white_noise.hpp"
#include "fieldgen/mesh/dist_field.hpp"

#include <cmath>
#include <cstddef>
#include <memory>

using namespace fieldgen;
using namespace fieldgen::gaussian;

namespace {

// The batch [batch][1][local point] as a DistField with one channel per item, gathered to rank 0
// in global row-major order: [item][global point].
HostField<double> gather(const Tensor3<double>& t, const Decomposition& dec) {
  DistField<double> f(dec, int(t.extent(0)));
  const auto v = f.values();
  for (size_t b = 0; b < t.extent(0); ++b)
    for (size_t i = 0; i < t.extent(2); ++i)
      v(b, i) = t(b, 0, i);
  return gather_to_root(f);
}

// Largest |x - y| over the largest |y|.
double relative_difference(const HostField<double>& x, const Tensor3<double>& y) {
  double diff = 0, scale = 0;
  for (size_t b = 0; b < y.extent(0); ++b)
    for (size_t i = 0; i < y.extent(2); ++i) {
      diff = std::max(diff, std::abs(x(b, i) - y(b, 0, i)));
      scale = std::max(scale, std::abs(y(b, 0, i)));
    }
  return diff / scale;
}

// Rank 0 alone, in a communicator of its own; MPI_COMM_NULL elsewhere.
struct SoloComm {
  MPI_Comm comm = MPI_COMM_NULL;
  SoloComm() {
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    FIELDGEN_MPI_CHECK(MPI_Comm_split(MPI_COMM_WORLD, rank == 0 ? 0 : MPI_UNDEFINED, 0, &comm));
  }
  ~SoloComm() {
    if (comm != MPI_COMM_NULL)
      MPI_Comm_free(&comm);
  }
};

} // namespace

TEST_CASE("Whittle-Matern samples, losses and gradients do not depend on the rank count") {
  struct Case {
    Grid grid;
    int order;
    LossSpace space;
  };
  const Case cases[] = {
      {Grid({50}, {0.0}, {1.0}, {false}), 3, LossSpace::L2},
      {Grid({40, 36}, {0.0, 0.0}, {1.0, 0.9}, {true, true}), 3, LossSpace::H1},
      {Grid({33, 30}, {0.0, 0.0}, {1.0, 1.0}, {false, true}), 2, LossSpace::L2},
      {Grid({12, 10, 9}, {0.0, 0.0, 0.0}, {1.0, 1.0, 1.0}, {true, false, false}), 2, LossSpace::H1},
  };
  const CounterRng rng(2024, purpose_id("test.spde.ranks"));
  for (const Case& c : cases) {
    CAPTURE(c.grid.describe());
    const SpdeParams p{c.order, 1.0, 0.15};
    const long batch = 2;
    const std::uint64_t first = 5;
    // Distributed over every rank.
    const Decomposition dec(c.grid, MPI_COMM_WORLD);
    const SpdeMeasure<double> dist(dec, p, c.space);
    Tensor3<double> u("u", batch, 1, dec.local_size()), g("g", batch, 1, dec.local_size());
    dist.sample(u, rng, 3, first);
    const std::vector<double> loss = dist.cm_grad(u, g);
    const HostField<double> u_all = gather(u, dec), g_all = gather(g, dec);
    // The same on rank 0 alone.
    const SoloComm solo;
    if (solo.comm != MPI_COMM_NULL) {
      const Decomposition one(c.grid, solo.comm);
      const SpdeMeasure<double> serial(one, p, c.space);
      Tensor3<double> v("v", batch, 1, c.grid.size()), h("h", batch, 1, c.grid.size());
      serial.sample(v, rng, 3, first);
      const std::vector<double> serial_loss = serial.cm_grad(v, h);
      const double du = relative_difference(u_all, v), dg = relative_difference(g_all, h);
      MESSAGE(c.grid.describe(), " a=", c.order, " on ", dec.size(), " ranks: sample rel. diff ",
              du, ", gradient rel. diff ", dg);
      CHECK(du < 1e-9);
      CHECK(dg < 1e-9);
      for (long b = 0; b < batch; ++b)
        CHECK(loss[size_t(b)] == doctest::Approx(serial_loss[size_t(b)]).epsilon(1e-9));
    }
  }
}

TEST_CASE("white noise on a decomposed grid is rank-count independent") {
  const Grid grid({13, 11}, {0.0, 0.0}, {1.0, 1.0}, {false, false});
  const CounterRng rng(8, purpose_id("test.white.ranks"));
  const Decomposition dec(grid, MPI_COMM_WORLD);
  const WhiteNoise<double> dist(dec);
  Tensor3<double> u("u", 3, 1, dec.local_size());
  dist.sample(u, rng, 1, 4);
  const std::vector<double> loss = dist.cm_norm2(u);
  const HostField<double> u_all = gather(u, dec);
  const SoloComm solo;
  if (solo.comm != MPI_COMM_NULL) {
    const WhiteNoise<double> serial(grid.size());
    Tensor3<double> v("v", 3, 1, grid.size());
    serial.sample(v, rng, 1, 4);
    const std::vector<double> serial_loss = serial.cm_norm2(v);
    CHECK(relative_difference(u_all, v) == 0.0);
    for (long b = 0; b < 3; ++b)
      CHECK(loss[size_t(b)] == doctest::Approx(serial_loss[size_t(b)]).epsilon(1e-13));
  }
}
