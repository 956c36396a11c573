// Forward noising: time draws and the closed-form marginal of the forward process (noising.hpp).
#include "fieldgen/funcdiff/noising.hpp"

#include "fieldgen/core/error.hpp"

#include <algorithm>
#include <cmath>

namespace fieldgen::funcdiff {

std::vector<long> draw_times(const CounterRng& rng, long T, std::uint32_t step, std::uint64_t first,
                             long count) {
  std::vector<long> t(static_cast<size_t>(count));
  for (long b = 0; b < count; ++b) {
    const double u = rng.uniform(first + std::uint64_t(b), step, 0); // in (0, 1)
    t[size_t(b)] = std::min(T, 1 + long(u * double(T)));
  }
  return t;
}

template <class Real>
void forward_marginal(const Schedule& schedule, const std::vector<long>& t, const Tensor3<Real>& u0,
                      const Tensor3<Real>& xi, const Tensor3<Real>& u_t) {
  const long batch = long(u0.extent(0));
  require(long(t.size()) == batch && xi.extent(0) == u0.extent(0) &&
              u_t.extent(0) == u0.extent(0) && xi.extent(1) == u0.extent(1) &&
              u_t.extent(1) == u0.extent(1) && xi.extent(2) == u0.extent(2) &&
              u_t.extent(2) == u0.extent(2),
          "forward_marginal: u0, xi, u_t and t must have the same batch shape");
  Kokkos::View<double* [2], MemSpace> coef("fieldgen::funcdiff::noise_coef", size_t(batch));
  auto host = Kokkos::create_mirror_view(coef);
  for (long b = 0; b < batch; ++b) {
    const long tb = t[size_t(b)];
    require(tb >= 0 && tb <= schedule.steps(), "forward_marginal: t = ", tb, " outside 0..",
            schedule.steps());
    host(b, 0) = std::sqrt(schedule.gamma(tb));
    host(b, 1) = std::sqrt(1.0 - schedule.gamma(tb));
  }
  Kokkos::deep_copy(coef, host);
  Kokkos::parallel_for(
      "fieldgen::funcdiff::forward_marginal",
      Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<3>>(
          {0, 0, 0}, {batch, long(u0.extent(1)), long(u0.extent(2))}),
      KOKKOS_LAMBDA(const long b, const long c, const long i) {
        u_t(b, c, i) = Real(coef(b, 0) * double(u0(b, c, i)) + coef(b, 1) * double(xi(b, c, i)));
      });
  Kokkos::fence();
}

template <class Real>
void noise_batch(const Schedule& schedule, const gaussian::GaussianMeasure<Real>& measure,
                 const CounterRng& rng, std::uint32_t step, std::uint64_t first_sample,
                 const std::vector<long>& t, const Tensor3<Real>& u0, const Tensor3<Real>& xi,
                 const Tensor3<Real>& u_t) {
  measure.sample(xi, rng, step, first_sample);
  forward_marginal(schedule, t, u0, xi, u_t);
}

#define FIELDGEN_INSTANTIATE(Real)                                                                 \
  template void forward_marginal<Real>(const Schedule&, const std::vector<long>&,                  \
                                       const Tensor3<Real>&, const Tensor3<Real>&,                 \
                                       const Tensor3<Real>&);                                      \
  template void noise_batch<Real>(const Schedule&, const gaussian::GaussianMeasure<Real>&,         \
                                  const CounterRng&, std::uint32_t, std::uint64_t,                 \
                                  const std::vector<long>&, const Tensor3<Real>&,                  \
                                  const Tensor3<Real>&, const Tensor3<Real>&);
FIELDGEN_INSTANTIATE(float)
FIELDGEN_INSTANTIATE(double)
#undef FIELDGEN_INSTANTIATE

} // namespace fieldgen::funcdiff
