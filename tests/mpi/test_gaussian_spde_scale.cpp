// Scale check of the Whittle-Matern sampler, skipped by default (too large for CI): one
// 2048 x 2048 sample, timed, at any rank count. Run it with
//   mpirun -np N fieldgen_mpi_tests -tc='*2048*' --no-skip
#include <doctest/doctest.h>

#include "fieldgen/gaussian/spde_measure.hpp"

#include <cmath>
#include <cstdio>

using namespace fieldgen;
using namespace fieldgen::gaussian;

TEST_CASE("Whittle-Matern 2048 x 2048 sample" * doctest::skip()) {
  const Grid grid({2048, 2048}, {0.0, 0.0}, {1.0, 1.0}, {true, true});
  const Decomposition dec(grid, MPI_COMM_WORLD);
  // l = 0.01 ~ 20 h: ~10^4 correlation areas, so one sample's mean square estimates the
  // variance to ~1-2%.
  const SpdeParams p{2, 1.0, 0.01};
  MPI_Barrier(MPI_COMM_WORLD);
  const double t0 = MPI_Wtime();
  const SpdeMeasure<float> m(dec, p);
  MPI_Barrier(MPI_COMM_WORLD);
  const double t1 = MPI_Wtime();
  Tensor3<float> u("u", 1, 1, dec.local_size());
  m.sample(u, CounterRng(1, purpose_id("test.scale")), 0);
  MPI_Barrier(MPI_COMM_WORLD);
  const double t2 = MPI_Wtime();
  double sq[2] = {0, 0};
  for (long i = 0; i < dec.local_size(); ++i) {
    sq[0] += double(u(0, 0, i)) * double(u(0, 0, i));
    sq[1] += std::isfinite(u(0, 0, i)) ? 0.0 : 1.0;
  }
  MPI_Allreduce(MPI_IN_PLACE, sq, 2, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  const double variance = sq[0] / double(grid.size());
  if (dec.rank() == 0)
    std::printf("%s\n  %d ranks: setup %.2f s, one sample %.2f s (%ld CG iterations), "
                "mean square %.4f\n",
                m.describe().c_str(), dec.size(), t1 - t0, t2 - t1, m.system().iterations(),
                variance);
  CHECK(sq[1] == 0.0);
  CHECK(std::abs(variance - 1.0) < 0.1);
}
