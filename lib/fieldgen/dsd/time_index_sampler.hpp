// TimeIndexSampler: draws the training time index k of one item and its loss weight, an unbiased
// estimator of the time integral of the rate loss (the ELBO of Santos et al., NeurIPS 2025,
// discretised on the TimeGrid):  J = sum_{k=1..T} (t_k - t_{k-1}) L_k.
//   k ~ p_k = (1 - lambda) / T + lambda (t_k - t_{k-1}) / t_T,
//   weight w_k = (t_k - t_{k-1}) / (T p_k),
// so E[w_k L_k] = J / T for every lambda in [0, 1] (the scale of the paper's estimator).
// lambda = 0 is the paper's k ~ U{1..T}; on the logit schedule (tau1 = 10) that spends half the
// items at t < 0.009, which carry 1% of J, so the estimator's effective sample size is only 0.32
// per item. lambda > 0 moves draws to where the integrand's mass is (lambda = 1: t roughly
// uniform on [0, t_T]) while the (1 - lambda) / T floor keeps every index visited and bounds the
// weights by T dt / (1 - lambda).
#pragma once

#include "fieldgen/dsd/lattice_kernel.hpp"

#include <vector>

namespace fieldgen::dsd {

class TimeIndexSampler {
public:
  // lambda in [0, 1].
  TimeIndexSampler(const TimeGrid& times, double lambda);

  struct Draw {
    int k;         // time index in 1..T
    double weight; // (t_k - t_{k-1}) / (T p_k)
  };
  // The draw for a uniform variate u in [0, 1) (inverse CDF; for lambda = 0, k = 1 + floor(u T)).
  Draw draw(double u) const;
  double probability(int k) const; // p_k

private:
  int steps_;
  double lambda_;
  std::vector<double> dt_;  // t_k - t_{k-1}, index k - 1
  std::vector<double> cdf_; // sum_{j <= k} p_j, index k - 1
};

} // namespace fieldgen::dsd
