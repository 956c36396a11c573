// The end of a data-parallel training step, shared by the FuncDiff and DSD trainers: average the
// gradients over the ranks, form the rank-mean loss, stop on a non-finite loss before any update
// (a collective NumericError naming the step, so the last checkpoint stays the last good state),
// optionally clip the gradient norm, then Adam with the scheduled learning rate and the EMA update.
#pragma once

#include "fieldgen/nn/adam.hpp"
#include "fieldgen/nn/data_parallel.hpp"
#include "fieldgen/nn/ema.hpp"
#include "fieldgen/nn/lr_schedule.hpp"
#include "fieldgen/nn/parameters.hpp"

#include <string>

namespace fieldgen::nn {

struct UpdateOptions {
  double clip = 0;        // gradient-norm clipping threshold; 0 = off
  std::string checkpoint; // named in the error message ("" = none)
  std::string what;       // names the loss in the error message, e.g. "training loss"
};

// Collective. `loss` is this rank's loss of the step with index `step` (0-based); returns the
// rank-mean loss. The gradients in params are those of this rank's share of the batch.
template <class Real>
double update_step(double loss, long step, const DataParallel& parallel,
                   const Parameters<Real>& params, Adam<Real>& adam, Ema<Real>& ema,
                   const LrSchedule& lr, const UpdateOptions& options);

} // namespace fieldgen::nn
