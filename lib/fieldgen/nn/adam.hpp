// Adam: the optimizer of every fieldgen model, a plain loop over the contiguous parameter buffer.
// The update is torch.optim.Adam's (bias-corrected, eps added after the corrected square root):
//   t += 1
//   m = m + (1 - beta1) (g - m)          (torch >= 2.0 writes this as m.lerp_(g, 1 - beta1))
//   v = beta2 v + (1 - beta2) g^2
//   p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
// Weight decay is decoupled (torch.optim.AdamW): p = p (1 - lr wd) before the step above; with
// wd = 0 (the default) the update is exactly torch.optim.Adam. Decoupled rather than L2 because
// an L2 term would be rescaled by the per-parameter Adam denominators. The state (m, v and the
// step count t) is public so that a checkpoint restores it bit-exactly: copy m and v into
// first_moment() / second_moment() and call set_steps(t).
#pragma once

#include "fieldgen/nn/parameters.hpp"

namespace fieldgen::nn {

struct AdamOptions {
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  double weight_decay = 0.0; // decoupled (AdamW)
};

template <class Real> class Adam {
public:
  // Zero moments of the size of params (which must be allocated), step count 0.
  Adam(const Parameters<Real>& params, AdamOptions options = {});

  // One update of params.values() from params.grads() with learning rate lr.
  void step(const Parameters<Real>& params, double lr);

  long steps() const { return steps_; }
  void set_steps(long steps);
  Vector<Real> first_moment() const { return m_; }
  Vector<Real> second_moment() const { return v_; }
  const AdamOptions& options() const { return options_; }

private:
  AdamOptions options_;
  Vector<Real> m_, v_;
  long steps_ = 0;
};

} // namespace fieldgen::nn
