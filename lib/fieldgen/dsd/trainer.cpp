// Trainer: the data-parallel DSD rate-network training loop with checkpoints (trainer.hpp).
#include "fieldgen/dsd/trainer.hpp"

#include "fieldgen/core/log.hpp"
#include "fieldgen/core/timer.hpp"
#include "fieldgen/nn/checkpoint.hpp"
#include "fieldgen/nn/update_step.hpp"

#include <algorithm>

namespace fieldgen::dsd {
namespace {

// Initial weights (CounterRng(seed, "train.init"), rank 0's broadcast); returns params so that
// the optimizer can be constructed from it in the member initialiser list.
template <class Real>
const nn::Parameters<Real>& initialise(nn::UFno<Real>& model, const nn::Parameters<Real>& params,
                                       const nn::DataParallel& parallel, std::uint64_t seed) {
  model.init(params, CounterRng(seed, purpose_id("train.init")));
  parallel.broadcast_parameters(params);
  return params;
}

} // namespace

template <class Real>
Trainer<Real>::Trainer(nn::UFno<Real>& model, nn::Parameters<Real>& params, double rate,
                       const TimeGrid& times, data::Dataset& data, const nn::LrSchedule& lr,
                       const TrainOptions& options, const Comm& comm)
    : model_(model), params_(params), times_(times),
      forward_(data.meta().grid(), rate, times, options.seed), data_(data), lr_(lr),
      options_(options), comm_(comm.get()), parallel_(comm.get()),
      adam_(initialise(model, params, parallel_, options.seed), options.adam),
      ema_(params, options.ema_decay, options.ema_warmup), loss_(data.meta().grid(), options.loss),
      k_sampler_(times, options.time_importance), k_rng_(options.seed, purpose_id("dsd.train.k")),
      drop_rng_(options.seed, purpose_id("dsd.train.drop")) {
  const io::FieldMeta& meta = data.meta();
  const nn::UFnoConfig& mc = model.config();
  require(meta.kind == "counts", "dsd::Trainer: the data file holds '", meta.kind,
          "' fields, DSD trains on counts");
  require(meta.channels == mc.channels, "dsd::Trainer: the model has ", mc.channels,
          " count channels, the data file ", meta.channels);
  require(meta.dim() == model.dim(), "dsd::Trainer: ", model.dim(), "-D model, ", meta.dim(),
          "-D data");
  require(mc.classes == 0 || meta.labels, "dsd::Trainer: a class-conditional model (", mc.classes,
          " classes) needs /labels in the data file");
  require(options.steps >= 0, "dsd::Trainer: steps = ", options.steps);
  require(options.class_dropout >= 0 && options.class_dropout <= 1, "dsd::Trainer: class dropout ",
          options.class_dropout);
  // ForwardSampler draw ids are s B + g < 2^30.
  if (double(options.steps) * double(data.global_batch()) >= double(1L << 30))
    throw ConfigError(cat("dsd training: steps x batch = ", options.steps, " x ",
                          data.global_batch(), " exceeds the 2^30 forward-sampler draw ids"));
  const long b = data.local_batch(), nc = meta.channels, n = meta.points(), nd = 2 * meta.dim();
  x0_ = CountView("fieldgen::dsd::train_x0", b, nc, n);
  nt_ = CountView("fieldgen::dsd::train_nt", b, nc, n);
  target_ = RateView<Real>("fieldgen::dsd::train_target", b, nc, nd, n);
  counts_ = Tensor3<Real>("fieldgen::dsd::train_counts", b, nc, n);
  grad_ = Tensor3<Real>("fieldgen::dsd::train_grad", b, nc * nd, n);
  t_ = Vector<Real>("fieldgen::dsd::train_t", b);
  labels_ = Kokkos::View<std::int32_t*, MemSpace>("fieldgen::dsd::train_labels", b);
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
  const nn::UFnoConfig& mc = model_.config();
  std::vector<std::int64_t> labels(static_cast<size_t>(b), 0);
  {
    auto host = Kokkos::create_mirror_view(x0_);
    data_.next(host.data(), mc.classes > 0 ? labels.data() : nullptr);
    Kokkos::deep_copy(x0_, host);
  }
  std::vector<int> ks(static_cast<size_t>(b));
  std::vector<std::uint64_t> draws(static_cast<size_t>(b));
  std::vector<double> dt(static_cast<size_t>(b));
  {
    auto t_host = Kokkos::create_mirror_view(t_);
    auto l_host = Kokkos::create_mirror_view(labels_);
    for (long i = 0; i < b; ++i) {
      const std::uint64_t g = first + std::uint64_t(i);
      const TimeIndexSampler::Draw d = k_sampler_.draw(k_rng_.uniform(g, step));
      const int k = d.k;
      ks[size_t(i)] = k;
      draws[size_t(i)] = std::uint64_t(step_) * std::uint64_t(data_.global_batch()) + g;
      dt[size_t(i)] = d.weight;
      t_host(i) = Real(times_.t(k));
      const std::int64_t label = labels[size_t(i)];
      if (mc.classes > 0 && (label < 0 || label >= mc.classes))
        throw DataError(cat("dsd training: label ", label, " of batch item ", g, " at step ",
                            step_ + 1, " is outside [0, ", mc.classes, ")"),
                        ErrorScope::Local);
      const bool drop =
          options_.class_dropout > 0 && drop_rng_.uniform(g, step) < options_.class_dropout;
      l_host(i) = std::int32_t(drop ? nn::unconditional_label(mc) : label);
    }
    Kokkos::deep_copy(t_, t_host);
    Kokkos::deep_copy(labels_, l_host);
  }
  forward_.sample(x0_, ks, draws, nt_, target_);
  {
    const Tensor3<Real> c = counts_;
    const CountView nt = nt_;
    Kokkos::parallel_for(
        "fieldgen::dsd::train_counts", Kokkos::RangePolicy<ExecSpace>(0, long(c.size())),
        KOKKOS_LAMBDA(long i) { c.data()[i] = Real(nt.data()[i]); });
  }
  params_.zero_grad();
  const Tensor3<Real> rho = model_.forward(params_, counts_, t_, labels_);
  const double loss = loss_.value_and_grad(nt_, target_, rho, dt, grad_);
  model_.backward(params_, grad_);
  const double mean = nn::update_step(loss, step_, parallel_, params_, adam_, ema_, lr_,
                                      {options_.clip, options_.checkpoint, "DSD training loss"});
  ++step_;
  return mean;
}

template <class Real>
void Trainer<Real>::progress(double loss, double seconds, long steps_run) const {
  const long per_epoch = data_.batches_per_epoch();
  const double rate = double(steps_run * data_.global_batch()) / seconds;
  const double eta = seconds / double(steps_run) * double(options_.steps - step_);
  log::info(cat("step ", step_, "/", options_.steps, "  epoch ", (step_ - 1) / per_epoch + 1,
                "  loss ", loss, " (", rate_loss_name(options_.loss),
                ", mean since last line)  lr ", lr_(adam_.steps() - 1), "  ", rate,
                " samples/s  ETA ", long(eta), " s"));
}

template <class Real> TrainReport Trainer<Real>::run() {
  TrainReport r;
  const Stopwatch clock;
  double interval_sum = 0, total = 0;
  long interval_steps = 0;
  while (step_ < options_.steps) {
    r.last_loss = train_step();
    ++r.steps_done;
    interval_sum += r.last_loss;
    total += r.last_loss;
    ++interval_steps;
    if (options_.log_every > 0 && (step_ % options_.log_every == 0 || step_ == options_.steps)) {
      const double mean = interval_sum / double(interval_steps);
      r.curve.push_back(mean);
      progress(mean, clock.seconds(), r.steps_done);
      interval_sum = 0;
      interval_steps = 0;
    }
    if (!options_.checkpoint.empty() && options_.checkpoint_every > 0 &&
        step_ % options_.checkpoint_every == 0 && step_ < options_.steps)
      save(options_.checkpoint);
  }
  r.seconds = clock.seconds();
  if (r.steps_done > 0) {
    r.mean_loss = total / double(r.steps_done);
    r.seconds_per_step = r.seconds / double(r.steps_done);
    r.samples_per_second = double(r.steps_done * data_.global_batch()) / r.seconds;
  }
  if (!options_.checkpoint.empty())
    save(options_.checkpoint);
  return r;
}

template class Trainer<float>;
template class Trainer<double>;

} // namespace fieldgen::dsd
