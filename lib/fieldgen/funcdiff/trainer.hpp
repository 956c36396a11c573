// Trainer: data-parallel training of the FuncDiff noise predictor (nn::Denoiser: FNO or GNO;
// DESIGN.md "Function-space diffusion", reference FNODiffusionModel.train). Per optimizer step s:
//   read this rank's share of global batch s (Dataset), draw t and xi for every item by its
//   global index in the batch (noising.hpp), forward, loss and gradient (loss.hpp), one
//   DataParallel::average_gradients, check the rank-mean loss (NumericError naming the step on
//   NaN/inf, before any update, so the last checkpoint stays the last good state), optional
//   gradient clipping, Adam with lr = LrSchedule(s), EMA update.
// Checkpoints (nn/checkpoint.hpp) every `checkpoint_every` steps and at the end; resume() restores
// them and the run continues bit-identically to an uninterrupted one (same rank count).
#pragma once

#include "fieldgen/core/comm.hpp"
#include "fieldgen/data/dataset.hpp"
#include "fieldgen/funcdiff/loss.hpp"
#include "fieldgen/funcdiff/schedule.hpp"
#include "fieldgen/gaussian/measure.hpp"
#include "fieldgen/nn/adam.hpp"
#include "fieldgen/nn/checkpoint.hpp"
#include "fieldgen/nn/data_parallel.hpp"
#include "fieldgen/nn/denoiser.hpp"
#include "fieldgen/nn/ema.hpp"
#include "fieldgen/nn/lr_schedule.hpp"
#include "fieldgen/nn/train_loop_options.hpp"

#include <cstdint>
#include <string>

namespace fieldgen::funcdiff {

// The loop options (steps, seed: keys the time and noise draws) and the loss weighting.
struct TrainOptions : nn::TrainLoopOptions {
  bool elbo = false; // ELBO-weighted loss (loss.hpp)
};

struct TrainReport {
  long steps_done = 0;  // steps run by this call
  double last_loss = 0; // rank-mean loss of the last step
  double seconds = 0;   // wall time of the steps run by this call
  double seconds_per_step = 0;
};

template <class Real> class Trainer {
public:
  // The model must be reserved and its Parameters allocated; the trainer initialises them with
  // CounterRng(seed, "train.init") and broadcasts rank 0's values. The measure is the noise
  // measure on the training grid; all objects must outlive the trainer.
  Trainer(nn::Denoiser<Real>& model, nn::Parameters<Real>& params,
          const gaussian::GaussianMeasure<Real>& measure, const Schedule& schedule,
          data::Dataset& data, const nn::LrSchedule& lr, const TrainOptions& options,
          const Comm& comm);

  // Collective: restores a checkpoint written by this trainer (same model, precision).
  void resume(const std::string& path);
  // Collective: trains until options.steps steps are done.
  TrainReport run();
  // Collective: writes a checkpoint of the current state.
  void save(const std::string& path) const;

  long step() const { return step_; }
  const nn::Ema<Real>& ema() const { return ema_; }
  const nn::Adam<Real>& adam() const { return adam_; }

private:
  // One optimizer step; returns the rank-mean loss.
  double train_step();
  void progress(double loss, double seconds, long steps_run) const;

  nn::Denoiser<Real>& model_;
  nn::Parameters<Real>& params_;
  const gaussian::GaussianMeasure<Real>& measure_;
  const Schedule& schedule_;
  data::Dataset& data_;
  nn::LrSchedule lr_;
  TrainOptions options_;
  Comm comm_;
  nn::DataParallel parallel_;
  nn::Adam<Real> adam_;
  nn::Ema<Real> ema_;
  NoiseLoss<Real> loss_;
  CounterRng time_rng_, noise_rng_;
  long step_ = 0;
  Tensor3<Real> u0_, xi_, ut_, grad_;
  Vector<Real> t_;
};

} // namespace fieldgen::funcdiff
