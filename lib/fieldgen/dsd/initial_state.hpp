// Terminal-time configurations for the reverse DSD sampler, on one rank's block of a decomposed
// lattice, identical whatever the number of ranks:
//  - scatter_uniform: a requested mass per (sample, channel) spread as i.i.d. uniform units over
//    the free sites (the terminal law of a fully mixed forward process). Drawn as a multinomial
//    by recursive binomial halving of the global site range [0, G): a node [lo, hi) holding m
//    units sends Binomial(m, F(lo, mid) / F(lo, hi)) of them to [lo, mid), F counting free
//    sites, the rest to [mid, hi). The node's draw uses CounterRng(seed, "dsd.sample.init") with
//    counter (heap number of the node, global sample index, channel), so every rank computes the
//    same split and descends only into the nodes that touch its block (O(local sites x log G)).
//  - forward_noised: training fields diffused to t_T by the exact ForwardSampler (each rank
//    diffuses the whole fields, with draw id = global sample index, and keeps its block), so the
//    mass is the data's.
#pragma once

#include "fieldgen/dsd/forward_sampler.hpp"
#include "fieldgen/mesh/decomposition.hpp"

#include <cstdint>
#include <vector>

namespace fieldgen::dsd {

// counts: this rank's block [batch][channel][local point]. Free sites (frozen empty or
// frozen[g] == 0) are overwritten with the scatter of mass[b * C + c] units of global sample
// samples[b]; frozen sites keep the values counts holds (the known data of an inpainting run).
// frozen: whole-grid mask as in TauLeapSampler::set_mask. Throws UsageError when a positive mass
// has no free site or exceeds int32 per site.
void scatter_uniform(const Decomposition& dec, const std::vector<std::uint8_t>& frozen,
                     const std::vector<std::uint64_t>& samples, const std::vector<long>& mass,
                     std::uint64_t seed, const CountView& counts);

// x0: whole fields [batch][channel][global point] (the same on every rank). counts (this rank's
// block) = x0 diffused to t_T with the exact forward sampler of `rate` and `times` and draw ids
// samples[b] (< 2^30).
void forward_noised(const Decomposition& dec, const CountView& x0, double rate,
                    const TimeGrid& times, const std::vector<std::uint64_t>& samples,
                    std::uint64_t seed, const CountView& counts);

} // namespace fieldgen::dsd
