// Exact binomial and multinomial draws as pure functions of a counter-based RNG, callable inside
// Kokkos kernels, for the tau-leaping sampler of discrete spatial diffusion.
//
// Binomial(n, p), with p folded to min(p, 1 - p) by symmetry:
//  - n p < 10: inversion by sequential search from k = 0 (pmf recurrence
//    f(k+1) = f(k) (n - k)/(k + 1) p/q), one uniform, expected n p + 1 iterations;
//  - n p >= 10: Hormann's transformed rejection with squeeze, algorithm BTRS (W. Hormann, "The
//    generation of binomial random variates", J. Statist. Comput. Simul. 46 (1993) 101-110). A
//    proposal k from the transformed uniform u and a uniform v is accepted outright inside the
//    squeeze (|u| <= 0.43, v <= v_r) and otherwise by comparing log(v alpha / (a/us^2 + b)) with
//    the exact log pmf ratio log f(k) - log f(m), m the mode; exact rejection sampling, so the
//    draw has the binomial law (to floating-point accuracy of log-factorials, ~1e-14). Expected
//    attempts < 1.15 for n p >= 10 (Hormann table 1); each attempt takes two uniforms.
// Counters: draw `stream` of an entry uses CounterRng sub-counters (stream << 16) | attempt, so
// every attempt has its own Philox block and a draw depends on nothing but (index, step, stream).
// Multinomial(m, w_0..w_{k-1}) is a chain of conditional binomials on streams first, first + 1, ...
#pragma once

#include "fieldgen/core/kokkos_math.hpp"
#include "fieldgen/core/rng.hpp"

#include <Kokkos_Core.hpp>

#include <cstdint>

namespace fieldgen::dsd {

// log(k!) for k >= 0: a table below 16, otherwise Stirling's series with terms up to x^-9
// (x = k + 1; truncation error < 1/(1680 x^11) < 1e-16 for x >= 16).
KOKKOS_INLINE_FUNCTION double log_factorial(long k) {
  constexpr double table[16] = {0.0,
                                0.0,
                                0.69314718055994530942,
                                1.79175946922805500081,
                                3.17805383034794561964,
                                4.78749174278204599425,
                                6.57925121201010099506,
                                8.52516136106541430017,
                                10.60460290274525022842,
                                12.80182748008146961121,
                                15.10441257307551529523,
                                17.50230784587388583929,
                                19.98721449566188614952,
                                22.55216385312342288557,
                                25.19122118273868150009,
                                27.89927138384089156609};
  if (k < 16)
    return table[k];
  const double x = double(k + 1), r = 1.0 / (x * x);
  // log Gamma(x) = (x - 1/2) log x - x + log(2 pi)/2 + 1/(12x) - 1/(360x^3) + 1/(1260x^5)
  //                - 1/(1680x^7) + 1/(1188x^9) - ...
  const double series =
      (1.0 / 12 - r * (1.0 / 360 - r * (1.0 / 1260 - r * (1.0 / 1680 - r / 1188)))) / x;
  return (x - 0.5) * kmath::log(x) - x + 0.91893853320467274178 + series;
}

// One uniform in (0, 1) of attempt `attempt` of draw `stream`.
KOKKOS_INLINE_FUNCTION std::uint32_t binomial_sub(std::uint32_t stream, std::uint32_t attempt) {
  return (stream << 16) | (attempt & 0xFFFFu);
}

// Binomial(n, p) for n >= 0 (p outside [0, 1] is clamped).
KOKKOS_INLINE_FUNCTION long binomial(const CounterRng& rng, std::uint64_t index, std::uint32_t step,
                                     std::uint32_t stream, long n, double p) {
  if (n <= 0 || !(p > 0.0))
    return 0;
  if (p >= 1.0)
    return n;
  const bool flip = p > 0.5;
  const double pp = flip ? 1.0 - p : p, q = 1.0 - pp;
  const double np = double(n) * pp;
  long k = 0;
  if (np < 10.0) {
    double u = rng.uniform(index, step, binomial_sub(stream, 0));
    double f = kmath::exp(double(n) * kmath::log1p(-pp)); // q^n, >= e^-14 since n p < 10
    const double s = pp / q;
    while (u > f && k < n) {
      u -= f;
      f *= s * double(n - k) / double(k + 1);
      ++k;
    }
  } else {
    // BTRS constants (Hormann 1993, section 3, "setup").
    const double spq = kmath::sqrt(np * q);
    const double b = 1.15 + 2.53 * spq;
    const double a = -0.0873 + 0.0248 * b + 0.01 * pp;
    const double c = np + 0.5;
    const double alpha = (2.83 + 5.1 / b) * spq;
    const double v_r = 0.92 - 4.2 / b;
    const long m = long(double(n + 1) * pp);
    const double log_ratio = kmath::log(pp / q);
    const double log_fm = log_factorial(m) + log_factorial(n - m);
    for (std::uint32_t attempt = 0;; ++attempt) {
      double u, v;
      rng.uniform2(index, step, binomial_sub(stream, attempt), u, v);
      u -= 0.5;
      const double us = 0.5 - (u < 0 ? -u : u);
      const double kk = (2.0 * a / us + b) * u + c;
      if (kk < 0.0 || kk >= double(n) + 1.0)
        continue;
      k = long(kk);
      if (us >= 0.07 && v <= v_r)
        break; // squeeze: inside the region where the hat lies below the pmf
      const double lhs = kmath::log(v * alpha / (a / (us * us) + b));
      const double rhs =
          log_fm - log_factorial(k) - log_factorial(n - k) + double(k - m) * log_ratio;
      if (lhs <= rhs)
        break;
    }
  }
  return flip ? n - k : k;
}

// Splits m units over k <= 8 categories with weights w[0..k) (>= 0; all zero only if m == 0):
// out[j] ~ Binomial(m - sum_{i<j} out[i], w_j / sum_{i>=j} w_i) for j before the last category of
// positive weight, which takes the rest. The tail sums are added from the back, so a category of
// zero weight never receives a unit (the last positive one gets probability exactly 1). Streams
// first .. first + k - 2 are used.
KOKKOS_INLINE_FUNCTION void multinomial(const CounterRng& rng, std::uint64_t index,
                                        std::uint32_t step, std::uint32_t first, long m,
                                        const double* w, int k, long* out) {
  double tail[8];
  int last = -1;
  double run = 0.0;
  for (int j = k - 1; j >= 0; --j) {
    out[j] = 0;
    run += w[j];
    tail[j] = run;
    if (last < 0 && w[j] > 0.0)
      last = j;
  }
  if (last < 0)
    return;
  for (int j = 0; j < last && m > 0; ++j) {
    out[j] = binomial(rng, index, step, first + std::uint32_t(j), m, w[j] / tail[j]);
    m -= out[j];
  }
  out[last] = m;
}

} // namespace fieldgen::dsd
