// PointwiseLinear: forward and backward as (batched) GEMMs on the row-major [c][points] slices.
#include "fieldgen/nn/linear.hpp"

#include "fieldgen/nn/bias.hpp"
#include "fieldgen/nn/gemm.hpp"
#include "fieldgen/nn/init.hpp"
#include "fieldgen/nn/workspace.hpp"

namespace fieldgen::nn {

template <class Real>
PointwiseLinear<Real>::PointwiseLinear(long c_in, long c_out, std::string name, bool bias)
    : c_in_(c_in), c_out_(c_out), name_(std::move(name)), has_bias_(bias) {
  require(c_in > 0 && c_out > 0, "PointwiseLinear '", name_, "': channels ", c_in, " -> ", c_out);
}

template <class Real> void PointwiseLinear<Real>::reserve(Parameters<Real>& p) {
  weight_ = p.reserve(name_ + ".weight", c_out_ * c_in_);
  if (has_bias_)
    bias_ = p.reserve(name_ + ".bias", c_out_);
}

template <class Real>
void PointwiseLinear<Real>::init(const Parameters<Real>& p, const CounterRng& rng) {
  init_fan_in(p, weight_, rng, c_in_);
  if (has_bias_)
    init_fan_in(p, bias_, rng, c_in_);
}

template <class Real>
void PointwiseLinear<Real>::check_shape(const Tensor3<Real>& t, long batch, long channels,
                                        long points, const char* what) const {
  require(long(t.extent(0)) == batch && long(t.extent(1)) == channels &&
              long(t.extent(2)) == points,
          "PointwiseLinear '", name_, "': ", what, " [", t.extent(0), "][", t.extent(1), "][",
          t.extent(2), "] but [", batch, "][", channels, "][", points, "] expected");
}

template <class Real>
void PointwiseLinear<Real>::apply(const Parameters<Real>& p, const Tensor3<Real>& in,
                                  const Tensor3<Real>& out, Real beta) {
  const long nb = long(in.extent(0)), np = long(in.extent(2));
  const Matrix<const Real> w(p.value(weight_).data(), c_out_, c_in_);
  if (np == 1) { // Y [b][o] = X [b][i] W^T
    gemm(Op::N, Op::T, Real(1), Matrix<const Real>(in.data(), nb, c_in_), w, beta,
         Matrix<Real>(out.data(), nb, c_out_));
    if (has_bias_)
      broadcast_channel_bias(p.value(bias_), ones_, out, Real(1));
    return;
  }
  // Per batch item Y_b = W X_b, then the bias while Y_b is still in cache.
  for (long b = 0; b < nb; ++b) {
    const Tensor3<Real> yb =
        Kokkos::subview(out, Kokkos::make_pair(b, b + 1), Kokkos::ALL, Kokkos::ALL);
    gemm(Op::N, Op::N, Real(1), w, Matrix<const Real>(in.data() + b * c_in_ * np, c_in_, np), beta,
         Matrix<Real>(yb.data(), c_out_, np));
    if (has_bias_)
      broadcast_channel_bias(p.value(bias_), ones_, yb, Real(1));
  }
}

template <class Real>
void PointwiseLinear<Real>::apply_backward(const Parameters<Real>& p, const Tensor3<Real>& grad_out,
                                           const Tensor3<Real>& grad_in, Real beta) {
  const long nb = long(in_.extent(0)), np = long(in_.extent(2));
  const Matrix<const Real> w(p.value(weight_).data(), c_out_, c_in_);
  const Matrix<Real> gw(p.grad(weight_).data(), c_out_, c_in_);
  if (np == 1) {
    const Matrix<const Real> x(in_.data(), nb, c_in_), gy(grad_out.data(), nb, c_out_);
    gemm(Op::T, Op::N, Real(1), gy, x, Real(1), gw); // dW += dY^T X
    gemm(Op::N, Op::N, Real(1), gy, w, beta, Matrix<Real>(grad_in.data(), nb, c_in_));
    if (has_bias_)
      accumulate_bias_grad(grad_out, p.grad(bias_), ones_);
    return;
  }
  // Per batch item, while dY_b is in cache: dW += dY_b X_b^T, d bias += dY_b 1, dX_b = W^T dY_b.
  for (long b = 0; b < nb; ++b) {
    const Tensor3<Real> gyb =
        Kokkos::subview(grad_out, Kokkos::make_pair(b, b + 1), Kokkos::ALL, Kokkos::ALL);
    const Matrix<const Real> gy(gyb.data(), c_out_, np);
    gemm(Op::N, Op::T, Real(1), gy, Matrix<const Real>(in_.data() + b * c_in_ * np, c_in_, np),
         Real(1), gw);
    if (has_bias_)
      accumulate_bias_grad(gyb, p.grad(bias_), ones_);
    gemm(Op::T, Op::N, Real(1), w, gy, beta,
         Matrix<Real>(grad_in.data() + b * c_in_ * np, c_in_, np));
  }
}

template <class Real>
Tensor3<Real> PointwiseLinear<Real>::forward(const Parameters<Real>& p, const Tensor3<Real>& in) {
  check_shape(in, long(in.extent(0)), c_in_, long(in.extent(2)), "input");
  in_ = in;
  ensure(out_, "fieldgen::nn::linear_out", in.extent(0), c_out_, in.extent(2));
  apply(p, in, out_, Real(0));
  return out_;
}

template <class Real>
Tensor3<Real> PointwiseLinear<Real>::forward_add(const Parameters<Real>& p, const Tensor3<Real>& in,
                                                 const Tensor3<Real>& acc) {
  check_shape(in, long(in.extent(0)), c_in_, long(in.extent(2)), "input");
  in_ = in;
  check_shape(acc, long(in.extent(0)), c_out_, long(in.extent(2)), "accumulator");
  apply(p, in, acc, Real(1));
  return acc;
}

template <class Real>
Tensor3<Real> PointwiseLinear<Real>::backward(const Parameters<Real>& p,
                                              const Tensor3<Real>& grad_out) {
  check_shape(grad_out, long(in_.extent(0)), c_out_, long(in_.extent(2)), "grad_out");
  ensure(grad_in_, "fieldgen::nn::linear_grad_in", in_.extent(0), c_in_, in_.extent(2));
  apply_backward(p, grad_out, grad_in_, Real(0));
  return grad_in_;
}

template <class Real>
Tensor3<Real> PointwiseLinear<Real>::backward_add(const Parameters<Real>& p,
                                                  const Tensor3<Real>& grad_out,
                                                  const Tensor3<Real>& acc) {
  check_shape(grad_out, long(in_.extent(0)), c_out_, long(in_.extent(2)), "grad_out");
  check_shape(acc, long(in_.extent(0)), c_in_, long(in_.extent(2)), "accumulator");
  apply_backward(p, grad_out, acc, Real(1));
  return acc;
}

template class PointwiseLinear<float>;
template class PointwiseLinear<double>;

} // namespace fieldgen::nn
