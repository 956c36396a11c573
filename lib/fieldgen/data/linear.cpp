// Linear generator (see linear.hpp).
#include "fieldgen/data/linear.hpp"

#include "fieldgen/core/error.hpp"
#include "fieldgen/core/rng.hpp"
#include "fieldgen/mesh/grid.hpp"

#include <Kokkos_Core.hpp>

namespace fieldgen::data {

void generate_linear(std::uint64_t seed, long points, long first, long count, double* values,
                     const LinearParams& params) {
  require(points >= 2 && first >= 0 && count >= 0, "generate_linear: points = ", points,
          ", first = ", first, ", count = ", count);
  if (count == 0)
    return;
  const CounterRng rng(seed, purpose_id("data.linear"));
  const double h = Grid::unit({points}).h(0);
  const LinearParams p = params;
  const long n = points;
  Kokkos::View<double**, Kokkos::LayoutRight> u("fieldgen::data::linear_values", count, n);
  Kokkos::parallel_for(
      "fieldgen::data::linear_values", Kokkos::RangePolicy<>(0, count), KOKKOS_LAMBDA(long s) {
        double za, zb;
        rng.normal2(std::uint64_t(first + s), 0, 0, za, zb);
        const double a = p.slope_mean + p.slope_std * za;
        const double b = p.bias_mean + p.bias_std * zb;
        for (long j = 0; j < n; ++j)
          u(s, j) = a * (double(j) * h) + b;
      });
  Kokkos::deep_copy(
      Kokkos::View<double**, Kokkos::LayoutRight, Kokkos::HostSpace>(values, count, n), u);
}

} // namespace fieldgen::data
