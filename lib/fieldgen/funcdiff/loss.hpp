// Noise-prediction loss of FuncDiff in the Cameron-Martin norm of the noise measure:
//   loss = (1/B) sum_b w_b L(xi_b - xi_theta_b),  L(d) = 1/2 d^T S^{-1} d = measure.cm_norm2(d)
// (gaussian/measure.hpp), the mean over the batch items of this rank, exactly the reference's
// torch.mean(DiscreteLoss(xi, out)) (loss.py: 0.5 * diff^T K^{-1} diff). With data-parallel
// shards of equal size, the average of the ranks' losses is the global-batch mean.
// Weights: w_b = 1 by default (the reference drops the ELBO weight). With elbo = true,
//   w_b = b_t^2 / (bt_t (1 - b_t) (1 - g_t)),
// so that w_b L(d) = b_t^2 / (2 bt_t (1 - b_t)(1 - g_t)) ||d||^2_CM is the KL term of the ELBO,
// KL(q(u_{t-1}|u_t,u_0) || p_theta(u_{t-1}|u_t)) = 1/(2 bt_t) ||mu - mu_theta||^2_CM with
// mu - mu_theta = b_t / (sqrt(1 - b_t) sqrt(1 - g_t)) (xi_theta - xi). At t = 1, where
// bt_1 = 0, the reverse variance b_1 (Ho et al.'s sigma_t^2 = b_t choice) replaces bt_1.
#pragma once

#include "fieldgen/funcdiff/schedule.hpp"
#include "fieldgen/gaussian/measure.hpp"

#include <vector>

namespace fieldgen::funcdiff {

// The weight w of one item at time t (see above).
double elbo_weight(const Schedule& schedule, long t);

template <class Real> class NoiseLoss {
public:
  // elbo: weight each item by elbo_weight (off: the reference's unweighted loss).
  NoiseLoss(const gaussian::GaussianMeasure<Real>& measure, bool elbo = false);

  // Loss of predictions `pred` of the noise `xi` drawn at times t (one per item). Writes
  // d loss / d pred into grad_pred (same shape as pred, not aliasing xi or pred).
  double value_and_grad(const Tensor3<Real>& xi, const Tensor3<Real>& pred,
                        const std::vector<long>& t, const Schedule& schedule,
                        const Tensor3<Real>& grad_pred);
  // The loss alone.
  double value(const Tensor3<Real>& xi, const Tensor3<Real>& pred, const std::vector<long>& t,
               const Schedule& schedule);

private:
  std::vector<double> weights(const std::vector<long>& t, const Schedule& schedule,
                              long batch) const;
  void difference(const Tensor3<Real>& xi, const Tensor3<Real>& pred);

  const gaussian::GaussianMeasure<Real>& measure_;
  bool elbo_;
  Tensor3<Real> diff_, grad_diff_;
};

} // namespace fieldgen::funcdiff
