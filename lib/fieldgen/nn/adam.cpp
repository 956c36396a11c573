// Adam / AdamW update over the parameter buffer (see adam.hpp for the exact formulas).
#include "fieldgen/nn/adam.hpp"

#include "fieldgen/core/kokkos_math.hpp"

#include <cmath>

namespace fieldgen::nn {

template <class Real>
Adam<Real>::Adam(const Parameters<Real>& params, AdamOptions options) : options_(options) {
  require(params.allocated(), "Adam: parameters are not allocated");
  require(options.beta1 >= 0 && options.beta1 < 1, "Adam: beta1 must be in [0, 1) (got ",
          options.beta1, ")");
  require(options.beta2 >= 0 && options.beta2 < 1, "Adam: beta2 must be in [0, 1) (got ",
          options.beta2, ")");
  require(options.eps > 0, "Adam: eps must be > 0 (got ", options.eps, ")");
  require(options.weight_decay >= 0, "Adam: weight decay must be >= 0 (got ", options.weight_decay,
          ")");
  m_ = Vector<Real>("fieldgen::nn::adam_m", size_t(params.size()));
  v_ = Vector<Real>("fieldgen::nn::adam_v", size_t(params.size()));
}

template <class Real> void Adam<Real>::set_steps(long steps) {
  require(steps >= 0, "Adam: negative step count ", steps);
  steps_ = steps;
}

template <class Real> void Adam<Real>::step(const Parameters<Real>& params, double lr) {
  require(params.size() == long(m_.extent(0)), "Adam: parameter buffer has ", params.size(),
          " values but the optimizer state ", m_.extent(0));
  require(std::isfinite(lr) && lr >= 0, "Adam: bad learning rate ", lr);
  ++steps_;
  // Scalars in double as torch computes them in Python floats, then rounded once to Real.
  const double t = double(steps_);
  const Real step_size = Real(lr / (1.0 - std::pow(options_.beta1, t)));
  const Real bc2_sqrt = Real(std::sqrt(1.0 - std::pow(options_.beta2, t)));
  const Real one_minus_b1 = Real(1.0 - options_.beta1);
  const Real b2 = Real(options_.beta2), one_minus_b2 = Real(1.0 - options_.beta2);
  const Real eps = Real(options_.eps);
  const Real decay = Real(1.0 - lr * options_.weight_decay);
  const bool decoupled = options_.weight_decay != 0.0;
  const auto p = params.values();
  const auto g = params.grads();
  const auto m = m_;
  const auto v = v_;
  Kokkos::parallel_for(
      "fieldgen::nn::adam_step", Kokkos::RangePolicy<ExecSpace>(0, p.extent(0)),
      KOKKOS_LAMBDA(const long i) {
        const Real gi = g(i);
        if (decoupled)
          p(i) *= decay;
        const Real mi = m(i) + one_minus_b1 * (gi - m(i));
        const Real vi = b2 * v(i) + one_minus_b2 * (gi * gi);
        m(i) = mi;
        v(i) = vi;
        p(i) -= step_size * (mi / (kmath::sqrt(vi) / bc2_sqrt + eps));
      });
}

template class Adam<float>;
template class Adam<double>;

} // namespace fieldgen::nn
