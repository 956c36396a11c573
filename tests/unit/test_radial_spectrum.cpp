// metrics/: the radially averaged 2-D power spectrum used by `fieldgen eval` on 2-D fields, on a
// non-square grid: a single Fourier mode lands in its shell round(|k|) and nowhere else, a mode
// beyond the last shell (a corner of the DFT square) is dropped, white noise of variance s^2 has
// the flat spectrum E|DFT|^2 / (n1 n2) = s^2 in every shell; and the log-spectrum MSE of
// compare() sees a factor c between two spectra as log10(c)^2, whatever the scale of the fields.
#include <doctest/doctest.h>

#include "fieldgen/core/rng.hpp"
#include "fieldgen/metrics/compare.hpp"

#include <cmath>
#include <cstdint>
#include <vector>

using namespace fieldgen;
using namespace fieldgen::metrics;

namespace {

constexpr double pi = 3.141592653589793238463;

// One field cos(2 pi (k1 i / n1 + k2 j / n2)) on an n1 x n2 grid.
SampleSet plane_wave(long n1, long n2, long k1, long k2) {
  SampleSet s{1, {n1, n2}, std::vector<double>(size_t(n1 * n2))};
  for (long i = 0; i < n1; ++i)
    for (long j = 0; j < n2; ++j)
      s.values[size_t(i * n2 + j)] =
          std::cos(2 * pi * (double(k1 * i) / double(n1) + double(k2 * j) / double(n2)));
  return s;
}

// Signed wave numbers (k1, k2) of the n1 x n2 DFT whose shell round(|k|) is r.
long modes_in_shell(long n1, long n2, long r) {
  long count = 0;
  for (long a = 0; a < n1; ++a)
    for (long b = 0; b < n2; ++b) {
      const long k1 = a <= n1 / 2 ? a : a - n1, k2 = b <= n2 / 2 ? b : b - n2;
      count += std::lround(std::sqrt(double(k1 * k1 + k2 * k2))) == r;
    }
  return count;
}

} // namespace

TEST_CASE("radial spectrum: one Fourier mode lands in its shell on a non-square grid") {
  const long n1 = 24, n2 = 40;
  // Coefficients n1 n2 / 2 at (2, 7) and (-2, -7): power n1 n2 / 4 each, both in shell
  // round(sqrt(53)) = 7; the shell average divides by the number of modes in the shell.
  const std::vector<double> p = power_spectrum(plane_wave(n1, n2, 2, 7));
  REQUIRE(p.size() == size_t(n1 / 2 + 1)); // shells 0..min(n1, n2)/2
  for (long r = 0; r <= n1 / 2; ++r)
    CHECK(p[size_t(r)] ==
          doctest::Approx(r == 7 ? 2.0 * double(n1 * n2) / 4 / double(modes_in_shell(n1, n2, 7))
                                 : 0.0)
              .scale(1)
              .epsilon(1e-10));
  // (12, 20) has |k| = 23.3 beyond the last shell 12: dropped, every shell stays empty.
  for (double v : power_spectrum(plane_wave(n1, n2, 12, 20)))
    CHECK(v == doctest::Approx(0.0).scale(1).epsilon(1e-10));
  // A constant field has all its power in shell 0: (n1 n2)^2 / (n1 n2) over 1 mode.
  SampleSet c{1, {n1, n2}, std::vector<double>(size_t(n1 * n2), 1.0)};
  CHECK(power_spectrum(c)[0] == doctest::Approx(double(n1 * n2)));
}

TEST_CASE("radial spectrum: white noise is flat at its variance") {
  const long n1 = 16, n2 = 24, fields = 400;
  const double sigma = 1.7;
  const CounterRng rng(5, purpose_id("test.radial_spectrum"));
  SampleSet s{fields, {n1, n2}, std::vector<double>(size_t(fields * n1 * n2))};
  for (size_t i = 0; i < s.values.size(); ++i)
    s.values[i] = sigma * rng.normal(std::uint64_t(i), 0);
  const std::vector<double> p = power_spectrum(s);
  REQUIRE(p.size() == size_t(n1 / 2 + 1));
  for (long r = 0; r <= n1 / 2; ++r) {
    // Each mode's |DFT|^2 / (n1 n2) has mean s^2 and relative std at most sqrt(2) (real modes;
    // complex ones 1), and k, -k carry the same value: the shell mean of m modes over the fields
    // has relative std <= sqrt(2 / (m fields / 2)) = 2 / sqrt(m fields). Allow 5 of them.
    const double m = double(modes_in_shell(n1, n2, r));
    CHECK(std::abs(p[size_t(r)] / (sigma * sigma) - 1) < 5 * 2 / std::sqrt(m * double(fields)));
  }
}

TEST_CASE("log-spectrum MSE sees a factor between spectra, not the scale of the fields") {
  const CounterRng rng(6, purpose_id("test.radial_spectrum"));
  const long n = 16, fields = 20;
  SampleSet a{fields, {n, n}, std::vector<double>(size_t(fields * n * n))};
  for (size_t i = 0; i < a.values.size(); ++i)
    a.values[i] = rng.normal(std::uint64_t(i), 0);
  SampleSet b = a, big = a, big_b = a;
  for (double& v : b.values)
    v *= 10; // spectrum x 100
  for (double& v : big.values)
    v *= 1000;
  for (double& v : big_b.values)
    v *= 10000;
  CHECK(compare(a, a).spectrum_log_mse == 0.0);
  const Comparison c = compare(b, a), d = compare(big_b, big);
  CHECK(c.spectrum_log_mse == doctest::Approx(4.0)); // log10(100)^2
  CHECK(d.spectrum_log_mse == doctest::Approx(4.0)); // the same at 1000x the amplitude
  CHECK(d.spectrum_mse > 1e10 * c.spectrum_mse);     // the plain MSE follows the scale
}
