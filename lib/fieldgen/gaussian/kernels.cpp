// Kernel formulas of the kernel-Gram family (see kernels.hpp).
#include "fieldgen/gaussian/kernels.hpp"

#include "fieldgen/core/error.hpp"

#include <cmath>

namespace fieldgen::gaussian {

KernelType parse_kernel_type(const std::string& name) {
  if (name == "exponential")
    return KernelType::Exponential;
  if (name == "matern32")
    return KernelType::Matern32;
  if (name == "matern52")
    return KernelType::Matern52;
  if (name == "rbf")
    return KernelType::Rbf;
  throw ConfigError(cat("unknown kernel '", name, "' (exponential, matern32, matern52, rbf)"));
}

std::string kernel_name(KernelType type) {
  switch (type) {
  case KernelType::Exponential:
    return "exponential";
  case KernelType::Matern32:
    return "matern32";
  case KernelType::Matern52:
    return "matern52";
  case KernelType::Rbf:
    return "rbf";
  }
  return "?";
}

void check_kernel_params(const KernelParams& p) {
  require(p.variance > 0 && p.length_scale > 0 && p.jitter >= 0, "kernel ", kernel_name(p.type),
          ": needs variance > 0, length_scale > 0, jitter >= 0 (got ", p.variance, ", ",
          p.length_scale, ", ", p.jitter, ")");
}

double kernel_value(const KernelParams& p, double r) {
  const double s = r / p.length_scale;
  switch (p.type) {
  case KernelType::Exponential:
    return p.variance * std::exp(-s);
  case KernelType::Matern32:
    return p.variance * (1 + std::sqrt(3.0) * s) * std::exp(-std::sqrt(3.0) * s);
  case KernelType::Matern52:
    return p.variance * (1 + std::sqrt(5.0) * s + 5.0 / 3.0 * s * s) *
           std::exp(-std::sqrt(5.0) * s);
  case KernelType::Rbf:
    return p.variance * std::exp(-0.5 * s * s);
  }
  return 0;
}

double kernel_dxprime(const KernelParams& p, double x, double xprime) {
  const double diff = x - xprime, r = std::abs(diff), l = p.length_scale, s = r / l;
  // -(dk/dr) / r, finite at r = 0 for every kernel except the exponential (handled by sign).
  switch (p.type) {
  case KernelType::Exponential:
    return p.variance / l * std::exp(-s) * double((diff > 0) - (diff < 0));
  case KernelType::Matern32: // -(dk/dr)/r = 3 variance / l^2 exp(-sqrt(3) r/l)
    return 3 * p.variance / (l * l) * std::exp(-std::sqrt(3.0) * s) * diff;
  case KernelType::Matern52: // -(dk/dr)/r = 5 variance / (3 l^2) (1 + sqrt(5) r/l) exp(-sqrt(5)
                             // r/l)
    return 5 * p.variance / (3 * l * l) * (1 + std::sqrt(5.0) * s) * std::exp(-std::sqrt(5.0) * s) *
           diff;
  case KernelType::Rbf: // -(dk/dr)/r = variance / l^2 exp(-r^2 / (2 l^2))
    return p.variance / (l * l) * std::exp(-0.5 * s * s) * diff;
  }
  return 0;
}

} // namespace fieldgen::gaussian
