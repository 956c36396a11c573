// CounterRng: determinism, independence of streams, and the first two moments of its outputs.
#include <doctest/doctest.h>

#include "fieldgen/core/rng.hpp"

#include <cmath>

using fieldgen::CounterRng;
using fieldgen::purpose_id;

TEST_CASE("counter rng is a pure function of key and counter") {
  CounterRng a(42, purpose_id("x")), b(42, purpose_id("x")), c(43, purpose_id("x")),
      d(42, purpose_id("y"));
  CHECK(a.uniform(7, 3) == b.uniform(7, 3));
  CHECK(a.uniform(7, 3) != c.uniform(7, 3));
  CHECK(a.uniform(7, 3) != d.uniform(7, 3));
  CHECK(a.uniform(7, 3) != a.uniform(8, 3));
  CHECK(a.uniform(7, 3) != a.uniform(7, 4));
  CHECK(a.uniform(7, 3, 0) != a.uniform(7, 3, 1));
  CHECK(a.uniform(1ull << 40, 0) != a.uniform(0, 0)); // high index bits are used
}

TEST_CASE("uniform and normal moments") {
  CounterRng g(1, purpose_id("moments"));
  const int n = 200000;
  double su = 0, suu = 0, sz = 0, szz = 0, szzzz = 0;
  for (int i = 0; i < n; ++i) {
    const double u = g.uniform(i, 0);
    REQUIRE(u > 0.0);
    REQUIRE(u < 1.0);
    su += u;
    suu += u * u;
    const double z = g.normal(i, 1);
    sz += z;
    szz += z * z;
    szzzz += z * z * z * z;
  }
  // Standard errors: mean of U ~ 0.29/sqrt(n) = 6.5e-4; mean of Z ~ 2.2e-3; var of Z ~ 3.2e-3.
  CHECK(std::abs(su / n - 0.5) < 4e-3);
  CHECK(std::abs(suu / n - su * su / n / n - 1.0 / 12) < 2e-3);
  CHECK(std::abs(sz / n) < 1.2e-2);
  CHECK(std::abs(szz / n - 1.0) < 1.6e-2);
  CHECK(std::abs(szzzz / n - 3.0) < 0.1);
}
