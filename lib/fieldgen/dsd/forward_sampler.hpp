// Exact forward sampler of discrete spatial diffusion: every unit of intensity at x0 moves to a
// destination drawn from P_t(x0 -> y) = prod_a K^a_t(x0_a -> y_a) (one inverse-CDF draw per
// axis from the cached 1-D kernels), and the reverse-rate training target is accumulated on the
// way:
//   R(y, v) = r * sum over units now at y of K^a_t(x0_a -> y_a + s) / K^a_t(x0_a -> y_a)
// for the 2d directions v = (axis a, sign s); only the moved axis enters the ratio because the
// kernel factorises. R is zero across a no-flux edge and wraps on a periodic axis.
//
// Random numbers: CounterRng(seed, "dsd.forward") with counter (u, k, (draw << 2) | a), where u
// is the unit's index within its field (units numbered channel by channel, point by point in
// row-major order, in the order of x0's counts), k the time index, a the axis, and draw the
// caller's global id of this draw (e.g. dataset index + N * epoch, < 2^30). The result of a
// field is therefore the same whichever rank or batch slot processes it.
//
// Destinations and counts are exact integers and bit-reproducible on any backend; the targets are
// sums accumulated with atomics, bit-reproducible on the Serial backend (fixed order) and equal to
// rounding on a parallel device.
//
// Work O(total mass x d x log M) per field; memory: the 1-D kernels of the requested times (see
// KernelCache::bytes) plus one int64 prefix count per input entry.
#pragma once

#include "fieldgen/core/views.hpp"
#include "fieldgen/dsd/lattice_kernel.hpp"
#include "fieldgen/mesh/grid.hpp"

#include <Kokkos_Core.hpp>

#include <cstdint>
#include <vector>

namespace fieldgen::dsd {

// Counts [batch][channel][point], points flattened row-major over the whole lattice.
using CountView = Kokkos::View<std::int32_t***, Kokkos::LayoutRight, MemSpace>;
// Reverse-rate targets [batch][channel][direction][point]; direction 2a is -1 along axis a,
// 2a + 1 is +1 along axis a.
template <class Real> using RateView = Kokkos::View<Real****, Kokkos::LayoutRight, MemSpace>;

inline constexpr int direction(int axis, int sign) {
  return 2 * axis + (sign > 0 ? 1 : 0);
}

template <class Real> class ForwardSampler {
public:
  // grid: lattice shape and boundaries (periodic axis -> periodic walk, else no-flux); rate r per
  // direction; times t_1..t_T; seed of the "dsd.forward" stream.
  ForwardSampler(const Grid& grid, double rate, TimeGrid times, std::uint64_t seed);

  // For each batch item b: x0(b) diffused to time t_{steps[b]} with draw id draws[b]. Writes
  // nt (same shape as x0) and target ([batch][channel][2d][points]); both are overwritten.
  void sample(const CountView& x0, const std::vector<int>& steps,
              const std::vector<std::uint64_t>& draws, const CountView& nt,
              const RateView<Real>& target);

  KernelCache& cache() { return cache_; }
  const Grid& grid() const { return grid_; }

private:
  Grid grid_;
  KernelCache cache_;
  std::uint64_t seed_;
  Kokkos::View<std::int64_t***, Kokkos::LayoutRight, MemSpace> offsets_; // unit prefix counts
};

extern template class ForwardSampler<float>;
extern template class ForwardSampler<double>;

} // namespace fieldgen::dsd
