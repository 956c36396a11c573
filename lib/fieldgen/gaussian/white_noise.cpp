// WhiteNoise: counter-based N(0, 1) fill and the squared Euclidean norm, as Kokkos kernels.
#include "fieldgen/gaussian/white_noise.hpp"

#include "fieldgen/core/error.hpp"

#include <cstddef>

namespace fieldgen::gaussian {
namespace {

BlockIndex point_set_index(long points) {
  require(points >= 1, "WhiteNoise: needs at least one point (got ", points, ")");
  BlockIndex b;
  b.n[0] = b.global_n[0] = points;
  return b;
}

} // namespace

template <class Real>
WhiteNoise<Real>::WhiteNoise(const Decomposition& dec)
    : index_(BlockIndex::of(dec)), comm_(dec.comm()) {}

template <class Real>
WhiteNoise<Real>::WhiteNoise(long points) : index_(point_set_index(points)), comm_(MPI_COMM_SELF) {}

template <class Real>
void WhiteNoise<Real>::sample(const Tensor3<Real>& out, const CounterRng& rng, std::uint32_t step,
                              std::uint64_t first_sample) const {
  this->check_shape(out, "sample output");
  const BlockIndex ix = index_;
  const std::uint64_t channels = out.extent(1), stride = std::uint64_t(global_points());
  Kokkos::parallel_for(
      "fieldgen::gaussian::white_sample",
      Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<3>>(
          {0, 0, 0}, {long(out.extent(0)), long(out.extent(1)), long(out.extent(2))}),
      KOKKOS_LAMBDA(const long b, const long c, const long i) {
        const std::uint64_t m = (first_sample + std::uint64_t(b)) * channels + std::uint64_t(c);
        out(b, c, i) = Real(rng.normal(m * stride + std::uint64_t(ix.global_flat(i)), step, 0));
      });
  Kokkos::fence();
}

template <class Real> std::vector<double> WhiteNoise<Real>::cm_norm2(const Tensor3<Real>& d) const {
  this->check_shape(d, "cm_norm2 input");
  const long channels = long(d.extent(1)), points = long(d.extent(2));
  std::vector<double> loss(d.extent(0), 0.0);
  for (size_t b = 0; b < loss.size(); ++b) {
    double s = 0;
    Kokkos::parallel_reduce(
        "fieldgen::gaussian::white_norm2", Kokkos::RangePolicy<ExecSpace>(0, channels * points),
        KOKKOS_LAMBDA(const long j, double& acc) {
          const double v = double(d(b, j / points, j % points));
          acc += v * v;
        },
        s);
    loss[b] = 0.5 * s; // L = 1/2 ||d||^2
  }
  comm_.allreduce_sum(loss.data(), long(loss.size()));
  return loss;
}

template <class Real>
std::vector<double> WhiteNoise<Real>::cm_grad(const Tensor3<Real>& d,
                                              const Tensor3<Real>& grad) const {
  this->check_shape(grad, "cm_grad output");
  require(grad.extent(0) == d.extent(0) && grad.extent(1) == d.extent(1) && grad.data() != d.data(),
          "WhiteNoise::cm_grad: grad must match the shape of d and not alias it");
  Kokkos::deep_copy(grad, d); // dL/dd = d
  return cm_norm2(d);
}

template <class Real> std::string WhiteNoise<Real>::describe() const {
  return cat("white noise (identity covariance) on ", global_points(), " points");
}

template class WhiteNoise<float>;
template class WhiteNoise<double>;

} // namespace fieldgen::gaussian
