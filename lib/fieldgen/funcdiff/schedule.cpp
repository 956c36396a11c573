// Schedule: linear and cosine variance schedules and the derived g_t, bt_t (schedule.hpp).
#include "fieldgen/funcdiff/schedule.hpp"

#include "fieldgen/core/error.hpp"

#include <algorithm>
#include <cmath>

namespace fieldgen::funcdiff {

Schedule::Schedule(std::vector<double> beta, std::string name)
    : beta_(std::move(beta)), name_(std::move(name)) {
  const size_t n = beta_.size();
  gamma_.assign(n, 1.0);
  beta_tilde_.assign(n, 0.0);
  for (size_t t = 1; t < n; ++t) {
    gamma_[t] = (1.0 - beta_[t]) * gamma_[t - 1];
    beta_tilde_[t] = (1.0 - gamma_[t - 1]) / (1.0 - gamma_[t]) * beta_[t];
  }
}

Schedule Schedule::linear(long T, double b_min, double b_max) {
  if (T < 1)
    throw ConfigError(cat("schedule: T = ", T, " must be at least 1"));
  if (!(b_min > 0 && b_min <= b_max && b_max < 1))
    throw ConfigError(
        cat("schedule: need 0 < b_min <= b_max < 1, got b_min = ", b_min, ", b_max = ", b_max));
  std::vector<double> beta(size_t(T + 1), 0.0);
  for (long t = 1; t <= T; ++t)
    beta[size_t(t)] = T == 1 ? b_min : b_min + (b_max - b_min) * double(t - 1) / double(T - 1);
  return Schedule(std::move(beta), cat("linear [", b_min, ", ", b_max, "], T = ", T));
}

Schedule Schedule::cosine(long T, double s) {
  if (T < 1)
    throw ConfigError(cat("schedule: T = ", T, " must be at least 1"));
  const double half_pi = 1.5707963267948966192;
  auto f = [&](long t) {
    const double c = std::cos((double(t) / double(T) + s) / (1.0 + s) * half_pi);
    return c * c;
  };
  std::vector<double> beta(size_t(T + 1), 0.0);
  for (long t = 1; t <= T; ++t)
    beta[size_t(t)] = std::min(1.0 - f(t) / f(t - 1), 0.999);
  return Schedule(std::move(beta), cat("cosine (s = ", s, "), T = ", T));
}

Schedule Schedule::named(const std::string& name, long T, double b_min, double b_max) {
  if (name == "linear")
    return linear(T, b_min, b_max);
  if (name == "cosine")
    return cosine(T);
  throw ConfigError(cat("schedule: unknown kind '", name, "' (linear, cosine)"));
}

std::string Schedule::describe() const {
  return name_;
}

} // namespace fieldgen::funcdiff
