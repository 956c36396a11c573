// TimeEmbedding: sinusoidal features (kernels below) and the SiLU MLP built from PointwiseLinear
// on [batch][channels][1] tensors, where each linear map is one GEMM over the batch.
#include "fieldgen/nn/time_embedding.hpp"

#include "fieldgen/nn/workspace.hpp"

#include <cmath>

namespace fieldgen::nn {

template <class Real>
TimeEmbedding<Real>::TimeEmbedding(long dim, long hidden, long out_dim, std::string name,
                                   double max_period)
    : dim_(dim), out_dim_(out_dim), max_period_(max_period), first_(dim, hidden, name + ".mlp1"),
      second_(hidden, out_dim, name + ".mlp2"), act_(ActivationKind::SiLU) {
  require(dim >= 2 && dim % 2 == 0, "TimeEmbedding '", name, "': dim ", dim,
          " must be even and >= 2");
  require(max_period > 1, "TimeEmbedding '", name, "': max_period ", max_period);
}

template <class Real> void TimeEmbedding<Real>::reserve(Parameters<Real>& p) {
  first_.reserve(p);
  second_.reserve(p);
}

template <class Real>
void TimeEmbedding<Real>::init(const Parameters<Real>& p, const CounterRng& rng) {
  first_.init(p, rng);
  second_.init(p, rng);
}

template <class Real>
Tensor2<Real> TimeEmbedding<Real>::forward(const Parameters<Real>& p, const Vector<Real>& t) {
  const long nb = long(t.extent(0)), half = dim_ / 2;
  t_ = t;
  ensure(features_, "fieldgen::nn::time_features", nb, dim_, 1);
  const Tensor3<Real> e = features_;
  const double rate = std::log(max_period_) / double(half);
  Kokkos::parallel_for(
      "fieldgen::nn::time_features",
      Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<2>>({0, 0}, {nb, half}),
      KOKKOS_LAMBDA(long b, long k) {
        const Real arg = t(b) * Real(kmath::exp(-rate * double(k)));
        e(b, k, 0) = kmath::sin(arg);
        e(b, half + k, 0) = kmath::cos(arg);
      });
  const Tensor3<Real> h = act_.forward(p, first_.forward(p, features_));
  const Tensor3<Real> out = second_.forward(p, h);
  return Tensor2<Real>(out.data(), nb, out_dim_);
}

template <class Real>
Vector<Real> TimeEmbedding<Real>::backward(const Parameters<Real>& p,
                                           const Tensor2<Real>& grad_out) {
  const long nb = long(t_.extent(0)), half = dim_ / 2;
  require(long(grad_out.extent(0)) == nb && long(grad_out.extent(1)) == out_dim_,
          "TimeEmbedding: grad_out [", grad_out.extent(0), "][", grad_out.extent(1),
          "] but output [", nb, "][", out_dim_, "]");
  const Tensor3<Real> g3(grad_out.data(), nb, out_dim_, 1);
  const Tensor3<Real> ge = first_.backward(p, act_.backward(p, second_.backward(p, g3)));
  ensure(grad_t_, "fieldgen::nn::time_grad", nb);
  const Vector<Real> t = t_, gt = grad_t_;
  const double rate = std::log(max_period_) / double(half);
  Kokkos::parallel_for(
      "fieldgen::nn::time_features_grad", Kokkos::RangePolicy<ExecSpace>(0, nb),
      KOKKOS_LAMBDA(long b) {
        Real s = 0;
        for (long k = 0; k < half; ++k) {
          const Real f = Real(kmath::exp(-rate * double(k)));
          s += f * (ge(b, k, 0) * kmath::cos(t(b) * f) - ge(b, half + k, 0) * kmath::sin(t(b) * f));
        }
        gt(b) = s;
      });
  return grad_t_;
}

template class TimeEmbedding<float>;
template class TimeEmbedding<double>;

} // namespace fieldgen::nn
