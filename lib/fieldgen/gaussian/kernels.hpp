// Stationary covariance kernels of the kernel-Gram family, k(x, x') = variance * rho(r / length)
// with r = |x - x'| (Euclidean), as in the reference code (util/kernel.py):
//   exponential  rho = exp(-r/l)
//   matern32     rho = (1 + sqrt(3) r/l) exp(-sqrt(3) r/l)
//   matern52     rho = (1 + sqrt(5) r/l + 5 r^2 / (3 l^2)) exp(-sqrt(5) r/l)
//   rbf          rho = exp(-r^2 / (2 l^2))
// and, for the Sobolev loss on 1-D points, the derivative in the second argument
//   d/dx' k(x, x') = -(dk/dr) (x - x') / r  (= variance/l exp(-r/l) sign(x - x') for exponential).
#pragma once

#include <string>

namespace fieldgen::gaussian {

enum class KernelType { Exponential, Matern32, Matern52, Rbf };

struct KernelParams {
  KernelType type = KernelType::Matern32;
  double variance = 1.0;     // k(x, x)
  double length_scale = 0.1; // l
  double jitter = 1e-10;     // added to the Gram diagonal (reference: gp_covar_eps = 1e-10)
};

// "exponential", "matern32", "matern52", "rbf" -> KernelType; ConfigError otherwise.
KernelType parse_kernel_type(const std::string& name);
std::string kernel_name(KernelType type);
// Throws UsageError unless variance > 0, length_scale > 0 and jitter >= 0.
void check_kernel_params(const KernelParams& p);

// k(x, x') as a function of the distance r >= 0.
double kernel_value(const KernelParams& p, double r);
// d/dx' k(x, x') for scalar x, x'.
double kernel_dxprime(const KernelParams& p, double x, double xprime);

} // namespace fieldgen::gaussian
