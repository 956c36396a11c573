// Options of the training loop that every trainer shares (funcdiff::Trainer, dsd::Trainer): run
// length, seed, gradient clipping, weight EMA, progress lines, checkpoints and the optimizer.
// Each method's TrainOptions adds its loss options to these.
#pragma once

#include "fieldgen/nn/adam.hpp"

#include <cstdint>
#include <string>

namespace fieldgen::nn {

struct TrainLoopOptions {
  long steps = 1000;         // total optimizer steps of the run (resumed runs included)
  std::uint64_t seed = 1;    // keys the method's random draws
  double clip = 0;           // gradient-norm clipping threshold; 0 = off
  double ema_decay = 0.999;  // EMA of the weights (used for sampling)
  bool ema_warmup = true;    // nn::Ema warm-up
  long log_every = 100;      // progress line every so many steps (0 = never)
  std::string checkpoint;    // checkpoint path ("" = none)
  long checkpoint_every = 0; // also every so many steps (0 = only at the end)
  std::string config;        // effective configuration text, stored in checkpoints
  AdamOptions adam;
};

} // namespace fieldgen::nn
