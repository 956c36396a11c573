// Parameter initialisation kernels.
#include "fieldgen/nn/init.hpp"

#include <cmath>

namespace fieldgen::nn {

template <class Real>
void init_uniform(const Parameters<Real>& p, int block, const CounterRng& rng, double lo,
                  double hi) {
  const Vector<Real> v = p.value(block);
  const std::uint32_t step = purpose_id(p.blocks().at(size_t(block)).name.c_str());
  Kokkos::parallel_for(
      "fieldgen::nn::init_uniform", Kokkos::RangePolicy<ExecSpace>(0, v.extent(0)),
      KOKKOS_LAMBDA(long i) { v(i) = Real(lo + (hi - lo) * rng.uniform(std::uint64_t(i), step)); });
}

template <class Real>
void init_fan_in(const Parameters<Real>& p, int block, const CounterRng& rng, long fan_in) {
  require(fan_in > 0, "init_fan_in: fan_in ", fan_in);
  const double bound = 1.0 / std::sqrt(double(fan_in));
  init_uniform(p, block, rng, -bound, bound);
}

template void init_uniform<float>(const Parameters<float>&, int, const CounterRng&, double, double);
template void init_uniform<double>(const Parameters<double>&, int, const CounterRng&, double,
                                   double);
template void init_fan_in<float>(const Parameters<float>&, int, const CounterRng&, long);
template void init_fan_in<double>(const Parameters<double>&, int, const CounterRng&, long);

} // namespace fieldgen::nn
