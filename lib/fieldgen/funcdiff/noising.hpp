// Forward noising of FuncDiff: draws the diffusion time of each training item and the marginal
//   u_t = sqrt(g_t) u_0 + sqrt(1 - g_t) xi,   xi ~ N(0, C)
// (DESIGN.md "Function-space diffusion"; reference simulate_fwd_process). Every draw is keyed by
// the global index of the batch item, so a batch gives the same numbers on any number of ranks:
//   t_i   = 1 + floor(U T),  U uniform from CounterRng(seed, "train.t") at counter (i, step, 0),
//   xi_i  = measure.sample(..., step, first_sample = i of the rank's first item) with
//           CounterRng(seed, "train.noise"),
// where i is the item's index in the global batch of optimizer step `step`.
#pragma once

#include "fieldgen/core/rng.hpp"
#include "fieldgen/funcdiff/schedule.hpp"
#include "fieldgen/gaussian/measure.hpp"

#include <cstdint>
#include <vector>

namespace fieldgen::funcdiff {

// Times t in 1..T of `count` batch items with global indices first, first + 1, ...
std::vector<long> draw_times(const CounterRng& rng, long T, std::uint32_t step, std::uint64_t first,
                             long count);

// u_t(b) = sqrt(g_{t_b}) u0(b) + sqrt(1 - g_{t_b}) xi(b) for every batch item b; u_t may alias u0.
template <class Real>
void forward_marginal(const Schedule& schedule, const std::vector<long>& t, const Tensor3<Real>& u0,
                      const Tensor3<Real>& xi, const Tensor3<Real>& u_t);

// Draws xi ~ N(0, C) into xi (items numbered from first_sample, see measure.hpp) and sets u_t.
template <class Real>
void noise_batch(const Schedule& schedule, const gaussian::GaussianMeasure<Real>& measure,
                 const CounterRng& rng, std::uint32_t step, std::uint64_t first_sample,
                 const std::vector<long>& t, const Tensor3<Real>& u0, const Tensor3<Real>& xi,
                 const Tensor3<Real>& u_t);

} // namespace fieldgen::funcdiff
