// Ema: exponential moving average of the parameter buffer, the weights used for sampling.
// After each optimizer step, update() applies  e = d e + (1 - d) p  with
//   d = decay                                  (warm-up off), or
//   d = min(decay, (1 + n) / (10 + n))         (warm-up on; n = number of updates including this
//                                               one, as torch_ema / the DDPM reference code),
// so that early averages are not dominated by the random initial weights (the first update uses
// d = 2/11). The average starts as a copy of the parameters. swap_in() exchanges the contents of
// the parameter buffer and the average (no copy kept elsewhere), swap_out() exchanges them back:
// sample with the EMA weights in between. The state (average and update count) is public for
// checkpoints.
#pragma once

#include "fieldgen/nn/parameters.hpp"

namespace fieldgen::nn {

template <class Real> class Ema {
public:
  Ema(const Parameters<Real>& params, double decay, bool warmup);

  void update(const Parameters<Real>& params);
  // Decay that the next update() will use.
  double next_decay() const;

  // Puts the average into params.values() (keeping the training weights here) and back.
  void swap_in(const Parameters<Real>& params);
  void swap_out(const Parameters<Real>& params);
  bool swapped() const { return swapped_; }

  // The average (the training weights while swapped()).
  Vector<Real> values() const { return ema_; }
  long updates() const { return updates_; }
  void set_updates(long n);

private:
  void exchange(const Parameters<Real>& params);
  double decay_;
  bool warmup_;
  Vector<Real> ema_;
  long updates_ = 0;
  bool swapped_ = false;
};

} // namespace fieldgen::nn
