// Training checkpoints of the trainers (FuncDiff, DSD): everything a resumed run needs to
// continue bit-identically, in one vector file (io/vector_file.hpp, written atomically) with the
// model's block table (so a checkpoint of another model or trainer is refused by name):
//   /parameters/values, adam_m, adam_v, ema     the four buffers (stored in the model's Real)
//   / attributes  magic (checkpoint_magic), format_version, precision ("float"|"double"),
//                 step (optimizer steps done; every random draw is keyed by the step, so it is
//                 also the RNG position), adam_steps, ema_updates, data_epoch, data_batch
//                 (the DataPosition of the next batch), config (the effective configuration).
#pragma once

#include "fieldgen/core/comm.hpp"
#include "fieldgen/nn/adam.hpp"
#include "fieldgen/nn/ema.hpp"
#include "fieldgen/nn/parameters.hpp"

#include <string>

namespace fieldgen::nn {

// "FDCK" as a 32-bit big-endian integer; bump format_version on any layout change.
constexpr long checkpoint_magic = 0x4644434B;
constexpr long checkpoint_version = 1;

struct CheckpointState {
  long step = 0;
  long data_epoch = 0, data_batch = 0; // data::DataPosition of the next batch
  std::string config;
};

template <class Real> const char* precision_name();

// Collective; every rank holds identical buffers (rank 0's are written).
template <class Real>
void write_checkpoint(const std::string& path, const Parameters<Real>& params,
                      const Adam<Real>& adam, const Ema<Real>& ema, const CheckpointState& state,
                      const Comm& comm);

// Collective. IoError naming the file if it is not a checkpoint of this format, precision or
// model (block table), or a buffer is missing. Restores params, Adam and EMA in place.
template <class Real>
CheckpointState read_checkpoint(const std::string& path, Parameters<Real>& params, Adam<Real>& adam,
                                Ema<Real>& ema, const Comm& comm);

// Collective: only the EMA weights (or the raw parameters with ema = false) into params, for
// sampling; the same checks. Returns the stored configuration text.
template <class Real>
std::string read_checkpoint_weights(const std::string& path, Parameters<Real>& params, bool ema,
                                    const Comm& comm);

// Collective: the configuration text stored in a checkpoint of either precision (IoError naming
// the file if it is not a checkpoint), read before the model that matches it is built.
std::string read_checkpoint_config(const std::string& path, const Comm& comm);

} // namespace fieldgen::nn
