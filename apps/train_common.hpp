// Pieces shared by the training and sampling commands of both methods (FuncDiff and DSD): the
// learning-rate schedule and the training-loop options from the train.* keys, the early check of
// the checkpoint path, a fingerprint of trained weights, and the check that a sampling run uses the
// configuration its checkpoint was trained with.
#pragma once

#include "fieldgen/core/comm.hpp"
#include "fieldgen/core/config.hpp"
#include "fieldgen/nn/lr_schedule.hpp"
#include "fieldgen/nn/parameters.hpp"
#include "fieldgen/nn/train_loop_options.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace fieldgen::app {

// Adds the learning-rate keys train.lr, train.lr_schedule, train.step_size, train.gamma,
// train.lr_floor, train.warmup (defaults: the reference's StepLR(25, 0.1) at 1e-3).
Config& add_lr_keys(Config& c);
// The schedule those keys name, for a run of `steps` optimizer steps of `per_epoch` each.
nn::LrSchedule lr_schedule(const Config& cfg, long steps, long per_epoch);

// The loop options of the train.* keys (steps: train.steps, else train.epochs x per_epoch; seed,
// clip, ema_decay, log_every, checkpoint, checkpoint_every) and the effective configuration.
void set_loop_options(const Config& cfg, long per_epoch, nn::TrainLoopOptions& o);

// Collective. io::check_output_path on train.checkpoint when it is set: called before the data
// are read, so an unwritable checkpoint fails the run at once, not at the first save.
void check_checkpoint_path(const Config& cfg, const Comm& comm);

// FNV-1a 64-bit hash of the bytes of the parameter values, as 16 hex digits: a fingerprint of the
// trained weights for the final log line, so that runs (e.g. straight vs resumed) can be compared
// bit for bit.
template <class Real> std::string parameter_hash(const nn::Parameters<Real>& params);

// "section.key" -> value of the keys of an effective configuration text (Config::effective_text),
// e.g. the configuration stored in a checkpoint.
std::map<std::string, std::string> parse_effective(const std::string& text);

// ConfigError naming the key and both values if a key of one of `sections` (e.g. "model"), or
// one of `keys` (e.g. "train.precision"), differs between cfg and the effective configuration
// text stored in the checkpoint `path`.
void check_trained_with(const Config& cfg, const std::string& trained, const std::string& path,
                        const std::vector<std::string>& sections,
                        const std::vector<std::string>& keys);

} // namespace fieldgen::app
