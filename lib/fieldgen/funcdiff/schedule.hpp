// Schedule: the variance schedule of the discrete-time forward process of FuncDiff (DESIGN.md
// "Function-space diffusion"; reference diffusion/fno_diffusion.py construct_diffusion_params),
// indexed t = 0..T with the reference's conventions b_0 = 0, g_0 = 1, bt_0 = 0:
//   b_t   the step variances, linear in [b_min, b_max] over t = 1..T (torch.linspace), or cosine
//   g_t   = prod_{s <= t} (1 - b_s)              (alpha-bar of Ho et al.)
//   bt_t  = (1 - g_{t-1}) / (1 - g_t) b_t        (posterior variance of q(u_{t-1} | u_t, u_0))
// All in double, whatever precision the model trains in.
#pragma once

#include <string>
#include <vector>

namespace fieldgen::funcdiff {

class Schedule {
public:
  // b_t = b_min + (b_max - b_min) (t - 1) / (T - 1), t = 1..T (T = 1: b_1 = b_min).
  static Schedule linear(long T, double b_min = 1e-4, double b_max = 0.02);
  // Nichol & Dhariwal (2021) eq. 17: g_t = f(t) / f(0), f(t) = cos^2((t/T + s)/(1 + s) pi/2),
  // s = 0.008, and b_t = min(1 - g_t / g_{t-1}, 0.999) (their clipping; g_t is then recomputed
  // as the product of the clipped b so that all three arrays stay consistent).
  static Schedule cosine(long T, double s = 0.008);
  // "linear" | "cosine" -> the schedule; ConfigError naming the value otherwise.
  static Schedule named(const std::string& name, long T, double b_min, double b_max);

  long steps() const { return long(beta_.size()) - 1; } // T
  double beta(long t) const { return beta_.at(size_t(t)); }
  double gamma(long t) const { return gamma_.at(size_t(t)); }
  double beta_tilde(long t) const { return beta_tilde_.at(size_t(t)); }
  std::string describe() const;

private:
  explicit Schedule(std::vector<double> beta, std::string name);
  std::vector<double> beta_, gamma_, beta_tilde_;
  std::string name_;
};

} // namespace fieldgen::funcdiff
