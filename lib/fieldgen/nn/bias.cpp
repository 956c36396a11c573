// Per-channel bias kernels and the Bias layer.
#include "fieldgen/nn/bias.hpp"

#include "fieldgen/nn/init.hpp"
#include "fieldgen/nn/workspace.hpp"

namespace fieldgen::nn {

namespace {
template <class Real>
void check_channels(const char* what, const Vector<Real>& bias, const Tensor3<Real>& t) {
  require(bias.extent(0) == t.extent(1), what, ": ", bias.extent(0), " biases for a tensor [",
          t.extent(0), "][", t.extent(1), "][", t.extent(2), "]");
}
using Policy3 = Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<3>>;
} // namespace

template <class Real> void fill_channel_bias(const Vector<Real>& bias, const Tensor3<Real>& out) {
  check_channels("fill_channel_bias", bias, out);
  Kokkos::parallel_for(
      "fieldgen::nn::fill_channel_bias",
      Policy3({0, 0, 0}, {out.extent(0), out.extent(1), out.extent(2)}),
      KOKKOS_LAMBDA(long b, long c, long p) { out(b, c, p) = bias(c); });
}

template <class Real>
void add_channel_bias(const Vector<Real>& bias, const Tensor3<Real>& in, const Tensor3<Real>& out) {
  check_channels("add_channel_bias", bias, in);
  require(in.extent(0) == out.extent(0) && in.extent(1) == out.extent(1) &&
              in.extent(2) == out.extent(2),
          "add_channel_bias: input [", in.extent(0), "][", in.extent(1), "][", in.extent(2),
          "] and output [", out.extent(0), "][", out.extent(1), "][", out.extent(2), "] differ");
  Kokkos::parallel_for(
      "fieldgen::nn::add_channel_bias",
      Policy3({0, 0, 0}, {out.extent(0), out.extent(1), out.extent(2)}),
      KOKKOS_LAMBDA(long b, long c, long p) { out(b, c, p) = in(b, c, p) + bias(c); });
}

template <class Real>
void accumulate_bias_grad(const Tensor3<Real>& grad_out, const Vector<Real>& grad_bias) {
  check_channels("accumulate_bias_grad", grad_bias, grad_out);
  using Team = typename Kokkos::TeamPolicy<ExecSpace>::member_type;
  const long nb = long(grad_out.extent(0)), np = long(grad_out.extent(2));
  Kokkos::parallel_for(
      "fieldgen::nn::bias_grad",
      Kokkos::TeamPolicy<ExecSpace>(long(grad_out.extent(1)), Kokkos::AUTO),
      KOKKOS_LAMBDA(const Team& team) {
        const long c = team.league_rank();
        Real total = 0;
        Kokkos::parallel_reduce(
            Kokkos::TeamThreadRange(team, nb),
            [&](long b, Real& acc) {
              Real row = 0;
              Kokkos::parallel_reduce(
                  Kokkos::ThreadVectorRange(team, np),
                  [&](long p, Real& a) { a += grad_out(b, c, p); }, row);
              acc += row;
            },
            total);
        Kokkos::single(Kokkos::PerTeam(team), [&]() { grad_bias(c) += total; });
      });
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
  add_channel_bias(p.value(block_), in, out_);
  return out_;
}

template <class Real>
Tensor3<Real> Bias<Real>::backward(const Parameters<Real>& p, const Tensor3<Real>& grad_out) {
  accumulate_bias_grad(grad_out, p.grad(block_));
  return grad_out;
}

#define FIELDGEN_INSTANTIATE(Real)                                                                 \
  template void fill_channel_bias<Real>(const Vector<Real>&, const Tensor3<Real>&);                \
  template void add_channel_bias<Real>(const Vector<Real>&, const Tensor3<Real>&,                  \
                                       const Tensor3<Real>&);                                      \
  template void accumulate_bias_grad<Real>(const Tensor3<Real>&, const Vector<Real>&);             \
  template class Bias<Real>;
FIELDGEN_INSTANTIATE(float)
FIELDGEN_INSTANTIATE(double)
#undef FIELDGEN_INSTANTIATE

} // namespace fieldgen::nn
