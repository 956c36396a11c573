// Scale check of the Whittle-Matern sampler, skipped by default (too large for CI): one
// 2048 x 2048 sample, timed, at any rank count. Run it with
//   mpirun -np N fieldgen_mpi_tests -tc='*2048*' --no-skip
// It prints the field's mean and mean square to 12 digits, checksums to compare runs on
// different rank counts (equal to the solver tolerance, not bitwise: the AMG hierarchy depends
// on the split).
#include <doctest/doctest.h>

#include "fieldgen/gaussian/spde_measure.hpp"

#include <sys/resource.h>

#include <cmath>
#include <cstdio>

using namespace fieldgen;
using namespace fieldgen::gaussian;

namespace {

// CPU seconds of this process (user + system): on a shared, oversubscribed machine a better
// measure of the work than the wall clock.
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

} // namespace

TEST_CASE("Whittle-Matern 2048 x 2048 sample" * doctest::skip()) {
  const Grid grid({2048, 2048}, {0.0, 0.0}, {1.0, 1.0}, {true, true});
  const Decomposition dec(grid, MPI_COMM_WORLD);
  // l = 0.01 ~ 20 h: ~10^4 correlation areas, so one sample's mean square estimates the
  // variance to ~1-2%.
  const SpdeParams p{2, 1.0, 0.01};
  MPI_Barrier(MPI_COMM_WORLD);
  double wall[3], cpu[3];
  wall[0] = MPI_Wtime();
  cpu[0] = cpu_seconds();
  const SpdeMeasure<float> m(dec, p);
  cpu[1] = cpu_seconds();
  MPI_Barrier(MPI_COMM_WORLD);
  wall[1] = MPI_Wtime();
  Tensor3<float> u("u", 1, 1, dec.local_size());
  m.sample(u, CounterRng(1, purpose_id("test.scale")), 0);
  cpu[2] = cpu_seconds();
  MPI_Barrier(MPI_COMM_WORLD);
  wall[2] = MPI_Wtime();
  double cpu_max[2] = {cpu[1] - cpu[0], cpu[2] - cpu[1]};
  MPI_Allreduce(MPI_IN_PLACE, cpu_max, 2, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  double sq[3] = {0, 0, 0};
  for (long i = 0; i < dec.local_size(); ++i) {
    sq[0] += double(u(0, 0, i)) * double(u(0, 0, i));
    sq[1] += std::isfinite(u(0, 0, i)) ? 0.0 : 1.0;
    sq[2] += double(u(0, 0, i));
  }
  MPI_Allreduce(MPI_IN_PLACE, sq, 3, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  const double variance = sq[0] / double(grid.size());
  if (dec.rank() == 0)
    std::printf("%s\n  %d ranks: setup %.2f s (max CPU per rank %.2f s), one sample %.2f s (max "
                "CPU per rank %.2f s, %ld CG iterations), mean %.12g, mean square %.12g\n",
                m.describe().c_str(), dec.size(), wall[1] - wall[0], cpu_max[0], wall[2] - wall[1],
                cpu_max[1], m.system().iterations(), sq[2] / double(grid.size()), variance);
  CHECK(sq[1] == 0.0);
  CHECK(std::abs(variance - 1.0) < 0.1);
}
