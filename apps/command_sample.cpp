// `fieldgen sample`: ancestral (optionally conditioned) FuncDiff sampling from a training
// checkpoint on a grid of sample.points points per axis (1-D or 2-D as the checkpoint was trained,
// same boundary; any resolution: the FNO is resolution-free and the noise measure is rebuilt on
// the sampling grid) or, for the GNO, on the point set of another field file (sample.points_from),
// sharded over ranks in fixed chunks, written atomically as a field file with provenance. GNO
// conditioning adds observed points that are not sampling points to the set; scattered sets go to
// /coords.
#include "commands.hpp"
#include "funcdiff_setup.hpp"

#include "fieldgen/core/comm.hpp"
#include "fieldgen/core/log.hpp"
#include "fieldgen/core/timer.hpp"
#include "fieldgen/data/point_set.hpp"
#include "fieldgen/funcdiff/sampler.hpp"
#include "fieldgen/io/atomic_output.hpp"
#include "fieldgen/io/field_file.hpp"
#include "fieldgen/nn/checkpoint.hpp"
#include "fieldgen/nn/field_block.hpp"

namespace fieldgen::app {
namespace {

template <class Real> int sample(Config& cfg) {
  const Comm comm;
  io::check_output_path(cfg.get_string("sample.output"), comm);
  const Stopwatch clock;
  const std::string path = cfg.get_string("sample.checkpoint").empty()
                               ? cfg.get_string("train.checkpoint")
                               : cfg.get_string("sample.checkpoint");
  const std::string trained = nn::read_checkpoint_config(path, comm);
  resolve_fields(cfg, trained_fields(trained), cat("the training data of ", path));
  check_trained_with(cfg, trained, path);
  const long count = cfg.get_int("sample.count");
  const std::string points_from = cfg.get_string("sample.points_from");
  bool scattered = !points_from.empty();
  const Grid sampling_grid = sample_grid(cfg);
  gaussian::Coordinates coords = scattered ? data::read_point_set(points_from, comm)
                                           : gaussian::grid_coordinates(sampling_grid);
  const long base_points = long(coords.extent(0));
  funcdiff::Observations obs;
  const std::string obs_path = cfg.get_string("sample.observations");
  if (!obs_path.empty()) {
    std::vector<double> x, y;
    funcdiff::read_xy(obs_path, comm, x, y);
    if (cfg.get_string("model.kind") == "gno") {
      // Off-grid observations join the points the GNO and the measure run on.
      obs = funcdiff::place_observations(coords, x, y, obs_path);
      scattered = scattered || long(coords.extent(0)) > base_points;
    } else {
      if (sampling_grid.dim() != 1)
        throw ConfigError(cat("sample.observations = ", obs_path,
                              ": conditioning the FNO is implemented for 1-D curves, the model is ",
                              sampling_grid.dim(), "-D"));
      obs = funcdiff::match_to_grid(sampling_grid, x, y, obs_path);
    }
  }
  const long points = long(coords.extent(0));
  const Grid grid = scattered ? Grid::unit({points}) : sampling_grid;
  const funcdiff::Schedule schedule = make_schedule(cfg);
  NoiseMeasure<Real> noise = make_measure<Real>(cfg, grid, coords, scattered);
  Model<Real> model = make_model<Real>(cfg, coords);
  if (model.fno)
    model.fno->set_block(nn::FieldBlock::whole(grid.shape()));
  nn::Parameters<Real> params;
  model.denoiser().reserve(params);
  params.allocate();
  nn::read_checkpoint_weights(path, params, cfg.get_string("sample.weights") == "ema", comm);

  const bool antithetic = cfg.get_bool("sample.antithetic");
  if (antithetic && (count % 2 != 0 || cfg.get_int("sample.batch") % 2 != 0))
    throw ConfigError(cat("sample.antithetic = true needs an even sample.count and sample.batch "
                          "(whole pairs), got ",
                          count, " and ", cfg.get_int("sample.batch")));
  funcdiff::Sampler<Real> sampler(model.denoiser(), params, *noise.measure, schedule,
                                  std::uint64_t(cfg.get_int("sample.seed")), antithetic);
  std::vector<Real> values;
  const data::Range r =
      sampler.generate_sharded(count, cfg.get_int("sample.batch"), comm, values,
                               obs_path.empty() ? nullptr : &obs, cfg.get_int("sample.n_free"));

  io::Provenance prov;
  prov.config = cfg.effective_text();
  prov.seed = cfg.get_int("sample.seed");
  prov.ranks = comm.size();
  io::FieldMeta meta = io::FieldMeta::on_unit_box(count, grid.shape());
  meta.periodic.assign(size_t(grid.dim()), grid.periodic(0));
  meta.coords = scattered;
  io::FieldFileWriter w(cfg.get_string("sample.output"), meta, io::Dtype::Float64, prov, comm);
  w.write_fields(r.first, r.count, values.data());
  if (scattered)
    w.write_coords(r.first, r.count, data::repeat_points(coords, r.count).data());
  w.commit();
  log::info(cat(
      "fieldgen sample: ", count, grid.dim() == 1 ? " curves on " : " fields on ",
      scattered ? cat(points, " scattered points") : grid.describe(), " from ", path, " (",
      cfg.get_string("sample.weights"), " weights), ",
      obs_path.empty() ? std::string("unconditional")
                       : cat(obs.size(), " observations, n_free ", cfg.get_int("sample.n_free")),
      ", ", comm.size(), " ranks, ", clock.seconds(), " s -> ", cfg.get_string("sample.output")));
  return 0;
}

} // namespace

int command_sample(const Args& args) {
  Config cfg = funcdiff_config(
      "sample",
      "Generates curves or 2-D fields with a trained FuncDiff model (ancestral DDPM, optionally "
      "conditioned on observations);\nwrites an HDF5 field file with provenance.");
  if (!cfg.parse(args))
    return 0;
  return cfg.get_string("train.precision") == "double" ? sample<double>(cfg) : sample<float>(cfg);
}

} // namespace fieldgen::app
