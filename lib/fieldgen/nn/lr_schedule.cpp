// LrSchedule: constant / StepLR / cosine learning rates with optional linear warm-up.
#include "fieldgen/nn/lr_schedule.hpp"

#include "fieldgen/core/error.hpp"

#include <algorithm>
#include <cmath>

namespace fieldgen::nn {

LrSchedule::LrSchedule(Kind kind, double lr) : kind_(kind), lr_(lr) {
  require(std::isfinite(lr) && lr > 0, "LrSchedule: learning rate must be > 0 (got ", lr, ")");
}

LrSchedule LrSchedule::constant(double lr) {
  return LrSchedule(Kind::Constant, lr);
}

LrSchedule LrSchedule::step_decay(double lr, long step_size_epochs, double gamma,
                                  long steps_per_epoch) {
  require(step_size_epochs >= 1, "LrSchedule: StepLR step size must be >= 1 epoch (got ",
          step_size_epochs, ")");
  require(gamma > 0 && gamma <= 1, "LrSchedule: StepLR gamma must be in (0, 1] (got ", gamma, ")");
  require(steps_per_epoch >= 1, "LrSchedule: steps per epoch must be >= 1 (got ", steps_per_epoch,
          ")");
  LrSchedule s(Kind::Step, lr);
  s.step_size_ = step_size_epochs;
  s.gamma_ = gamma;
  s.steps_per_epoch_ = steps_per_epoch;
  return s;
}

LrSchedule LrSchedule::cosine(double lr, double floor, long total_steps) {
  require(floor >= 0 && floor <= lr, "LrSchedule: cosine floor must be in [0, lr] (got ", floor,
          ")");
  require(total_steps >= 1, "LrSchedule: cosine needs total steps >= 1 (got ", total_steps, ")");
  LrSchedule s(Kind::Cosine, lr);
  s.floor_ = floor;
  s.total_steps_ = total_steps;
  return s;
}

LrSchedule LrSchedule::with_warmup(long warmup_steps) const {
  require(warmup_steps >= 0, "LrSchedule: warm-up steps must be >= 0 (got ", warmup_steps, ")");
  LrSchedule s = *this;
  s.warmup_ = warmup_steps;
  return s;
}

double LrSchedule::operator()(long step) const {
  require(step >= 0, "LrSchedule: negative step ", step);
  double lr = lr_;
  switch (kind_) {
  case Kind::Constant:
    break;
  case Kind::Step: {
    const long epoch = step / steps_per_epoch_;
    lr = lr_ * std::pow(gamma_, double(epoch / step_size_));
    break;
  }
  case Kind::Cosine: {
    const double pi = 3.14159265358979323846;
    const double x = double(std::min(step, total_steps_)) / double(total_steps_);
    lr = floor_ + (lr_ - floor_) * 0.5 * (1.0 + std::cos(pi * x));
    break;
  }
  }
  if (step < warmup_)
    lr *= double(step + 1) / double(warmup_);
  return lr;
}

} // namespace fieldgen::nn
