// Reproducible per-epoch shuffles. The permutation of epoch e is a pure function of
// (seed, e, N): sample i gets the 64-bit key CounterRng(seed, "data.shuffle").raw(i, e, 0) and
// the samples are sorted by (key, i). Every rank computes the same permutation whatever the
// number of ranks, so a data-parallel run sees the same batches on 1, 2 or 4 ranks.
#pragma once

#include <cstdint>
#include <vector>

namespace fieldgen::data {

std::vector<long> epoch_permutation(long n, std::uint64_t seed, long epoch);

} // namespace fieldgen::data
