// Classifier-free guidance of DSD rates (dsd::guided_rates) against a CPU reference
// cond^(1+w) uncond^(-w): w = 0 returns the conditional rates bit for bit, w = -1 the
// unconditional ones, zero conditional rates stay zero, and the result may overwrite cond.
#include <doctest/doctest.h>

#include "fieldgen/dsd/guidance.hpp"
#include "test_views.hpp"

#include <cmath>
#include <string>
#include <vector>

using namespace fieldgen;
using namespace fieldgen::dsd;

namespace {

RateView<double> filled(const char* label, const std::vector<double>& values) {
  RateView<double> v(std::string(label), 2, 1, 4, 3); // [batch][channel][2d = 4][points]
  auto h = Kokkos::create_mirror_view(v);
  for (size_t i = 0; i < values.size(); ++i)
    h.data()[i] = values[i];
  Kokkos::deep_copy(v, h);
  return v;
}

} // namespace

TEST_CASE("dsd guided rates match cond^(1+w) uncond^(-w)") {
  std::vector<double> c(24), u(24);
  for (size_t i = 0; i < c.size(); ++i) {
    c[i] = 0.05 + 3.0 * std::fabs(std::sin(1.3 * double(i)));
    u[i] = 0.2 + 2.0 * std::fabs(std::cos(0.7 * double(i)));
  }
  c[5] = 0.0; // a closed or empty-site direction
  const RateView<double> cond = filled("cond", c), uncond = filled("uncond", u);
  for (const double w : {0.0, 0.5, 2.0, -1.0}) {
    RateView<double> out("out", 2, 1, 4, 3);
    guided_rates(cond, uncond, w, out);
    const std::vector<double> got = testing::host(out);
    for (size_t i = 0; i < c.size(); ++i) {
      const double expect = c[i] > 0 ? std::pow(c[i], 1.0 + w) * std::pow(u[i], -w) : 0.0;
      CHECK(got[i] == doctest::Approx(expect).epsilon(1e-13));
    }
    if (w == 0.0)
      CHECK(got == c);
    if (w == -1.0)
      for (size_t i = 0; i < c.size(); ++i)
        if (c[i] > 0)
          CHECK(got[i] == doctest::Approx(u[i]).epsilon(1e-13));
  }
  // In place: the guided rates overwrite the conditional ones.
  guided_rates(cond, uncond, 1.0, cond);
  const std::vector<double> in_place = testing::host(cond);
  for (size_t i = 0; i < c.size(); ++i)
    CHECK(in_place[i] == doctest::Approx(c[i] > 0 ? c[i] * c[i] / u[i] : 0.0).epsilon(1e-13));
}
