// TimeIndexSampler: importance sampling of the training time index (time_index_sampler.hpp).
#include "fieldgen/dsd/time_index_sampler.hpp"

#include "fieldgen/core/error.hpp"

#include <algorithm>

namespace fieldgen::dsd {

TimeIndexSampler::TimeIndexSampler(const TimeGrid& times, double lambda)
    : steps_(times.steps()), lambda_(lambda) {
  require(lambda >= 0.0 && lambda <= 1.0, "dsd::TimeIndexSampler: lambda = ", lambda,
          " outside [0, 1]");
  const double span = times.t(steps_) - times.t(0);
  double sum = 0.0;
  for (int k = 1; k <= steps_; ++k) {
    dt_.push_back(times.t(k) - times.t(k - 1));
    sum += (1.0 - lambda_) / double(steps_) + lambda_ * dt_.back() / span;
    cdf_.push_back(sum);
  }
  cdf_.back() = 1.0; // rounding must not leave u near 1 without an index
}

double TimeIndexSampler::probability(int k) const {
  return cdf_[size_t(k - 1)] - (k > 1 ? cdf_[size_t(k - 2)] : 0.0);
}

TimeIndexSampler::Draw TimeIndexSampler::draw(double u) const {
  if (lambda_ == 0.0) { // the paper's uniform index, exactly as drawn before importance sampling
    const int k = int(std::min(long(steps_), 1 + long(u * double(steps_))));
    return {k, dt_[size_t(k - 1)]};
  }
  const int k = int(std::upper_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin()) + 1;
  const int kk = std::min(k, steps_);
  return {kk, dt_[size_t(kk - 1)] / (double(steps_) * probability(kk))};
}

} // namespace fieldgen::dsd
