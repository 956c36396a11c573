// MoGP generator (see mogp.hpp): Cholesky factor of the kernel once, then u = m_c + L z per
// sample in Kokkos kernels.
#include "fieldgen/data/mogp.hpp"

#include "fieldgen/core/error.hpp"
#include "fieldgen/core/rng.hpp"
#include "fieldgen/mesh/grid.hpp"

#include <Kokkos_Core.hpp>

#include <cmath>

namespace fieldgen::data {
namespace {

using Matrix = Kokkos::View<double**, Kokkos::LayoutRight>;

// Lower Cholesky factor of K + jitter I on the points x (host, n^3 / 3 flops: n is at most a
// few thousand for curves).
Matrix kernel_cholesky(const std::vector<double>& x, const MogpParams& p) {
  const long n = long(x.size());
  auto L = Kokkos::create_mirror_view(Matrix("fieldgen::data::mogp_cholesky", n, n));
  for (long i = 0; i < n; ++i)
    for (long j = 0; j < n; ++j) {
      const double d = x[size_t(i)] - x[size_t(j)];
      L(i, j) = p.variance * std::exp(-d * d / (2 * p.length_scale * p.length_scale)) +
                (i == j ? p.jitter : 0.0);
    }
  for (long j = 0; j < n; ++j) {
    double d = L(j, j);
    for (long k = 0; k < j; ++k)
      d -= L(j, k) * L(j, k);
    if (!(d > 0))
      throw NumericError(cat("MoGP: kernel matrix on ", n,
                             " points is not positive definite (pivot ", j, " = ", d,
                             "; points closer than the jitter resolves?)"));
    L(j, j) = std::sqrt(d);
    for (long i = j + 1; i < n; ++i) {
      double s = L(i, j);
      for (long k = 0; k < j; ++k)
        s -= L(i, k) * L(j, k);
      L(i, j) = s / L(j, j);
    }
    for (long i = 0; i < j; ++i)
      L(i, j) = 0;
  }
  return Kokkos::create_mirror_view_and_copy(Kokkos::DefaultExecutionSpace::memory_space(), L);
}

} // namespace

void generate_mogp(std::uint64_t seed, long points, long first, long count, double* values,
                   std::int64_t* components, const MogpParams& params) {
  require(points >= 2, "generate_mogp: points = ", points);
  const Grid grid = Grid::unit({points});
  std::vector<double> x(static_cast<size_t>(points));
  for (long j = 0; j < points; ++j)
    x[size_t(j)] = grid.coord(0, j); // 0 + j h: bitwise the j * h of the grid formula
  generate_mogp_at(seed, x, first, count, values, components, params);
}

void generate_mogp_at(std::uint64_t seed, const std::vector<double>& points, long first, long count,
                      double* values, std::int64_t* components, const MogpParams& params) {
  require(!points.empty() && first >= 0 && count >= 0, "generate_mogp_at: ", points.size(),
          " points, first = ", first, ", count = ", count);
  if (count == 0)
    return;
  const Matrix L = kernel_cholesky(points, params);
  const CounterRng rng(seed, purpose_id("data.mogp"));
  const long n = long(points.size());
  Kokkos::View<double*> xs("fieldgen::data::mogp_points", n);
  Kokkos::deep_copy(xs, Kokkos::View<const double*, Kokkos::HostSpace>(points.data(), n));

  Kokkos::View<std::int64_t*> comp("fieldgen::data::mogp_components", count);
  Matrix z("fieldgen::data::mogp_normals", count, n);
  Matrix u("fieldgen::data::mogp_values", count, n);
  Kokkos::parallel_for(
      "fieldgen::data::mogp_draw", Kokkos::RangePolicy<>(0, count), KOKKOS_LAMBDA(long s) {
        const std::uint64_t i = std::uint64_t(first + s);
        const int coin = rng.uniform(i >> 1, 0, 0) < 0.5 ? 1 : 0;
        comp(s) = std::int64_t((i & 1) ^ coin);
        for (long j = 0; j < n; j += 2) {
          double z0, z1;
          rng.normal2(i, 1, std::uint32_t(j / 2), z0, z1);
          z(s, j) = z0;
          if (j + 1 < n)
            z(s, j + 1) = z1;
        }
      });
  Kokkos::parallel_for(
      "fieldgen::data::mogp_values", Kokkos::MDRangePolicy<Kokkos::Rank<2>>({0, 0}, {count, n}),
      KOKKOS_LAMBDA(long s, long j) {
        const double x = xs(j);
        double v = comp(s) == 0 ? 10 * x - 5 : -10 * x + 5;
        for (long k = 0; k <= j; ++k)
          v += L(j, k) * z(s, k);
        u(s, j) = v;
      });
  Kokkos::deep_copy(
      Kokkos::View<double**, Kokkos::LayoutRight, Kokkos::HostSpace>(values, count, n), u);
  if (components)
    Kokkos::deep_copy(Kokkos::View<std::int64_t*, Kokkos::HostSpace>(components, count), comp);
}

} // namespace fieldgen::data
