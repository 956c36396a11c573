// Concat: channel concatenation and its gradient split.
#include "fieldgen/nn/concat.hpp"

#include "fieldgen/core/error.hpp"
#include "fieldgen/nn/workspace.hpp"

namespace fieldgen::nn {

template <class Real>
Tensor3<Real> Concat<Real>::forward(const Tensor3<Real>& a, const Tensor3<Real>& b) {
  require(a.extent(0) == b.extent(0) && a.extent(2) == b.extent(2), "Concat: inputs [", a.extent(0),
          "][", a.extent(1), "][", a.extent(2), "] and [", b.extent(0), "][", b.extent(1), "][",
          b.extent(2), "] differ in batch or points");
  const long batch = long(a.extent(0)), ca = long(a.extent(1)), cb = long(b.extent(1)),
             n = long(a.extent(2)), c = ca + cb;
  channels_a_ = ca;
  channels_b_ = cb;
  ensure(out_, "fieldgen::nn::concat_out", batch, c, n);
  const auto out = out_;
  Kokkos::parallel_for(
      "fieldgen::nn::concat_forward", Kokkos::RangePolicy<ExecSpace>(0, batch * c * n),
      KOKKOS_LAMBDA(const long i) {
        const long p = i % n, bc = i / n, ch = bc % c, s = bc / c;
        out(s, ch, p) = ch < ca ? a(s, ch, p) : b(s, ch - ca, p);
      });
  return out_;
}

template <class Real>
std::pair<Tensor3<Real>, Tensor3<Real>> Concat<Real>::backward(const Tensor3<Real>& grad_out) {
  const long ca = channels_a_, cb = channels_b_, c = ca + cb;
  require(c > 0 && grad_out.extent(0) == out_.extent(0) && long(grad_out.extent(1)) == c &&
              grad_out.extent(2) == out_.extent(2),
          "Concat: output gradient is [", grad_out.extent(0), "][", grad_out.extent(1), "][",
          grad_out.extent(2), "], the last forward produced [", out_.extent(0), "][", c, "][",
          out_.extent(2), "]");
  const long batch = long(grad_out.extent(0)), n = long(grad_out.extent(2));
  ensure(grad_a_, "fieldgen::nn::concat_grad_a", batch, ca, n);
  ensure(grad_b_, "fieldgen::nn::concat_grad_b", batch, cb, n);
  const auto ga = grad_a_;
  const auto gb = grad_b_;
  Kokkos::parallel_for(
      "fieldgen::nn::concat_backward", Kokkos::RangePolicy<ExecSpace>(0, batch * c * n),
      KOKKOS_LAMBDA(const long i) {
        const long p = i % n, bc = i / n, ch = bc % c, s = bc / c;
        if (ch < ca)
          ga(s, ch, p) = grad_out(s, ch, p);
        else
          gb(s, ch - ca, p) = grad_out(s, ch, p);
      });
  return {grad_a_, grad_b_};
}

template class Concat<float>;
template class Concat<double>;

} // namespace fieldgen::nn
