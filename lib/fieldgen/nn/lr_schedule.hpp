// LrSchedule: the learning rate as a pure function of the optimizer step count, so a resumed run
// recomputes it from the checkpointed step alone. `step` is 0-based: lr(s) is the rate used by
// update number s + 1 (Adam::steps() before the call). Three shapes, each optionally preceded by
// a linear warm-up that multiplies it:
//   constant  lr(s) = lr
//   StepLR    lr(s) = lr * gamma^floor(epoch / step_size), epoch = floor(s / steps_per_epoch):
//             torch.optim.lr_scheduler.StepLR with scheduler.step() once per epoch, as the
//             reference code (StepLR(25, 0.1)); step_size counts epochs.
//   cosine    lr(s) = floor + (lr - floor) (1 + cos(pi min(s, T) / T)) / 2 per optimizer step,
//             torch's CosineAnnealingLR(T_max = T, eta_min = floor) except that it stays at floor
//             after T instead of rising again.
//   warm-up   factor (s + 1) / W for s < W, 1 afterwards (first update lr / W, update W at the
//             full rate); it multiplies the schedule evaluated at the same s, like torch's
//             ChainedScheduler of LinearLR and the main schedule.
#pragma once

namespace fieldgen::nn {

class LrSchedule {
public:
  static LrSchedule constant(double lr);
  static LrSchedule step_decay(double lr, long step_size_epochs, double gamma,
                               long steps_per_epoch);
  static LrSchedule cosine(double lr, double floor, long total_steps);
  // A copy of this schedule with a linear warm-up over the first warmup_steps updates (0: none).
  LrSchedule with_warmup(long warmup_steps) const;

  double operator()(long step) const;
  double base() const { return lr_; }

private:
  enum class Kind { Constant, Step, Cosine };
  explicit LrSchedule(Kind kind, double lr);
  Kind kind_;
  double lr_;
  double gamma_ = 1.0, floor_ = 0.0;
  long step_size_ = 1, steps_per_epoch_ = 1, total_steps_ = 1, warmup_ = 0;
};

} // namespace fieldgen::nn
