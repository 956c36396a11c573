// `fieldgen dsd-train`: data-parallel training of the DSD rate network (dsd/trainer.hpp) on a
// field file of counts (1-D, 2-D, or 3-D with the local-only network, optional class labels), with
// checkpoints and bit-identical resume; logs the loss curve, samples/s and a parameter hash at the
// end on rank 0.
#include "commands.hpp"
#include "dsd_setup.hpp"
#include "train_common.hpp"

#include "fieldgen/core/log.hpp"
#include "fieldgen/dsd/trainer.hpp"

#include <cstdint>
#include <sstream>

namespace fieldgen::app {
namespace {

template <class Real> int train(const Config& cfg) {
  const Comm comm;
  check_checkpoint_path(cfg, comm);
  data::Dataset::Options dopt;
  dopt.batch = cfg.get_int("train.batch");
  dopt.seed = std::uint64_t(cfg.get_int("train.seed"));
  dopt.shuffle = cfg.get_bool("data.shuffle");
  dopt.expect.channels = cfg.get_int("model.channels");
  dopt.expect.kind = "counts";
  data::Dataset data(cfg.get_string("data.path"), comm, dopt);
  const Grid grid = data.meta().grid();
  if (cfg.get_int("model.classes") > 0 && !data.meta().labels)
    throw ConfigError(cat("model.classes = ", cfg.get_int("model.classes"),
                          " but data.path = ", cfg.get_string("data.path"), " has no /labels"));
  // Data parallel: every rank holds whole fields.
  const Decomposition whole(grid, MPI_COMM_SELF);
  RateModel<Real> model = make_rate_model<Real>(cfg, whole);
  const dsd::TimeGrid times = make_time_grid(cfg);

  dsd::TrainOptions o;
  set_loop_options(cfg, data.batches_per_epoch(), o);
  o.loss = dsd::parse_rate_loss(cfg.get_string("train.loss"));
  o.class_dropout = cfg.get_int("model.classes") > 0 ? cfg.get_real("train.class_dropout") : 0.0;
  o.time_importance = cfg.get_real("train.time_importance");
  dsd::Trainer<Real> trainer(*model.net, model.params, forward_rate(cfg), times, data,
                             lr_schedule(cfg, o.steps, data.batches_per_epoch()), o, comm);
  if (!cfg.get_string("train.resume").empty())
    trainer.resume(cfg.get_string("train.resume"));
  log::info(cat("fieldgen dsd-train: ", model.params.size(), " parameters (",
                cfg.get_string("train.precision"), "), ", data.meta().samples, " fields of ",
                data.meta().channels, " channel(s) on ", grid.describe(), ", batch ",
                data.global_batch(), " over ", comm.size(), " ranks"));
  log::info(cat("  forward rate ", forward_rate(cfg), ", ", times.steps(), " time indices (",
                cfg.get_string("process.schedule"), ", t_1 = ", times.t(1),
                ", t_T = ", times.t(times.steps()), "), loss ", cfg.get_string("train.loss")));
  log::info(cat("  steps ", trainer.step(), " -> ", o.steps, " (", data.batches_per_epoch(),
                " per epoch)"));
  const dsd::TrainReport r = trainer.run();
  std::ostringstream curve;
  for (double v : r.curve)
    curve << " " << v;
  log::info(cat("loss curve (mean per ", o.log_every, " steps):", curve.str()));
  log::info(cat("done: ", r.steps_done, " steps in ", r.seconds, " s, ", r.seconds_per_step,
                " s/step, ", r.samples_per_second, " samples/s, final loss ", r.last_loss,
                "; checkpoint ", o.checkpoint));
  log::info(cat("parameter hash ", parameter_hash(model.params)));
  return 0;
}

} // namespace

int command_dsd_train(const Args& args) {
  Config cfg = dsd_config(
      "dsd-train",
      "Trains the discrete-spatial-diffusion rate network (U-FNO; Santos et al. 2025) on a field\n"
      "file of counts; writes a checkpoint (weights, Adam, EMA, step, data position, config).");
  if (!cfg.parse(args))
    return 0;
  return cfg.get_string("train.precision") == "double" ? train<double>(cfg) : train<float>(cfg);
}

} // namespace fieldgen::app
