// Elementwise activations with their derivatives, as device functions and as a Layer:
//   GELU (exact erf form, torch.nn.GELU default): x Phi(x), Phi the standard normal CDF;
//   SiLU: x sigma(x);
//   softplus (beta = 1): log(1 + e^x), evaluated as max(x, 0) + log1p(e^{-|x|}) so that it
//   neither overflows for large x nor loses digits for very negative x.
#pragma once

#include "fieldgen/core/kokkos_math.hpp"
#include "fieldgen/nn/layer.hpp"

namespace fieldgen::nn {

enum class ActivationKind { GELU, SiLU, Softplus };
const char* activation_name(ActivationKind kind);

// Logistic sigma(x), stable for either sign (e^{-|x|} never overflows).
template <class Real> KOKKOS_INLINE_FUNCTION Real sigmoid(Real x) {
  const Real e = kmath::exp(-(x < 0 ? -x : x));
  return x >= 0 ? Real(1) / (Real(1) + e) : e / (Real(1) + e);
}
// Standard normal CDF Phi(x) = (1 + erf(x / sqrt(2))) / 2.
template <class Real> KOKKOS_INLINE_FUNCTION Real normal_cdf(Real x) {
  return Real(0.5) * (Real(1) + kmath::erf(x * Real(0.70710678118654752440)));
}
template <class Real> KOKKOS_INLINE_FUNCTION Real gelu(Real x) {
  return x * normal_cdf(x);
}
// d/dx x Phi(x) = Phi(x) + x phi(x), phi(x) = e^{-x^2/2} / sqrt(2 pi); Phi(x) given (the layer
// keeps it from the forward pass: erf costs about twice exp, and GELU dominates the elementwise
// work of an FNO step).
template <class Real> KOKKOS_INLINE_FUNCTION Real gelu_grad(Real x, Real cdf) {
  return cdf + x * Real(0.39894228040143267794) * kmath::exp(Real(-0.5) * x * x);
}
template <class Real> KOKKOS_INLINE_FUNCTION Real silu(Real x) {
  return x * sigmoid(x);
}
// d/dx x sigma(x) = sigma(x) (1 + x (1 - sigma(x))).
template <class Real> KOKKOS_INLINE_FUNCTION Real silu_grad(Real x) {
  const Real s = sigmoid(x);
  return s * (Real(1) + x * (Real(1) - s));
}
template <class Real> KOKKOS_INLINE_FUNCTION Real softplus(Real x) {
  return (x > 0 ? x : Real(0)) + kmath::log1p(kmath::exp(-(x < 0 ? -x : x)));
}
template <class Real> KOKKOS_INLINE_FUNCTION Real softplus_grad(Real x) {
  return sigmoid(x);
}

template <class Real> class Activation : public Layer<Real> {
public:
  explicit Activation(ActivationKind kind) : kind_(kind) {}
  ActivationKind kind() const { return kind_; }
  // Keeps a reference to in (not a copy): in must stay unchanged until backward.
  Tensor3<Real> forward(const Parameters<Real>& p, const Tensor3<Real>& in) override;
  Tensor3<Real> backward(const Parameters<Real>& p, const Tensor3<Real>& grad_out) override;

private:
  ActivationKind kind_;
  Tensor3<Real> in_, out_, grad_in_;
  Tensor3<Real> cdf_; // GELU: Phi(in) of the last forward, for backward
};

} // namespace fieldgen::nn
