// Field datasets across ranks: Gaussian random fields and microstructures generated the way
// `fieldgen data` shards them (each rank its block of samples with its own MPI_COMM_SELF SPDE
// solver) and gathered on rank 0 are bit-identical to one rank generating every sample.
#include <doctest/doctest.h>

#include "fieldgen/core/comm.hpp"
#include "fieldgen/data/microstructure.hpp"
#include "fieldgen/data/sharding.hpp"

#include <cstdint>
#include <vector>

using namespace fieldgen;
using namespace fieldgen::data;

namespace {

// Rank 0 receives every rank's block, in rank order.
template <class T> std::vector<T> gather(const Comm& comm, const std::vector<T>& mine) {
  int count = int(mine.size());
  std::vector<int> counts(size_t(comm.size())), displs(size_t(comm.size()), 0);
  FIELDGEN_MPI_CHECK(MPI_Gather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, comm.get()));
  for (int r = 1; r < comm.size(); ++r)
    displs[size_t(r)] = displs[size_t(r - 1)] + counts[size_t(r - 1)];
  std::vector<T> all(size_t(displs.back() + counts.back()));
  FIELDGEN_MPI_CHECK(MPI_Gatherv(mine.data(), count, mpi_type<T>(), all.data(), counts.data(),
                                 displs.data(), mpi_type<T>(), 0, comm.get()));
  return all;
}

} // namespace

TEST_CASE("grf and microstructure samples are bit-identical whatever the rank count") {
  const Comm comm;
  const long n = 7;
  const Range mine = block_range(n, comm.rank(), comm.size());
  const std::vector<Grid> grids = {Grid({12, 10}, {0, 0}, {1, 1}, {true, false}),
                                   Grid({6, 5, 4}, {0, 0, 0}, {1, 1, 1}, {true, true, true})};
  for (const Grid& grid : grids) {
    CAPTURE(grid.describe());
    const GrfParams p{2, 1.5, 0.3};
    const GaussianRandomField field(grid, p, 11);
    const Microstructure micro(grid, p, 0.3, 11);
    std::vector<double> u(size_t(mine.count * grid.size()));
    std::vector<std::uint8_t> phase(u.size());
    field.generate(mine.first, mine.count, u.data());
    micro.generate(mine.first, mine.count, phase.data());
    const std::vector<double> u_all = gather(comm, u);
    const std::vector<int> phase_all = gather(comm, std::vector<int>(phase.begin(), phase.end()));
    if (comm.is_root()) {
      std::vector<double> u_serial(size_t(n * grid.size()));
      std::vector<std::uint8_t> phase_serial(u_serial.size());
      field.generate(0, n, u_serial.data());
      micro.generate(0, n, phase_serial.data());
      CHECK(u_all == u_serial);
      CHECK(phase_all == std::vector<int>(phase_serial.begin(), phase_serial.end()));
    }
  }
}
