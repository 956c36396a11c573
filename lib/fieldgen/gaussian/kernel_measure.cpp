// KernelMeasure: Gram matrix assembly, Cholesky factor, batched sampling and losses (see
// kernel_measure.hpp).
#include "fieldgen/gaussian/kernel_measure.hpp"

#include "fieldgen/core/error.hpp"
#include "fieldgen/gaussian/batch_columns.hpp"
#include "fieldgen/gaussian/kernel_sobolev.hpp"

#include <cmath>
#include <cstddef>

namespace fieldgen::gaussian {

Coordinates grid_coordinates(const Grid& grid) {
  Coordinates x("fieldgen::gaussian::grid_coordinates", size_t(grid.size()), size_t(grid.dim()));
  const std::vector<long> shape = grid.shape();
  for (long p = 0; p < grid.size(); ++p) {
    long rest = p;
    for (int a = grid.dim() - 1; a >= 0; --a) {
      x(p, a) = grid.coord(a, rest % shape[size_t(a)]);
      rest /= shape[size_t(a)];
    }
  }
  return x;
}

template <class Real>
KernelMeasure<Real>::KernelMeasure(const KernelParams& params, const Coordinates& points,
                                   LossSpace space, double sobolev_floor)
    : params_(params), space_(space), n_(long(points.extent(0))) {
  check_kernel_params(params);
  require(n_ >= 1 && points.extent(1) >= 1, "KernelMeasure: needs at least one point");
  const long dim = long(points.extent(1));
  factor_ = DenseMatrix(n_, n_);
  for (long j = 0; j < n_; ++j)
    for (long i = j; i < n_; ++i) {
      double r2 = 0;
      for (long a = 0; a < dim; ++a)
        r2 += (points(i, a) - points(j, a)) * (points(i, a) - points(j, a));
      factor_(i, j) = kernel_value(params, std::sqrt(r2)) + (i == j ? params.jitter : 0.0);
    }
  cholesky_lower(factor_);
  if (space == LossSpace::H1) {
    require(dim == 1, "KernelMeasure: the H1 loss needs 1-D points (got ", dim, "-D)");
    std::vector<double> x(static_cast<size_t>(n_));
    for (long i = 0; i < n_; ++i)
      x[size_t(i)] = points(i, 0);
    SobolevForm f = kernel_sobolev_form(params, x, sobolev_floor);
    form_ = std::move(f.q);
    floored_ = f.floored;
  }
}

template <class Real>
void KernelMeasure<Real>::sample(const Tensor3<Real>& out, const CounterRng& rng,
                                 std::uint32_t step, std::uint64_t first_sample) const {
  this->check_shape(out, "sample output");
  const long n = n_, channels = long(out.extent(1));
  DenseMatrix z(n, long(out.extent(0)) * channels);
  double* zp = z.a.data();
  const std::uint64_t first = first_sample * std::uint64_t(channels);
  // z(i, item) ~ N(0, 1) with counter ((first_sample * channels + item) * n + i, step, 0).
  Kokkos::parallel_for("fieldgen::gaussian::kernel_noise",
                       Kokkos::RangePolicy<Kokkos::DefaultHostExecutionSpace>(0, long(z.a.size())),
                       [=](const long j) {
                         const std::uint64_t item = std::uint64_t(j / n), i = std::uint64_t(j % n);
                         zp[j] = rng.normal((first + item) * std::uint64_t(n) + i, step, 0);
                       });
  lower_multiply(factor_, z); // u = L z
  from_columns(z, 1.0, out);
}

template <class Real>
std::vector<double> KernelMeasure<Real>::cm_norm2(const Tensor3<Real>& d) const {
  this->check_shape(d, "cm_norm2 input");
  DenseMatrix x = to_columns(d);
  if (space_ == LossSpace::L2) {
    lower_solve(factor_, x); // d^T S^{-1} d = ||L^{-1} d||^2
    return sum_channels(column_dots(x, x), long(d.extent(1)), 0.5);
  }
  return sum_channels(column_dots(x, symmetric_multiply(form_, x)), long(d.extent(1)), 0.5);
}

template <class Real>
std::vector<double> KernelMeasure<Real>::cm_grad(const Tensor3<Real>& d,
                                                 const Tensor3<Real>& grad) const {
  this->check_shape(d, "cm_grad input");
  this->check_shape(grad, "cm_grad output");
  require(grad.extent(0) == d.extent(0) && grad.extent(1) == d.extent(1) && grad.data() != d.data(),
          "KernelMeasure::cm_grad: grad must match the shape of d and not alias it");
  const DenseMatrix x = to_columns(d);
  DenseMatrix g = x;
  if (space_ == LossSpace::L2)
    cholesky_solve(factor_, g); // S^{-1} d
  else
    g = symmetric_multiply(form_, x); // Q_+ d
  from_columns(g, 1.0, grad);
  return sum_channels(column_dots(x, g), long(d.extent(1)), 0.5);
}

template <class Real> std::string KernelMeasure<Real>::describe() const {
  return cat("kernel ", kernel_name(params_.type), " (variance ", params_.variance, ", length ",
             params_.length_scale, ", jitter ", params_.jitter, ") on ", n_, " points, ",
             space_ == LossSpace::L2 ? "L2 loss" : "H1 loss");
}

template class KernelMeasure<float>;
template class KernelMeasure<double>;

} // namespace fieldgen::gaussian
