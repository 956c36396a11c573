// Activation layer: one flat elementwise kernel per direction.
#include "fieldgen/nn/activation.hpp"

#include "fieldgen/nn/workspace.hpp"

namespace fieldgen::nn {

const char* activation_name(ActivationKind kind) {
  switch (kind) {
  case ActivationKind::GELU:
    return "gelu";
  case ActivationKind::SiLU:
    return "silu";
  case ActivationKind::Softplus:
    return "softplus";
  }
  return "?";
}

template <class Real>
Tensor3<Real> Activation<Real>::forward(const Parameters<Real>&, const Tensor3<Real>& in) {
  in_ = in;
  ensure(out_, "fieldgen::nn::activation_out", in.extent(0), in.extent(1), in.extent(2));
  const Real* x = in.data();
  Real* y = out_.data();
  const auto policy = Kokkos::RangePolicy<ExecSpace>(0, in.size());
  switch (kind_) {
  case ActivationKind::GELU: {
    ensure(cdf_, "fieldgen::nn::gelu_cdf", in.extent(0), in.extent(1), in.extent(2));
    Real* cdf = cdf_.data();
    Kokkos::parallel_for(
        "fieldgen::nn::gelu", policy, KOKKOS_LAMBDA(long i) {
          cdf[i] = normal_cdf(x[i]);
          y[i] = x[i] * cdf[i];
        });
    break;
  }
  case ActivationKind::SiLU:
    Kokkos::parallel_for(
        "fieldgen::nn::silu", policy, KOKKOS_LAMBDA(long i) { y[i] = silu(x[i]); });
    break;
  case ActivationKind::Softplus:
    Kokkos::parallel_for(
        "fieldgen::nn::softplus", policy, KOKKOS_LAMBDA(long i) { y[i] = softplus(x[i]); });
    break;
  }
  return out_;
}

template <class Real>
Tensor3<Real> Activation<Real>::backward(const Parameters<Real>&, const Tensor3<Real>& grad_out) {
  require(grad_out.extent(0) == in_.extent(0) && grad_out.extent(1) == in_.extent(1) &&
              grad_out.extent(2) == in_.extent(2),
          activation_name(kind_), ": grad_out [", grad_out.extent(0), "][", grad_out.extent(1),
          "][", grad_out.extent(2), "] but input [", in_.extent(0), "][", in_.extent(1), "][",
          in_.extent(2), "]");
  ensure(grad_in_, "fieldgen::nn::activation_grad_in", in_.extent(0), in_.extent(1), in_.extent(2));
  const Real* x = in_.data();
  const Real* g = grad_out.data();
  Real* gx = grad_in_.data();
  const auto policy = Kokkos::RangePolicy<ExecSpace>(0, in_.size());
  switch (kind_) {
  case ActivationKind::GELU: {
    const Real* cdf = cdf_.data();
    Kokkos::parallel_for(
        "fieldgen::nn::gelu_grad", policy,
        KOKKOS_LAMBDA(long i) { gx[i] = g[i] * gelu_grad(x[i], cdf[i]); });
    break;
  }
  case ActivationKind::SiLU:
    Kokkos::parallel_for(
        "fieldgen::nn::silu_grad", policy,
        KOKKOS_LAMBDA(long i) { gx[i] = g[i] * silu_grad(x[i]); });
    break;
  case ActivationKind::Softplus:
    Kokkos::parallel_for(
        "fieldgen::nn::softplus_grad", policy,
        KOKKOS_LAMBDA(long i) { gx[i] = g[i] * softplus_grad(x[i]); });
    break;
  }
  return grad_in_;
}

template class Activation<float>;
template class Activation<double>;

} // namespace fieldgen::nn
