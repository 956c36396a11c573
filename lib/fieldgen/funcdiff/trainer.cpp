// Trainer: the data-parallel FuncDiff training loop with checkpoints (trainer.hpp).
#include "fieldgen/funcdiff/trainer.hpp"

#include "fieldgen/core/log.hpp"
#include "fieldgen/core/timer.hpp"
#include "fieldgen/funcdiff/noising.hpp"
#include "fieldgen/nn/update_step.hpp"

#include <cstdio>

namespace fieldgen::funcdiff {
namespace {

// Initial weights (CounterRng(seed, "train.init"), rank 0's broadcast); returns params so that
// the optimizer can be constructed from it in the member initialiser list.
template <class Real>
const nn::Parameters<Real>& initialise(nn::Denoiser<Real>& model,
                                       const nn::Parameters<Real>& params,
                                       const nn::DataParallel& parallel, std::uint64_t seed) {
  model.init(params, CounterRng(seed, purpose_id("train.init")));
  parallel.broadcast_parameters(params);
  return params;
}

} // namespace

template <class Real>
Trainer<Real>::Trainer(nn::Denoiser<Real>& model, nn::Parameters<Real>& params,
                       const gaussian::GaussianMeasure<Real>& measure, const Schedule& schedule,
                       data::Dataset& data, const nn::LrSchedule& lr, const TrainOptions& options,
                       const Comm& comm)
    : model_(model), params_(params), measure_(measure), schedule_(schedule), data_(data), lr_(lr),
      options_(options), comm_(comm.get()), parallel_(comm.get()),
      adam_(initialise(model, params, parallel_, options.seed), options.adam),
      ema_(params, options.ema_decay, options.ema_warmup), loss_(measure, options.elbo),
      time_rng_(options.seed, purpose_id("train.t")),
      noise_rng_(options.seed, purpose_id("train.noise")) {
  require(data.meta().channels == 1, "Trainer: the denoiser takes one channel, the data file has ",
          data.meta().channels);
  require(data.meta().points() == measure.local_points(), "Trainer: the measure has ",
          measure.local_points(), " points, the data ", data.meta().points());
  require(options.steps >= 0, "Trainer: steps = ", options.steps);
  const long b = data.local_batch(), n = data.meta().points();
  u0_ = Tensor3<Real>("fieldgen::funcdiff::u0", b, 1, n);
  xi_ = Tensor3<Real>("fieldgen::funcdiff::xi", b, 1, n);
  ut_ = Tensor3<Real>("fieldgen::funcdiff::ut", b, 1, n);
  grad_ = Tensor3<Real>("fieldgen::funcdiff::grad_pred", b, 1, n);
  t_ = Vector<Real>("fieldgen::funcdiff::t", b);
}

template <class Real> void Trainer<Real>::resume(const std::string& path) {
  const nn::CheckpointState s = nn::read_checkpoint(path, params_, adam_, ema_, comm_);
  step_ = s.step;
  data_.seek({s.data_epoch, s.data_batch});
}

template <class Real> void Trainer<Real>::save(const std::string& path) const {
  nn::CheckpointState s;
  s.step = step_;
  s.data_epoch = data_.position().epoch;
  s.data_batch = data_.position().batch;
  s.config = options_.config;
  nn::write_checkpoint(path, params_, adam_, ema_, s, comm_);
}

template <class Real> double Trainer<Real>::train_step() {
  const long b = data_.local_batch();
  const auto step = std::uint32_t(step_);
  const std::uint64_t first = std::uint64_t(comm_.rank()) * std::uint64_t(b); // in the batch
  {
    auto host = Kokkos::create_mirror_view(u0_);
    data_.next(host.data());
    Kokkos::deep_copy(u0_, host);
  }
  const std::vector<long> t = draw_times(time_rng_, schedule_.steps(), step, first, b);
  noise_batch(schedule_, measure_, noise_rng_, step, first, t, u0_, xi_, ut_);
  {
    auto host = Kokkos::create_mirror_view(t_);
    for (long i = 0; i < b; ++i)
      host(i) = Real(t[size_t(i)]); // the model scales t by 1/max_t itself (FNO, GNO time input)
    Kokkos::deep_copy(t_, host);
  }
  params_.zero_grad();
  const Tensor3<Real> pred = model_.forward(params_, ut_, t_);
  const double loss = loss_.value_and_grad(xi_, pred, t, schedule_, grad_);
  model_.backward(params_, grad_);
  const double mean = nn::update_step(loss, step_, parallel_, params_, adam_, ema_, lr_,
                                      {options_.clip, options_.checkpoint, "training loss"});
  ++step_;
  return mean;
}

template <class Real>
void Trainer<Real>::progress(double loss, double seconds, long steps_run) const {
  const long per_epoch = data_.batches_per_epoch();
  const double rate = double(steps_run * data_.global_batch()) / seconds;
  const double eta = seconds / double(steps_run) * double(options_.steps - step_);
  log::info(cat("step ", step_, "/", options_.steps, "  epoch ", (step_ - 1) / per_epoch + 1,
                "  loss ", loss, "  lr ", lr_(adam_.steps() - 1), "  ", long(rate),
                " samples/s  ETA ", long(eta), " s"));
}

template <class Real> TrainReport Trainer<Real>::run() {
  TrainReport r;
  const Stopwatch clock;
  while (step_ < options_.steps) {
    r.last_loss = train_step();
    ++r.steps_done;
    if (options_.log_every > 0 && (step_ % options_.log_every == 0 || step_ == options_.steps))
      progress(r.last_loss, clock.seconds(), r.steps_done);
    if (!options_.checkpoint.empty() && options_.checkpoint_every > 0 &&
        step_ % options_.checkpoint_every == 0 && step_ < options_.steps)
      save(options_.checkpoint);
  }
  r.seconds = clock.seconds();
  r.seconds_per_step = r.steps_done > 0 ? r.seconds / double(r.steps_done) : 0.0;
  if (!options_.checkpoint.empty())
    save(options_.checkpoint);
  return r;
}

template class Trainer<float>;
template class Trainer<double>;

} // namespace fieldgen::funcdiff
