// Terminal-time configurations (see initial_state.hpp): the recursive binomial scatter on the
// host, pruned to the nodes that touch this rank's block, and the forward-noised data fields.
#include "fieldgen/dsd/initial_state.hpp"

#include "fieldgen/core/error.hpp"
#include "fieldgen/core/rng.hpp"
#include "fieldgen/dsd/binomial.hpp"
#include "fieldgen/dsd/count_blocks.hpp"
#include "fieldgen/mesh/block_index.hpp"

#include <algorithm>
#include <climits>

namespace fieldgen::dsd {
namespace {

using HostCounts = CountView::HostMirror;

// One (sample, channel) scatter: the recursion over [lo, hi) with the block's contiguous runs in
// global order (run k covers global [start[k], start[k] + run) and local [k run, (k + 1) run)).
struct Scatter {
  const std::vector<long>& free_before; // free sites before global index i (empty: no mask)
  const std::vector<long>& start;
  long run;
  CounterRng rng;
  std::uint32_t sample, channel;
  std::int32_t* out; // this (sample, channel)'s local counts

  long free_below(long i) const { return free_before.empty() ? i : free_before[size_t(i)]; }

  // The first run that ends after lo starts before hi.
  bool touches(long lo, long hi) const {
    const auto it = std::upper_bound(start.begin(), start.end(), lo - run);
    return it != start.end() && *it < hi;
  }

  void split(long lo, long hi, std::uint64_t node, long m) const {
    if (m == 0 || !touches(lo, hi))
      return;
    if (hi - lo == 1) {
      const long k = long(std::upper_bound(start.begin(), start.end(), lo) - start.begin()) - 1;
      out[k * run + (lo - start[size_t(k)])] += std::int32_t(m);
      return;
    }
    const long mid = lo + (hi - lo) / 2;
    const long left = free_below(mid) - free_below(lo), all = free_below(hi) - free_below(lo);
    const long m_left = binomial(rng, node, sample, channel, m, double(left) / double(all));
    split(lo, mid, 2 * node, m_left);
    split(mid, hi, 2 * node + 1, m - m_left);
  }
};

} // namespace

void scatter_uniform(const Decomposition& dec, const std::vector<std::uint8_t>& frozen,
                     const std::vector<std::uint64_t>& samples, const std::vector<long>& mass,
                     std::uint64_t seed, const CountView& counts) {
  const long nb = long(counts.extent(0)), nc = long(counts.extent(1));
  const long sites = dec.grid().size();
  require(long(counts.extent(2)) == dec.local_size(), "dsd::scatter_uniform: counts have ",
          counts.extent(2), " points, this rank's block ", dec.local_size());
  require(long(samples.size()) == nb && long(mass.size()) == nb * nc,
          "dsd::scatter_uniform: ", samples.size(), " sample ids and ", mass.size(), " masses for ",
          nb, " samples of ", nc, " channels");
  require(frozen.empty() || long(frozen.size()) == sites, "dsd::scatter_uniform: mask has ",
          frozen.size(), " sites, the lattice has ", sites);
  require(nc < 65536, "dsd::scatter_uniform: ", nc, " channels (at most 65535)");

  std::vector<long> free_before;
  long free_sites = sites;
  if (!frozen.empty()) {
    free_before.assign(size_t(sites) + 1, 0);
    for (long i = 0; i < sites; ++i)
      free_before[size_t(i) + 1] = free_before[size_t(i)] + (frozen[size_t(i)] == 0);
    free_sites = free_before.back();
  }
  for (long i = 0; i < nb * nc; ++i) {
    require(mass[size_t(i)] >= 0 && mass[size_t(i)] <= INT_MAX, "dsd::scatter_uniform: mass ",
            mass[size_t(i)], " of sample ", samples[size_t(i / nc)], " channel ", i % nc,
            " outside [0, 2^31)");
    require(mass[size_t(i)] == 0 || free_sites > 0, "dsd::scatter_uniform: mass ", mass[size_t(i)],
            " but the mask leaves no free site");
  }
  for (long b = 0; b < nb; ++b)
    require(samples[size_t(b)] < (std::uint64_t(1) << 32), "dsd::scatter_uniform: sample index ",
            samples[size_t(b)], " (need < 2^32)");

  // The block's runs along the last axis, in global order.
  const BlockIndex ix = BlockIndex::of(dec);
  const long run = ix.n[dec.dim() - 1];
  std::vector<long> start;
  for (long p = 0; p < ix.size(); p += run)
    start.push_back(ix.global_flat(p));

  HostCounts h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), counts);
  const CounterRng rng(seed, purpose_id("dsd.sample.init"));
  for (long b = 0; b < nb; ++b)
    for (long c = 0; c < nc; ++c) {
      std::int32_t* out = &h(b, c, 0);
      for (long p = 0; p < ix.size(); ++p)
        if (frozen.empty() || frozen[size_t(ix.global_flat(p))] == 0)
          out[p] = 0;
      const Scatter s{free_before,      start, run, rng, std::uint32_t(samples[size_t(b)]),
                      std::uint32_t(c), out};
      s.split(0, sites, 1, mass[size_t(b * nc + c)]);
    }
  Kokkos::deep_copy(counts, h);
}

void forward_noised(const Decomposition& dec, const CountView& x0, double rate,
                    const TimeGrid& times, const std::vector<std::uint64_t>& samples,
                    std::uint64_t seed, const CountView& counts) {
  const Grid& grid = dec.grid();
  require(counts.extent(0) == x0.extent(0) && counts.extent(1) == x0.extent(1) &&
              long(counts.extent(2)) == dec.local_size(),
          "dsd::forward_noised: counts are ", counts.extent(0), "x", counts.extent(1), "x",
          counts.extent(2), ", expected ", x0.extent(0), "x", x0.extent(1), "x", dec.local_size());
  ForwardSampler<float> forward(grid, rate, times, seed);
  CountView nt("fieldgen::dsd::noised", x0.extent(0), x0.extent(1), x0.extent(2));
  RateView<float> target("fieldgen::dsd::noised_targets", x0.extent(0), x0.extent(1),
                         size_t(2 * grid.dim()), x0.extent(2));
  forward.sample(x0, std::vector<int>(x0.extent(0), times.steps()), samples, nt, target);
  Kokkos::deep_copy(counts, block_of(dec, nt));
}

} // namespace fieldgen::dsd
