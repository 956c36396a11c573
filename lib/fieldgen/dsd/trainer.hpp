// Trainer: data-parallel training of the DSD rate network (DESIGN.md "Discrete spatial
// diffusion"; the loop of funcdiff/trainer.hpp). Per optimizer step s:
//   read this rank's share of global batch s (Dataset: counts and, for a class-conditional model,
//   labels); for the item at global position g of the batch draw the time index k and its loss
//   weight (TimeIndexSampler: k ~ U{1..T}, weight t_k - t_{k-1}, or importance sampled) from
//   CounterRng(seed, "dsd.train.k") at (g, s) and, with class dropout p, replace
//   its label by the unconditional one when CounterRng(seed, "dsd.train.drop") at (g, s) < p;
//   diffuse it exactly to t_k (ForwardSampler, draw id s B + g, so n_t and the targets R depend
//   on the seed, the step and g only, never on the rank count); forward the network on
//   (n_t, t_k, label); rate loss (loss.hpp) times the weight; backward; one
//   DataParallel::average_gradients; the rank-mean loss is checked (NumericError naming the step
//   on NaN/inf, before any update, so the last checkpoint stays the last good state); optional
//   gradient clipping; Adam with lr = LrSchedule(s); EMA update.
// Checkpoints (nn/checkpoint.hpp) every `checkpoint_every` steps and at the end; resume() restores
// them and the run continues bit-identically to an uninterrupted one (same rank count).
#pragma once

#include "fieldgen/core/comm.hpp"
#include "fieldgen/data/dataset.hpp"
#include "fieldgen/dsd/forward_sampler.hpp"
#include "fieldgen/dsd/loss.hpp"
#include "fieldgen/dsd/time_index_sampler.hpp"
#include "fieldgen/nn/adam.hpp"
#include "fieldgen/nn/data_parallel.hpp"
#include "fieldgen/nn/ema.hpp"
#include "fieldgen/nn/lr_schedule.hpp"
#include "fieldgen/nn/train_loop_options.hpp"
#include "fieldgen/nn/ufno.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace fieldgen::dsd {

// The loop options (steps, seed: keys the time indices, forward draws and class dropout) and
// the rate loss.
struct TrainOptions : nn::TrainLoopOptions {
  RateLossKind loss = RateLossKind::Poisson;
  double class_dropout = 0;   // probability of training an item as unconditional
  double time_importance = 0; // lambda of TimeIndexSampler (0: the paper's k ~ U{1..T})
};

struct TrainReport {
  long steps_done = 0;  // steps run by this call
  double last_loss = 0; // rank-mean loss of the last step
  double mean_loss = 0; // mean over the steps of this call
  double seconds = 0;   // wall time of the steps run by this call
  double seconds_per_step = 0;
  double samples_per_second = 0;
  std::vector<double> curve; // mean loss over each log interval (rank 0's view; all equal)
};

template <class Real> class Trainer {
public:
  // The model must be built on the whole training lattice over MPI_COMM_SELF (data parallel:
  // every rank holds whole fields), reserved and its Parameters allocated; the trainer
  // initialises them with CounterRng(seed, "train.init") and broadcasts rank 0's values. rate and
  // times define the forward process. All objects must outlive the trainer.
  Trainer(nn::UFno<Real>& model, nn::Parameters<Real>& params, double rate, const TimeGrid& times,
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

private:
  // One optimizer step; returns the rank-mean loss.
  double train_step();
  void progress(double loss, double seconds, long steps_run) const;

  nn::UFno<Real>& model_;
  nn::Parameters<Real>& params_;
  TimeGrid times_;
  ForwardSampler<Real> forward_;
  data::Dataset& data_;
  nn::LrSchedule lr_;
  TrainOptions options_;
  Comm comm_;
  nn::DataParallel parallel_;
  nn::Adam<Real> adam_;
  nn::Ema<Real> ema_;
  RateLoss<Real> loss_;
  TimeIndexSampler k_sampler_;
  CounterRng k_rng_, drop_rng_;
  long step_ = 0;
  CountView x0_, nt_;
  RateView<Real> target_;
  Tensor3<Real> counts_, grad_;
  Vector<Real> t_;
  Kokkos::View<std::int32_t*, MemSpace> labels_;
};

extern template class Trainer<float>;
extern template class Trainer<double>;

} // namespace fieldgen::dsd
