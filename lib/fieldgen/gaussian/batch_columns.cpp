// Batch <-> column-matrix conversions as host Kokkos kernels (see batch_columns.hpp).
#include "fieldgen/gaussian/batch_columns.hpp"

#include "fieldgen/core/error.hpp"

#include <cstddef>

namespace fieldgen::gaussian {
namespace {

using HostExec = Kokkos::DefaultHostExecutionSpace;
using HostMatrix = Kokkos::View<double**, Kokkos::LayoutLeft, Kokkos::HostSpace,
                                Kokkos::MemoryTraits<Kokkos::Unmanaged>>;

// The column-major storage of m as an unmanaged [point][item] host view.
HostMatrix host_view(const DenseMatrix& m) {
  return HostMatrix(const_cast<double*>(m.a.data()), size_t(m.rows), size_t(m.cols));
}

} // namespace

template <class Real> DenseMatrix to_columns(const Tensor3<Real>& t) {
  const auto th = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), t);
  const long channels = long(t.extent(1)), points = long(t.extent(2));
  DenseMatrix m(points, long(t.extent(0)) * channels);
  const HostMatrix mv = host_view(m);
  Kokkos::parallel_for("fieldgen::gaussian::to_columns",
                       Kokkos::MDRangePolicy<HostExec, Kokkos::Rank<2>>({0, 0}, {m.cols, points}),
                       [=](const long item, const long i) {
                         mv(i, item) = double(th(item / channels, item % channels, i));
                       });
  return m;
}

template <class Real>
void from_columns(const DenseMatrix& m, double scale, const Tensor3<Real>& t) {
  const long channels = long(t.extent(1)), points = long(t.extent(2));
  require(m.rows == points && m.cols == long(t.extent(0)) * channels, "from_columns: a ", m.rows,
          "x", m.cols, " matrix does not fit a [", t.extent(0), "][", channels, "][", points,
          "] batch");
  const auto th = Kokkos::create_mirror_view(t);
  const HostMatrix mv = host_view(m);
  Kokkos::parallel_for("fieldgen::gaussian::from_columns",
                       Kokkos::MDRangePolicy<HostExec, Kokkos::Rank<2>>({0, 0}, {m.cols, points}),
                       [=](const long item, const long i) {
                         th(item / channels, item % channels, i) = Real(scale * mv(i, item));
                       });
  Kokkos::deep_copy(t, th);
}

std::vector<double> column_dots(const DenseMatrix& x, const DenseMatrix& y) {
  require(x.rows == y.rows && x.cols == y.cols, "column_dots: shapes differ");
  std::vector<double> dots(size_t(x.cols), 0.0);
  const HostMatrix xv = host_view(x), yv = host_view(y);
  for (long j = 0; j < x.cols; ++j) {
    double s = 0;
    Kokkos::parallel_reduce(
        "fieldgen::gaussian::column_dot", Kokkos::RangePolicy<HostExec>(0, x.rows),
        [=](const long i, double& acc) { acc += xv(i, j) * yv(i, j); }, s);
    dots[size_t(j)] = s;
  }
  return dots;
}

std::vector<double> sum_channels(const std::vector<double>& per_item, long channels, double scale) {
  std::vector<double> out(per_item.size() / size_t(channels), 0.0);
  for (size_t j = 0; j < per_item.size(); ++j)
    out[j / size_t(channels)] += scale * per_item[j];
  return out;
}

template DenseMatrix to_columns(const Tensor3<float>&);
template DenseMatrix to_columns(const Tensor3<double>&);
template void from_columns(const DenseMatrix&, double, const Tensor3<float>&);
template void from_columns(const DenseMatrix&, double, const Tensor3<double>&);

} // namespace fieldgen::gaussian
