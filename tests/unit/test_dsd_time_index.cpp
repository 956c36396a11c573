// DSD training time-index draws (TimeIndexSampler): the importance-sampled estimator is unbiased
// for the discretised ELBO (exact identity sum_k p_k w_k L_k = (1/T) sum_k dt_k L_k), the inverse
// CDF reproduces p_k (chi-square over a uniform variate lattice), and lambda = 0 is the uniform
// draw k = 1 + floor(u T) with weight dt_k.
#include <doctest/doctest.h>

#include "fieldgen/core/error.hpp"
#include "fieldgen/dsd/time_index_sampler.hpp"

#include <cmath>
#include <vector>

using namespace fieldgen;
using namespace fieldgen::dsd;

TEST_CASE("dsd time-index importance sampling is unbiased for the ELBO sum") {
  const TimeGrid g = TimeGrid::logit(200, 10.0, 2.5);
  for (const double lambda : {0.0, 0.3, 0.7, 1.0}) {
    const TimeIndexSampler s(g, lambda);
    double total = 0.0, estimator = 0.0, elbo = 0.0;
    for (int k = 1; k <= g.steps(); ++k) {
      const double loss = 1.0 + std::sin(0.1 * k); // any per-index loss L_k
      const double p = s.probability(k);
      CHECK(p > 0.0);
      // weight of index k, read back through a variate inside its CDF interval
      double below = 0.0;
      for (int j = 1; j < k; ++j)
        below += s.probability(j);
      const TimeIndexSampler::Draw d = s.draw(below + 0.5 * p);
      REQUIRE(d.k == k);
      total += p;
      estimator += p * d.weight * loss;
      elbo += (g.t(k) - g.t(k - 1)) * loss / double(g.steps());
    }
    CHECK(total == doctest::Approx(1.0).epsilon(1e-12));
    CHECK(estimator == doctest::Approx(elbo).epsilon(1e-12));
  }
}

TEST_CASE("dsd time-index draws follow p_k; lambda = 0 is the uniform index") {
  const TimeGrid g = TimeGrid::logit(50, 10.0, 2.5);
  const TimeIndexSampler uniform(g, 0.0);
  for (const double u : {0.0, 0.013, 0.5, 0.999999}) {
    const TimeIndexSampler::Draw d = uniform.draw(u);
    CHECK(d.k == 1 + int(u * 50));
    CHECK(d.weight == g.t(d.k) - g.t(d.k - 1));
  }
  // Stratified variates u_i = (i + 0.5) / N: each index gets N p_k draws up to one at either end
  // of its interval, so the chi-square statistic is below sum_k 1 / (N p_k) << 1.
  const TimeIndexSampler s(g, 0.8);
  const int n = 200000;
  std::vector<double> hits(50, 0.0);
  for (int i = 0; i < n; ++i)
    hits[size_t(s.draw((i + 0.5) / n).k - 1)] += 1.0;
  double chi2 = 0.0;
  for (int k = 1; k <= 50; ++k) {
    const double expected = n * s.probability(k);
    chi2 += (hits[size_t(k - 1)] - expected) * (hits[size_t(k - 1)] - expected) / expected;
  }
  CHECK(chi2 < 1.0);
  // Most of the mass of dt_k sits at large t: lambda moves the draws there.
  CHECK(s.probability(50) > 2.0 * uniform.probability(50));
  CHECK_THROWS_AS(TimeIndexSampler(g, 1.5), Error);
}
