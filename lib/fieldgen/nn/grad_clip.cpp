// Gradient-norm clipping (global L2 norm of the gradient buffer).
#include "fieldgen/nn/grad_clip.hpp"

#include <cmath>

namespace fieldgen::nn {

template <class Real> double grad_norm(const Parameters<Real>& params) {
  require(params.allocated(), "grad_norm: parameters are not allocated");
  const auto g = params.grads();
  double sum = 0.0;
  Kokkos::parallel_reduce(
      "fieldgen::nn::grad_norm", Kokkos::RangePolicy<ExecSpace>(0, g.extent(0)),
      KOKKOS_LAMBDA(const long i, double& acc) { acc += double(g(i)) * double(g(i)); }, sum);
  return std::sqrt(sum);
}

template <class Real> double clip_grad_norm(const Parameters<Real>& params, double max_norm) {
  require(max_norm > 0, "clip_grad_norm: max_norm must be > 0 (got ", max_norm, ")");
  const double norm = grad_norm(params);
  const double factor = max_norm / (norm + 1e-6);
  if (factor < 1.0) {
    const auto g = params.grads();
    const Real f = Real(factor);
    Kokkos::parallel_for(
        "fieldgen::nn::clip_grad", Kokkos::RangePolicy<ExecSpace>(0, g.extent(0)),
        KOKKOS_LAMBDA(const long i) { g(i) *= f; });
  }
  return norm;
}

template double grad_norm(const Parameters<float>&);
template double grad_norm(const Parameters<double>&);
template double clip_grad_norm(const Parameters<float>&, double);
template double clip_grad_norm(const Parameters<double>&, double);

} // namespace fieldgen::nn
