// Shared set-up of the discrete-spatial-diffusion commands (`fieldgen dsd-train` and
// `fieldgen dsd-sample`): one key set, so that one deck describes a case, for the data, the rate
// network (model.*), the forward process (process.*), training (train.*) and sampling (sample.*),
// the builders of the network, time grid and forward rate from those keys, and the loading of
// trained weights for sampling.
#pragma once

#include "fieldgen/core/comm.hpp"
#include "fieldgen/core/config.hpp"
#include "fieldgen/dsd/lattice_kernel.hpp"
#include "fieldgen/mesh/decomposition.hpp"
#include "fieldgen/nn/ufno.hpp"

#include <memory>
#include <string>

namespace fieldgen::app {

// Every key of the DSD commands (data, model, process, train, sample).
Config dsd_config(const std::string& command, const std::string& summary);

// The rate network's configuration for a dim-dimensional lattice (model.modes on every axis).
nn::UFnoConfig ufno_config(const Config& cfg, int dim);
// sample.checkpoint, or train.checkpoint when it is empty.
std::string sample_checkpoint(const Config& cfg);
// process.schedule / steps / tau1 / tau2 / power.
dsd::TimeGrid make_time_grid(const Config& cfg);
inline double forward_rate(const Config& cfg) {
  return cfg.get_real("process.rate");
}

// A rate network on one decomposed lattice with its parameters.
template <class Real> struct RateModel {
  std::unique_ptr<nn::UFno<Real>> net;
  nn::Parameters<Real> params;
};

// Collective over dec.comm(): builds the network of cfg's model.* keys on dec (dec must outlive
// it) and allocates its parameters.
template <class Real> RateModel<Real> make_rate_model(const Config& cfg, const Decomposition& dec);

// Collective over comm: make_rate_model, then the EMA (ema = true) or raw weights of the DSD
// checkpoint `path`. ConfigError if a model.* or process.* key or train.precision of cfg differs
// from the configuration the checkpoint was trained with; IoError for a file that is not a
// checkpoint of this network.
template <class Real>
RateModel<Real> load_rate_model(const Config& cfg, const Decomposition& dec,
                                const std::string& path, bool ema, const Comm& comm);

} // namespace fieldgen::app
