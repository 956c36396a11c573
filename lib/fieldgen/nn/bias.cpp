// Per-channel bias kernels and the Bias layer.
#include "fieldgen/nn/bias.hpp"

#include "fieldgen/nn/gemm.hpp"
#include "fieldgen/nn/init.hpp"
#include "fieldgen/nn/workspace.hpp"

namespace fieldgen::nn {

namespace {
template <class Real>
void check_channels(const char* what, const Vector<Real>& bias, const Tensor3<Real>& t) {
  require(bias.extent(0) == t.extent(1), what, ": ", bias.extent(0), " biases for a tensor [",
          t.extent(0), "][", t.extent(1), "][", t.extent(2), "]");
}
template <class Real> void ensure_ones(Vector<Real>& ones, size_t n) {
  if (ones.extent(0) != n) {
    ones = Vector<Real>(
        Kokkos::view_alloc(std::string("fieldgen::nn::ones"), Kokkos::WithoutInitializing), n);
    Kokkos::deep_copy(ones, Real(1));
  }
}
} // namespace

template <class Real>
void broadcast_channel_bias(const Vector<Real>& bias, Vector<Real>& ones, const Tensor3<Real>& out,
                            Real beta) {
  check_channels("broadcast_channel_bias", bias, out);
  const long nc = long(out.extent(1)), np = long(out.extent(2));
  ensure_ones(ones, size_t(np));
  gemm_batched(Op::N, Op::N, Real(1), Matrix<const Real>(bias.data(), nc, 1), 0,
               Matrix<const Real>(ones.data(), 1, np), 0, beta, Matrix<Real>(out.data(), nc, np),
               nc * np, long(out.extent(0)));
}

template <class Real>
void accumulate_bias_grad(const Tensor3<Real>& grad_out, const Vector<Real>& grad_bias,
                          Vector<Real>& ones) {
  check_channels("accumulate_bias_grad", grad_bias, grad_out);
  const long nc = long(grad_out.extent(1)), np = long(grad_out.extent(2));
  ensure_ones(ones, size_t(np));
  gemm_batched(Op::N, Op::N, Real(1), Matrix<const Real>(grad_out.data(), nc, np), nc * np,
               Matrix<const Real>(ones.data(), np, 1), 0, Real(1),
               Matrix<Real>(grad_bias.data(), nc, 1), 0, long(grad_out.extent(0)));
}

template <class Real>
Bias<Real>::Bias(long channels, long fan_in, std::string name)
    : channels_(channels), fan_in_(fan_in), name_(std::move(name)) {
  require(channels > 0 && fan_in > 0, "Bias '", name_, "': channels ", channels, ", fan_in ",
          fan_in);
}

template <class Real> void Bias<Real>::reserve(Parameters<Real>& p) {
  block_ = p.reserve(name_ + ".bias", channels_);
}

template <class Real> void Bias<Real>::init(const Parameters<Real>& p, const CounterRng& rng) {
  init_fan_in(p, block_, rng, fan_in_);
}

template <class Real>
Tensor3<Real> Bias<Real>::forward(const Parameters<Real>& p, const Tensor3<Real>& in) {
  ensure(out_, "fieldgen::nn::bias_out", in.extent(0), in.extent(1), in.extent(2));
  Kokkos::deep_copy(out_, in);
  broadcast_channel_bias(p.value(block_), ones_, out_, Real(1));
  return out_;
}

template <class Real>
Tensor3<Real> Bias<Real>::backward(const Parameters<Real>& p, const Tensor3<Real>& grad_out) {
  accumulate_bias_grad(grad_out, p.grad(block_), ones_);
  return grad_out;
}

#define FIELDGEN_INSTANTIATE(Real)                                                                 \
  template void broadcast_channel_bias<Real>(const Vector<Real>&, Vector<Real>&,                   \
                                             const Tensor3<Real>&, Real);                          \
  template void accumulate_bias_grad<Real>(const Tensor3<Real>&, const Vector<Real>&,              \
                                           Vector<Real>&);                                         \
  template class Bias<Real>;
FIELDGEN_INSTANTIATE(float)
FIELDGEN_INSTANTIATE(double)
#undef FIELDGEN_INSTANTIATE

} // namespace fieldgen::nn
