// `fieldgen train`: data-parallel training of the FuncDiff denoiser (FNO or GNO, model.kind;
// funcdiff/trainer.hpp) on a field file of 1-D curves or 2-D fields (one channel; the file
// decides model.dim and measure.boundary), with checkpoints and bit-identical resume;
// prints the seconds per step at the end on rank 0.
#include "commands.hpp"
#include "funcdiff_setup.hpp"
#include "train_common.hpp"

#include "fieldgen/core/comm.hpp"
#include "fieldgen/core/log.hpp"
#include "fieldgen/data/point_set.hpp"
#include "fieldgen/funcdiff/trainer.hpp"
#include "fieldgen/nn/field_block.hpp"

#include <cstdint>

namespace fieldgen::app {
namespace {

template <class Real> int train(Config& cfg) {
  const Comm comm;
  check_checkpoint_path(cfg, comm);
  data::Dataset::Options dopt;
  dopt.batch = cfg.get_int("train.batch");
  dopt.seed = std::uint64_t(cfg.get_int("train.seed"));
  dopt.shuffle = cfg.get_bool("data.shuffle");
  dopt.expect.channels = 1;
  dopt.expect.kind = "continuous";
  data::Dataset data(cfg.get_string("data.path"), comm, dopt);
  const Grid grid = data.meta().grid();
  const std::string source = cat(cfg.get_string("data.path"), " (data.path)");
  resolve_fields(cfg, grid_fields(grid, source), source);
  const bool scattered = data.meta().coords; // one shared point set (data/point_set.hpp)
  const gaussian::Coordinates points = scattered
                                           ? data::read_point_set(cfg.get_string("data.path"), comm)
                                           : gaussian::grid_coordinates(grid);
  const funcdiff::Schedule schedule = make_schedule(cfg);
  NoiseMeasure<Real> noise = make_measure<Real>(cfg, grid, points, scattered);
  Model<Real> model = make_model<Real>(cfg, points);
  if (model.fno)
    model.fno->set_block(nn::FieldBlock::whole(grid.shape()));
  nn::Parameters<Real> params;
  model.denoiser().reserve(params);
  params.allocate();

  funcdiff::TrainOptions o;
  set_loop_options(cfg, data.batches_per_epoch(), o);
  o.elbo = cfg.get_bool("train.elbo");
  funcdiff::Trainer<Real> trainer(model.denoiser(), params, *noise.measure, schedule, data,
                                  lr_schedule(cfg, o.steps, data.batches_per_epoch()), o, comm);
  if (!cfg.get_string("train.resume").empty())
    trainer.resume(cfg.get_string("train.resume"));
  log::info(cat("fieldgen train: ", cfg.get_string("model.kind"), ", ", params.size(),
                " parameters (", cfg.get_string("train.precision"), "), ", data.meta().samples,
                grid.dim() == 1 ? " curves on " : " fields on ",
                scattered ? cat(points.extent(0), " scattered points") : grid.describe(),
                ", batch ", data.global_batch(), " over ", comm.size(), " ranks"));
  log::info(cat("  measure ", noise.measure->describe(), "; schedule ", schedule.describe()));
  log::info(cat("  steps ", trainer.step(), " -> ", o.steps, " (", data.batches_per_epoch(),
                " per epoch)"));
  const funcdiff::TrainReport r = trainer.run();
  log::info(cat("done: ", r.steps_done, " steps in ", r.seconds, " s, ", r.seconds_per_step,
                " s/step, final loss ", r.last_loss, "; checkpoint ", o.checkpoint));
  log::info(cat("parameter hash ", parameter_hash(params)));
  return 0;
}

} // namespace

int command_train(const Args& args) {
  Config cfg = funcdiff_config(
      "train",
      "Trains the FuncDiff noise predictor (FNO or GNO, Kerrigan et al. 2023) on a field file "
      "of 1-D curves or 2-D fields;\nwrites a checkpoint (weights, Adam, EMA, step, data position, "
      "config).");
  if (!cfg.parse(args))
    return 0;
  return cfg.get_string("train.precision") == "double" ? train<double>(cfg) : train<float>(cfg);
}

} // namespace fieldgen::app
