// Binomial tau-leaping sampler of the reverse discrete-spatial-diffusion process (Santos et al.,
// NeurIPS 2025, Alg. 2), domain-decomposed over the ranks of a Decomposition.
//
// State: counts [batch][channel][local point] of this rank's block. Every batch item b runs its
// own clock from t_T down to t_1. One step, for every unfinished item:
//   1. rho = rates(counts, t, labels): per-unit rates [batch][channel][2d][local point] >= 0
//      (RateView layout, direction 2a = -1 / 2a + 1 = +1 along axis a);
//   2. S(y) = sum over open directions v of rho(y, v); tau_b = min(t_b - t_1, eps / max S), the
//      max over the occupied sites (n > 0) of item b on ALL ranks (one allreduce), so every rank
//      takes the same step; empty sites cannot move and do not limit the step;
//   3. movers(y) ~ Binomial(n(y), min(1, tau S(y))), split over the open directions by
//      Multinomial(movers, rho_v / S) (see binomial.hpp);
//   4. the transfers are added into a padded array (ghost layer of width 1); Halo::sum_scatter
//      hands the ones that leave the block to the neighbour that owns the target site (wrapping on
//      periodic axes), and counts += transfers.
// Closed directions, whose rates are ignored: across a no-flux (non-periodic) boundary, and every
// edge with a frozen site at either end (inpainting mask). Rates of empty sites are never used.
// Mass per channel is therefore conserved exactly and counts never go negative.
//
// Random numbers: CounterRng(seed, "dsd.sample") with counter
//   index = (sample * C + c) * G + global site,  step = step number,
//   sub   = (stream << 16) | attempt (stream 0: movers, 1 .. 2d - 1: direction split),
// with sample the item's GLOBAL sample index and G the number of lattice sites, so a sample's
// trajectory is bitwise the same on 1, 2 or 4 ranks and in any batch (given a rate function that
// treats items independently). Requires (samples * C) * G < 2^64.
//
// The CFL steps end exactly on t_1 (the first grid time, where the training targets stop; the
// reference code stops there). At t_1 the chain still holds the forward law at t_1, in which a
// fraction 1 - exp(-2 d r t_1) of the units sit one hop off their data site (1.7% for r = 20,
// t_1 = 2.2e-4 in 2-D). EndAt::Zero (the default) then takes one last leap from t_1 to 0 with the
// rates at t_1 and no CFL cap: as t -> 0 the target R(y, v) t tends to the expected number of
// units at y whose data site is y + v (a unit one hop from x0 = y + v contributes
// r t K_t(0)/K_t(1) = 1 - O(r t), any other unit O(r t)), so movers ~ Binomial(n, min(1, t_1 S))
// split by rho_v / S sends the displaced units home: the Euler step of [0, t_1], exact to first
// order in r t_1.
//
// Corrector leaps (optional, set_corrector; Campbell et al., NeurIPS 2022, Sec. 4.2 and Prop. 4):
// the forward generator plus the time reversal, per-unit rates r + rho_v on every open direction,
// has the forward marginal q_t as its stationary law, so leaps with it at a fixed t pull a state
// that drifted off q_t (tau-leap and model error) back towards it. After every CFL step that
// lands at t <= `below` (t_1 included, the final leap excluded) the item takes `steps` such leaps
// with its clock held, all of tau = eps / max S' (S' = sum over open directions of r + rho_v) of
// the first one: a fixed leap makes the chain I + tau (Q + R) stationary for q_t exactly where
// tau S' <= 1 (movers ~ Binomial(n, min(1, tau S'))); a per-leap CFL step would over-weight the
// states of small S'.
#pragma once

#include "fieldgen/core/comm.hpp"
#include "fieldgen/dsd/forward_sampler.hpp"
#include "fieldgen/dsd/lattice_kernel.hpp"
#include "fieldgen/mesh/block_index.hpp"
#include "fieldgen/mesh/decomposition.hpp"
#include "fieldgen/mesh/halo.hpp"

