// Distributes samples held by rank 0 (an imported file) so that every rank owns its block
// (data/sharding.hpp) before the collective write.
#pragma once

#include "fieldgen/core/comm.hpp"
#include "fieldgen/data/sharding.hpp"

#include <climits>
#include <vector>

namespace fieldgen::data {

// Collective. `all` (meaningful on rank 0 only) holds n samples of sample_size values each;
// returns this rank's block_range(n, rank, size) of them. T must be trivially copyable.
template <class T>
std::vector<T> scatter_samples(const Comm& comm, const std::vector<T>& all, long n,
                               long sample_size) {
  require(!comm.is_root() || long(all.size()) == n * sample_size, "scatter_samples: ", all.size(),
          " values on rank 0, expected ", n, " samples of ", sample_size);
  const long bytes_per_sample = sample_size * long(sizeof(T));
  std::vector<int> counts(size_t(comm.size())), displs(size_t(comm.size()));
  for (int r = 0; r < comm.size(); ++r) {
    const Range b = block_range(n, r, comm.size());
    // MPI counts are int: one rank's share must stay below 2 GiB.
    require(b.count * bytes_per_sample < INT_MAX && b.first * bytes_per_sample < INT_MAX,
            "scatter_samples: ", n, " samples of ", bytes_per_sample,
            " bytes exceed MPI's int counts; use more ranks");
    counts[size_t(r)] = int(b.count * bytes_per_sample);
    displs[size_t(r)] = int(b.first * bytes_per_sample);
  }
  std::vector<T> mine(size_t(counts[size_t(comm.rank())]) / sizeof(T));
  FIELDGEN_MPI_CHECK(MPI_Scatterv(comm.is_root() ? all.data() : nullptr, counts.data(),
                                  displs.data(), MPI_BYTE, mine.data(),
                                  int(mine.size() * sizeof(T)), MPI_BYTE, 0, comm.get()));
  return mine;
}

} // namespace fieldgen::data
