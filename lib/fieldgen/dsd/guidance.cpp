// Classifier-free guidance of DSD reverse rates (guidance.hpp).
#include "fieldgen/dsd/guidance.hpp"

#include "fieldgen/core/error.hpp"

#include <cmath>

namespace fieldgen::dsd {

template <class Real>
void guided_rates(const RateView<Real>& cond, const RateView<Real>& uncond, double w,
                  const RateView<Real>& rates) {
  require(cond.size() == uncond.size() && cond.size() == rates.size(),
          "dsd::guided_rates: shapes differ (", cond.size(), ", ", uncond.size(), ", ",
          rates.size(), " rates)");
  if (w == 0.0) { // exactly the conditional rates (exp(log c) would round)
    Kokkos::deep_copy(rates, cond);
    return;
  }
  const Real a = Real(1.0 + w), b = Real(-w);
  Kokkos::parallel_for(
      "fieldgen::dsd::guided_rates", Kokkos::RangePolicy<ExecSpace>(0, long(rates.size())),
      KOKKOS_LAMBDA(long i) {
        const Real c = cond.data()[i], u = uncond.data()[i];
        rates.data()[i] =
            c > Real(0) && u > Real(0) ? std::exp(a * std::log(c) + b * std::log(u)) : c;
      });
  Kokkos::fence();
}

template void guided_rates(const RateView<float>&, const RateView<float>&, double,
                           const RateView<float>&);
template void guided_rates(const RateView<double>&, const RateView<double>&, double,
                           const RateView<double>&);

} // namespace fieldgen::dsd