#include <cstdint>
#include <functional>
#include <vector>

namespace fieldgen::dsd {

// The rate model: fills rates [batch][channel][2d][local point] for the counts of this rank's
// block at per-item times t[b] and class labels[b] (-1: none; empty when unconditional).
// Collective over the decomposition's ranks (a network may exchange halos).
template <class Real>
using RateFunction =
    std::function<void(const CountView& counts, const std::vector<double>& t,
                       const std::vector<int>& labels, const RateView<Real>& rates)>;

struct TauLeapStats {
  long steps = 0;        // steps taken by the slowest item
  double min_tau = 0.0;  // smallest step of any item
  double max_rate = 0.0; // largest site total rate max S seen
};

// Where the reverse chain ends: at the first grid time t_1, or at 0 after the final leap above.
enum class EndAt { FirstTime, Zero };

template <class Real> class TauLeapSampler {
public:
  // dec must outlive the sampler. tolerance: eps in (0, 1], the largest expected fraction of
  // units that leave the busiest site in one step. Collective (builds a Halo).
  TauLeapSampler(const Decomposition& dec, int channels, TimeGrid times, double tolerance,
                 std::uint64_t seed, EndAt end = EndAt::Zero);

  // Inpainting: frozen[global point] != 0 marks a frozen site (whole grid, row-major, the same
  // on every rank; empty clears the mask). Frozen sites keep their counts; no unit crosses an
  // edge that touches one.
  void set_mask(const std::vector<std::uint8_t>& frozen);
  // Corrector leaps (see above): forward_rate r > 0, steps >= 0 per CFL step (0: none) at the
  // times t <= below.
  void set_corrector(double forward_rate, int steps, double below);

  // Starts a run for batch items with global sample indices samples[b] and labels[b] (empty or
  // one per item); every clock is set to t_T.
  void begin(const std::vector<std::uint64_t>& samples, const std::vector<int>& labels);
  // One tau-leap step of every unfinished item on counts (this rank's block, modified in place).
  // Returns true while an item has not reached the end time. Collective.
  bool step(const CountView& counts, const RateFunction<Real>& rates);
  // begin + step until every item reaches the end time, calling progress (if given) after every
  // step. Throws NumericError (collective) on a negative, NaN or infinite rate at an occupied open
  // site, or after max_steps steps.
  TauLeapStats run(const CountView& counts, const std::vector<std::uint64_t>& samples,
                   const std::vector<int>& labels, const RateFunction<Real>& rates, long max_steps,
                   const std::function<void(const TauLeapSampler&)>& progress = {});

  const std::vector<double>& clocks() const { return t_; } // current time per item
  const std::vector<double>& last_tau() const { return tau_; }
  long steps_taken() const { return step_; }
  const TauLeapStats& stats() const { return stats_; }
  const Decomposition& decomposition() const { return *dec_; }
  const TimeGrid& times() const { return times_; }

private:
  const Decomposition* dec_;
  Comm comm_;
  BlockIndex index_;
  int channels_;
  TimeGrid times_;
  double tolerance_;
  std::uint64_t seed_;
  EndAt end_;
  double corrector_rate_ = 0.0, corrector_below_ = 0.0;
  int corrector_steps_ = 0;
  Halo<std::int32_t> halo_;
  // Bit v set: direction v of the local site is closed (boundary or mask edge).
  Kokkos::View<std::uint8_t*, MemSpace> closed_;
  std::vector<std::uint64_t> samples_;
  std::vector<int> labels_;
  std::vector<double> t_, tau_;
  std::vector<int> corrections_left_; // corrector leaps still to take at the item's clock
  std::vector<double> corrector_tau_; // their leap size
  long step_ = 0;
  TauLeapStats stats_;
  RateView<Real> rates_;
  Tensor3<std::int32_t> transfer_; // [batch][channel][padded point]
};

extern template class TauLeapSampler<float>;
extern template class TauLeapSampler<double>;

} // namespace fieldgen::dsd
