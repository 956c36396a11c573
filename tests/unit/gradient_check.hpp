// Finite-difference gradient checker for nn layers and models, in double precision. The loss is
// a fixed random linear functional of the output, L = <w, f(x, theta)>, so backward(w) must give
// dL/dx and add dL/dtheta into the parameter gradients; both are compared, entry by entry, with
// central differences (L(v + h) - L(v - h)) / 2h, h = rel_step * max(1, |v|). The error reported
// is the norm-wise relative error ||analytic - numeric|| / max(||analytic||, ||numeric||).
#pragma once

#include "fieldgen/core/rng.hpp"
#include "fieldgen/nn/parameters.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace fieldgen::testing {

struct GradientErrors {
  double input = 0, params = 0; // relative errors (0 when there is nothing to compare)
};

namespace detail {

inline double relative_error(const std::vector<double>& a, const std::vector<double>& b) {
  double diff = 0, na = 0, nb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff += (a[i] - b[i]) * (a[i] - b[i]);
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  const double scale = std::sqrt(std::max(na, nb));
  return scale > 0 ? std::sqrt(diff) / scale : 0.0;
}

template <class View> std::vector<double> to_vector(const View& v) {
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), v);
  return std::vector<double>(h.data(), h.data() + h.size());
}

// Central differences of loss() with respect to every entry of the (contiguous) view v.
template <class View, class Loss>
std::vector<double> numeric_gradient(const View& v, Loss&& loss, double rel_step) {
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), v);
  std::vector<double> g(h.size());
  for (size_t i = 0; i < h.size(); ++i) {
    const double x = h.data()[i], step = rel_step * std::max(1.0, std::abs(x));
    h.data()[i] = x + step;
    Kokkos::deep_copy(v, h);
    const double up = loss();
    h.data()[i] = x - step;
    Kokkos::deep_copy(v, h);
    const double down = loss();
    h.data()[i] = x;
    Kokkos::deep_copy(v, h);
    g[i] = (up - down) / (2 * step);
  }
  return g;
}

} // namespace detail

// forward(): the output view for the current input and parameter values (any rank, contiguous);
// backward(grad_out): the input gradient (a view shaped like input) after adding the parameter
// gradients. input is perturbed in place and restored.
template <class Input, class Forward, class Backward>
GradientErrors check_gradients(const std::string& name, const nn::Parameters<double>& p,
                               const Input& input, Forward&& forward, Backward&& backward,
                               std::uint64_t seed = 7, double rel_step = 1e-6) {
  // The functional w: standard normal entries, fixed by the seed.
  const auto out0 = forward();
  using Out = typename std::decay_t<decltype(out0)>::non_const_type;
  Out w(Kokkos::view_alloc(std::string("gradient_check_w")), out0.layout());
  auto w_h = Kokkos::create_mirror_view(w);
  const CounterRng rng(seed, purpose_id("gradient_check"));
  for (size_t i = 0; i < w_h.size(); ++i)
    w_h.data()[i] = rng.normal(i, 0);
  Kokkos::deep_copy(w, w_h);
  const std::vector<double> wv(w_h.data(), w_h.data() + w_h.size());
  auto loss = [&]() {
    const std::vector<double> y = detail::to_vector(forward());
    double s = 0;
    for (size_t i = 0; i < y.size(); ++i)
      s += wv[i] * y[i];
    return s;
  };

  p.zero_grad();
  forward();
  const std::vector<double> input_analytic = detail::to_vector(backward(w));
  const std::vector<double> params_analytic = detail::to_vector(p.grads());
  const std::vector<double> input_numeric = detail::numeric_gradient(input, loss, rel_step);
  const std::vector<double> params_numeric = detail::numeric_gradient(p.values(), loss, rel_step);

  GradientErrors e;
  e.input = detail::relative_error(input_analytic, input_numeric);
  e.params = detail::relative_error(params_analytic, params_numeric);
  std::printf("gradient check %-28s input %.2e (%zu)  parameters %.2e (%zu)\n", name.c_str(),
              e.input, input_numeric.size(), e.params, params_numeric.size());
  return e;
}

} // namespace fieldgen::testing
