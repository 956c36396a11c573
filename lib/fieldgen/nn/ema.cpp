// Ema: weight exponential moving average with optional decay warm-up, and weight swapping.
#include "fieldgen/nn/ema.hpp"

#include <algorithm>

namespace fieldgen::nn {

template <class Real>
Ema<Real>::Ema(const Parameters<Real>& params, double decay, bool warmup)
    : decay_(decay), warmup_(warmup) {
  require(params.allocated(), "Ema: parameters are not allocated");
  require(decay >= 0 && decay < 1, "Ema: decay must be in [0, 1) (got ", decay, ")");
  ema_ = Vector<Real>("fieldgen::nn::ema", size_t(params.size()));
  Kokkos::deep_copy(ema_, params.values());
}

template <class Real> void Ema<Real>::set_updates(long n) {
  require(n >= 0, "Ema: negative update count ", n);
  updates_ = n;
}

template <class Real> double Ema<Real>::next_decay() const {
  const double n = double(updates_ + 1);
  return warmup_ ? std::min(decay_, (1.0 + n) / (10.0 + n)) : decay_;
}

template <class Real> void Ema<Real>::update(const Parameters<Real>& params) {
  require(!swapped_, "Ema: update() while the EMA weights are swapped in");
  require(params.size() == long(ema_.extent(0)), "Ema: parameter buffer has ", params.size(),
          " values but the average ", ema_.extent(0));
  const double d = next_decay();
  ++updates_;
  const Real a = Real(d), b = Real(1.0 - d);
  const auto p = params.values();
  const auto e = ema_;
  Kokkos::parallel_for(
      "fieldgen::nn::ema_update", Kokkos::RangePolicy<ExecSpace>(0, e.extent(0)),
      KOKKOS_LAMBDA(const long i) { e(i) = a * e(i) + b * p(i); });
}

template <class Real> void Ema<Real>::swap_in(const Parameters<Real>& params) {
  require(!swapped_, "Ema: swap_in() while the EMA weights are already swapped in");
  exchange(params);
  swapped_ = true;
}

template <class Real> void Ema<Real>::swap_out(const Parameters<Real>& params) {
  require(swapped_, "Ema: swap_out() without a swap_in()");
  exchange(params);
  swapped_ = false;
}

template <class Real> void Ema<Real>::exchange(const Parameters<Real>& params) {
  require(params.size() == long(ema_.extent(0)), "Ema: parameter buffer has ", params.size(),
          " values but the average ", ema_.extent(0));
  const auto p = params.values();
  const auto e = ema_;
  Kokkos::parallel_for(
      "fieldgen::nn::ema_swap", Kokkos::RangePolicy<ExecSpace>(0, e.extent(0)),
      KOKKOS_LAMBDA(const long i) {
        const Real t = p(i);
        p(i) = e(i);
        e(i) = t;
      });
}

template class Ema<float>;
template class Ema<double>;

} // namespace fieldgen::nn
