// DSD forward sampler across ranks: a global batch of fields sharded over the ranks (contiguous
// blocks, draw id = global field index) gathered on rank 0 is bit-identical to one rank sampling
// the whole batch, at any rank count.
#include <doctest/doctest.h>

#include "fieldgen/core/comm.hpp"
#include "fieldgen/core/rng.hpp"
#include "fieldgen/dsd/forward_sampler.hpp"

#include <cstdint>
#include <vector>

using namespace fieldgen;
using namespace fieldgen::dsd;

namespace {

// Counts of global field g: a pure function of (g, channel, point).
int count_of(long g, long c, long p) {
  const CounterRng rng(5, purpose_id("test.dsd.ranks"));
  return int(rng.uniform(std::uint64_t((g * 4 + c) * 1000 + p), 0) * 8.0);
}

struct Batch {
  std::vector<int> nt;
  std::vector<double> target;
};

// Samples global fields [first, first + n) in one batch.
Batch sample_range(ForwardSampler<double>& s, long first, long n, long nc) {
  const long np = s.grid().size(), nd = 2 * s.grid().dim();
  const int steps_total = s.cache().times().steps();
  CountView x0("x0", size_t(n), size_t(nc), size_t(np)),
      nt("nt", size_t(n), size_t(nc), size_t(np));
  RateView<double> target("target", size_t(n), size_t(nc), size_t(nd), size_t(np));
  auto h = Kokkos::create_mirror_view(x0);
  std::vector<int> steps;
  std::vector<std::uint64_t> draws;
  for (long b = 0; b < n; ++b) {
    for (long c = 0; c < nc; ++c)
      for (long p = 0; p < np; ++p)
        h(b, c, p) = count_of(first + b, c, p);
    steps.push_back(1 + int(((first + b) * 13) % steps_total));
    draws.push_back(std::uint64_t(first + b));
  }
  Kokkos::deep_copy(x0, h);
  s.sample(x0, steps, draws, nt, target);
  auto nt_h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), nt);
  auto r_h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), target);
  return {std::vector<int>(nt_h.data(), nt_h.data() + nt_h.size()),
          std::vector<double>(r_h.data(), r_h.data() + r_h.size())};
}

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

TEST_CASE("dsd forward samples are bit-identical whatever the rank count") {
  const Comm comm;
  const std::vector<Grid> grids = {Grid({6, 5}, {0, 0}, {1, 1}, {true, false}),
                                   Grid({3, 4, 5}, {0, 0, 0}, {1, 1, 1}, {false, true, true})};
  for (const Grid& grid : grids) {
    CAPTURE(grid.describe());
    ForwardSampler<double> sampler(grid, 25.0, TimeGrid::logit(30), 314);
    const long n_fields = 7, nc = 2;
    const long first = n_fields * comm.rank() / comm.size();
    const long last = n_fields * (comm.rank() + 1) / comm.size();
    const Batch mine = sample_range(sampler, first, last - first, nc);
    const auto nt_all = gather(comm, mine.nt);
    const auto r_all = gather(comm, mine.target);
    int differ = 0;
    if (comm.is_root()) {
      const Batch serial = sample_range(sampler, 0, n_fields, nc);
      REQUIRE(serial.nt.size() == nt_all.size());
      REQUIRE(serial.target.size() == r_all.size());
      for (size_t i = 0; i < nt_all.size(); ++i)
        differ += serial.nt[i] != nt_all[i];
      for (size_t i = 0; i < r_all.size(); ++i)
        differ += serial.target[i] != r_all[i];
      long moved = 0;
      for (size_t i = 0; i < nt_all.size(); ++i)
        moved += serial.nt[i] != count_of(long(i / size_t(nc * grid.size())),
                                          long(i / size_t(grid.size())) % nc,
                                          long(i % size_t(grid.size())));
      CHECK(moved > 0); // the fields did change
    }
    comm.broadcast(&differ, 1);
    CHECK(differ == 0);
  }
}
