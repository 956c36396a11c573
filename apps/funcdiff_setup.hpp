// Shared set-up of `fieldgen train` and `fieldgen sample`: one key set for both commands (so one
// deck such as input/mogp.cfg drives both), and the model, noise measure and schedule it names.
// Fields are 1-D curves or 2-D images (model.dim, by default the dimension of the training data);
// the FNO is resolution-free, so sample.points (per axis) may differ from the training grid.
#pragma once

#include "fieldgen/core/config.hpp"
#include "fieldgen/funcdiff/schedule.hpp"
#include "fieldgen/gaussian/kernel_measure.hpp"
#include "fieldgen/gaussian/measure.hpp"
#include "fieldgen/mesh/decomposition.hpp"
#include "fieldgen/nn/fno.hpp"
#include "fieldgen/nn/gno.hpp"

#include <memory>

namespace fieldgen::app {

// Every key of the FuncDiff commands (data, model, measure, schedule, train, sample).
Config funcdiff_config(const std::string& command, const std::string& summary);

// The fields' dimension and boundary as `source` has them (train: the data file; sample: the
// configuration stored in the checkpoint, see trained_fields): model.dim = 0 and
// measure.boundary = auto are resolved to them, explicit values must agree (ConfigError
// otherwise, and for dimensions other than 1 and 2). Afterwards cfg holds model.dim = 1 or 2 and
// measure.boundary = reflecting or periodic, so the effective configuration (and the checkpoint)
// records them.
struct Fields {
  int dim = 1;
  bool periodic = false; // every axis periodic (else every axis reflecting)
};
void resolve_fields(Config& cfg, const Fields& fields, const std::string& source);
// The fields of a training grid; ConfigError naming `source` if its axes mix periodic and not.
Fields grid_fields(const Grid& grid, const std::string& source);
// The fields recorded in the effective configuration text of a checkpoint (absent keys: older
// checkpoints were trained on non-periodic curves).
Fields trained_fields(const std::string& trained);
// The grid of the generated fields: sample.points per axis on [0, 1]^model.dim with the boundary
// of measure.boundary (both resolved).
Grid sample_grid(const Config& cfg);

// model.modes on each of the model.dim (resolved) axes.
nn::FnoConfig fno_config(const Config& cfg);
nn::GnoConfig gno_config(const Config& cfg, int dim);

// The denoiser that model.kind names (exactly one member set).
template <class Real> struct Model {
  std::unique_ptr<nn::Fno<Real>> fno;
  std::unique_ptr<nn::Gno<Real>> gno;
  nn::Denoiser<Real>& denoiser() { return fno ? static_cast<nn::Denoiser<Real>&>(*fno) : *gno; }
};
// The model on the training or sampling points [point][dim] (this rank holds every point): the
// GNO builds its radius graph on them; the 1-D FNO takes each field as a whole grid.
template <class Real>
Model<Real> make_model(const Config& cfg, const gaussian::Coordinates& points);
funcdiff::Schedule make_schedule(const Config& cfg);

// The noise measure on a 1-D or 2-D grid held whole by this rank (data-parallel curves); the SPDE
// family keeps its Decomposition (over MPI_COMM_SELF) alive here.
template <class Real> struct NoiseMeasure {
  std::unique_ptr<Decomposition> dec;
  std::unique_ptr<gaussian::GaussianMeasure<Real>> measure;
};
template <class Real> NoiseMeasure<Real> make_measure(const Config& cfg, const Grid& grid);
// The white or kernel measure on a point set held whole by this rank; ConfigError for spde.
template <class Real>
NoiseMeasure<Real> make_point_measure(const Config& cfg, const gaussian::Coordinates& points);
// make_measure on the grid, or, for scattered points (a field file with /coords), the point
// measure after checking that model.kind = gno (the FNO needs a regular grid).
template <class Real>
NoiseMeasure<Real> make_measure(const Config& cfg, const Grid& grid,
                                const gaussian::Coordinates& points, bool scattered);

// ConfigError naming the key and both values if a model.*, measure.* or schedule.* key or
// train.precision of cfg differs from the effective configuration stored in a checkpoint:
// sampling must use the model, noise measure and schedule the weights were trained with.
void check_trained_with(const Config& cfg, const std::string& trained, const std::string& path);

} // namespace fieldgen::app
