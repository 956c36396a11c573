// Reproducible per-epoch shuffles (see permutation.hpp).
#include "fieldgen/data/permutation.hpp"

#include "fieldgen/core/error.hpp"
#include "fieldgen/core/rng.hpp"

#include <algorithm>
#include <utility>

namespace fieldgen::data {

std::vector<long> epoch_permutation(long n, std::uint64_t seed, long epoch) {
  require(n >= 0 && epoch >= 0 && epoch <= 0xffffffffL, "epoch_permutation: n = ", n,
          ", epoch = ", epoch);
  const CounterRng rng(seed, purpose_id("data.shuffle"));
  std::vector<std::pair<std::uint64_t, long>> keyed(static_cast<size_t>(n));
  for (long i = 0; i < n; ++i) {
    const auto r = rng.raw(std::uint64_t(i), std::uint32_t(epoch), 0);
    keyed[size_t(i)] = {(std::uint64_t(r[0]) << 32) | r[1], i};
  }
  std::sort(keyed.begin(), keyed.end()); // ties (probability ~N^2 / 2^65) broken by index
  std::vector<long> perm(static_cast<size_t>(n));
  for (long i = 0; i < n; ++i)
    perm[size_t(i)] = keyed[size_t(i)].second;
  return perm;
}

} // namespace fieldgen::data
