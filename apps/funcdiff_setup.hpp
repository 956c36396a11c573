// Shared set-up of `fieldgen train` and `fieldgen sample`: one key set for both commands (so one
// deck such as input/mogp.cfg drives both), and the model, noise measure and schedule it names.
#pragma once

#include "fieldgen/core/config.hpp"
#include "fieldgen/funcdiff/schedule.hpp"
#include "fieldgen/gaussian/measure.hpp"
#include "fieldgen/mesh/decomposition.hpp"
#include "fieldgen/nn/fno.hpp"

#include <memory>

namespace fieldgen::app {

// Every key of the FuncDiff commands (data, model, measure, schedule, train, sample).
Config funcdiff_config(const std::string& command, const std::string& summary);

nn::FnoConfig fno_config(const Config& cfg);
funcdiff::Schedule make_schedule(const Config& cfg);

// The noise measure on a 1-D grid held whole by this rank (data-parallel curves); the SPDE
// family keeps its Decomposition (over MPI_COMM_SELF) alive here.
template <class Real> struct NoiseMeasure {
  std::unique_ptr<Decomposition> dec;
  std::unique_ptr<gaussian::GaussianMeasure<Real>> measure;
};
template <class Real> NoiseMeasure<Real> make_measure(const Config& cfg, const Grid& grid);

// ConfigError naming the key and both values if a model.*, measure.* or schedule.* key or
// train.precision of cfg differs from the effective configuration stored in a checkpoint:
// sampling must use the model, noise measure and schedule the weights were trained with.
void check_trained_with(const Config& cfg, const std::string& trained, const std::string& path);

} // namespace fieldgen::app
