// DSD tau-leaping sampler (one rank): the exact binomial and multinomial draws (moments and
// chi-square against the pmf in both regimes), the uniform scatter (exact mass, frozen sites
// kept, uniform law), mass conservation and non-negative counts under adversarial rates with a
// mask and no-flux edges, independence of batching, rate errors, and the terminal law of a
// one-unit system driven by its exact reverse rates against the data law, and the final leap from
// t_1 to 0 that sends the units still one hop off home; corrector leaps relax a wrong state to
// the forward law.
#include <doctest/doctest.h>

#include "fieldgen/core/error.hpp"
#include "fieldgen/core/rng.hpp"
#include "fieldgen/dsd/binomial.hpp"
#include "fieldgen/dsd/initial_state.hpp"
#include "fieldgen/dsd/tau_leap_sampler.hpp"

#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

using namespace fieldgen;
using namespace fieldgen::dsd;

namespace {

double log_choose(long n, long k) {
  return std::lgamma(double(n) + 1) - std::lgamma(double(k) + 1) - std::lgamma(double(n - k) + 1);
}

// Chi-square statistic of observed counts against expected probabilities, bins with expected
// count below 5 pooled into one.
struct ChiSquare {
  double stat = 0;
  int dof = -1;
};
ChiSquare chi_square(const std::vector<double>& observed, const std::vector<double>& prob,
                     double total) {
  ChiSquare r;
  double pool_o = 0, pool_e = 0;
  for (size_t i = 0; i < observed.size(); ++i) {
    const double e = prob[i] * total;
    if (e < 5) {
      pool_o += observed[i];
      pool_e += e;
      continue;
    }
    r.stat += (observed[i] - e) * (observed[i] - e) / e;
    ++r.dof;
  }
  if (pool_e > 0) {
    r.stat += (pool_o - pool_e) * (pool_o - pool_e) / std::max(pool_e, 1e-300);
    ++r.dof;
  }
  return r;
}

// 99.9% quantile of chi-square with k degrees of freedom (Wilson-Hilferty; within 1% for k >= 3).
double chi2_999(int k) {
  const double z = 3.090232, a = 2.0 / (9.0 * k);
  return k * std::pow(1 - a + z * std::sqrt(a), 3);
}

std::vector<double> host_counts(const CountView& v) {
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), v);
  return std::vector<double>(h.data(), h.data() + h.size());
}

} // namespace

TEST_CASE("dsd binomial draws follow the binomial law (inversion and BTRS)") {
  const CounterRng rng(11, purpose_id("test.dsd.binomial"));
  struct Case {
    long n;
    double p;
  };
  // n p < 10 (inversion), n p >= 10 (BTRS), p > 1/2 (symmetry), and a large n.
  for (const Case cs : {Case{7, 0.3}, Case{60, 0.1}, Case{100, 0.4}, Case{1000, 0.73},
                        Case{2000000, 0.002}, Case{50, 0.999}}) {
    CAPTURE(cs.n);
    CAPTURE(cs.p);
    const long draws = 100000;
    double s = 0, ss = 0;
    std::vector<double> hist(size_t(std::min(cs.n, 20000L)) + 1, 0.0);
    for (long i = 0; i < draws; ++i) {
      const long k = binomial(rng, std::uint64_t(i), 3, 2, cs.n, cs.p);
      REQUIRE(k >= 0);
      REQUIRE(k <= cs.n);
      s += double(k);
      ss += double(k) * double(k);
      if (size_t(k) < hist.size())
        hist[size_t(k)] += 1;
    }
    const double mean = cs.n * cs.p, var = cs.n * cs.p * (1 - cs.p);
    const double m = s / draws, v = ss / draws - m * m;
    // Five standard errors: of the mean sqrt(var / draws); of the variance ~ var sqrt(2 / draws).
    CHECK(std::abs(m - mean) < 5 * std::sqrt(var / draws) + 1e-12);
    CHECK(std::abs(v - var) < 5 * var * std::sqrt(2.0 / draws) + 1e-12);
    if (cs.n <= 20000) {
      std::vector<double> pmf(hist.size());
      for (long k = 0; k <= cs.n; ++k)
        pmf[size_t(k)] =
            std::exp(log_choose(cs.n, k) + k * std::log(cs.p) + (cs.n - k) * std::log1p(-cs.p));
      const ChiSquare c = chi_square(hist, pmf, draws);
      CAPTURE(c.stat);
      CHECK(c.stat < chi2_999(c.dof));
    }
  }
  CHECK(binomial(rng, 0, 0, 0, 10, 0.0) == 0);
  CHECK(binomial(rng, 0, 0, 0, 10, 1.0) == 10);
  CHECK(binomial(rng, 0, 0, 0, 10, 3.5) == 10); // clamped to 1
  CHECK(binomial(rng, 0, 0, 0, 0, 0.5) == 0);
  // A pure function of the counter.
  CHECK(binomial(rng, 5, 1, 1, 500, 0.3) == binomial(rng, 5, 1, 1, 500, 0.3));
}

TEST_CASE("dsd multinomial split: exact total, zero weights get nothing, right means") {
  const CounterRng rng(12, purpose_id("test.dsd.multinomial"));
  const double w[4] = {0.5, 0.0, 1.5, 0.0};
  const long m = 40, draws = 40000;
  double sum[4] = {0, 0, 0, 0};
  for (long i = 0; i < draws; ++i) {
    long out[4];
    multinomial(rng, std::uint64_t(i), 0, 1, m, w, 4, out);
    REQUIRE(out[0] + out[1] + out[2] + out[3] == m);
    REQUIRE(out[1] == 0);
    REQUIRE(out[3] == 0);
    for (int j = 0; j < 4; ++j)
      sum[j] += double(out[j]);
  }
  // Mean of category 0: m/4 = 10, standard error sqrt(m 0.25 0.75 / draws) = 0.014.
  CHECK(std::abs(sum[0] / draws - 10.0) < 0.07);
  const double none[3] = {0, 0, 0};
  long out[3] = {7, 7, 7};
  multinomial(rng, 0, 0, 1, 0, none, 3, out);
  CHECK(out[0] + out[1] + out[2] == 0);
}

TEST_CASE("dsd uniform scatter: exact mass per channel, frozen sites kept, uniform law") {
  const Grid grid({5, 7}, {0, 0}, {1, 1}, {false, true});
  const Decomposition dec(grid, MPI_COMM_SELF);
  std::vector<std::uint8_t> frozen(35, 0);
  for (int g : {0, 8, 9, 20, 34})
    frozen[size_t(g)] = 1;
  const long nb = 400, nc = 2;
  CountView counts("counts", nb, nc, 35);
  Kokkos::deep_copy(counts, 3); // frozen sites keep 3
  std::vector<std::uint64_t> samples(nb);
  std::vector<long> mass(size_t(nb * nc));
  for (long b = 0; b < nb; ++b) {
    samples[size_t(b)] = std::uint64_t(1000 + b);
    mass[size_t(b * nc)] = 50 + b % 7;
    mass[size_t(b * nc + 1)] = b % 3; // small masses, zero included
  }
  scatter_uniform(dec, frozen, samples, mass, 99, counts);
  const auto h = host_counts(counts);
  std::vector<double> occupancy(35, 0.0);
  double total0 = 0;
  for (long b = 0; b < nb; ++b)
    for (long c = 0; c < nc; ++c) {
      long m = 0;
      for (long p = 0; p < 35; ++p) {
        const double n = h[size_t((b * nc + c) * 35 + p)];
        REQUIRE(n >= 0);
        if (frozen[size_t(p)]) {
          REQUIRE(n == 3);
          continue;
        }
        m += long(n);
        if (c == 0)
          occupancy[size_t(p)] += n;
      }
      REQUIRE(m == mass[size_t(b * nc + c)]);
      if (c == 0)
        total0 += double(m);
    }
  // Summed over samples the channel-0 occupancy is multinomial(total, uniform over 30 free sites).
  std::vector<double> obs, prob;
  for (long p = 0; p < 35; ++p)
    if (!frozen[size_t(p)]) {
      obs.push_back(occupancy[size_t(p)]);
      prob.push_back(1.0 / 30);
    }
  const ChiSquare c = chi_square(obs, prob, total0);
  CAPTURE(c.stat);
  CHECK(c.dof == 29);
  CHECK(c.stat < chi2_999(c.dof));

  // Another sample index gives another configuration; the same one the same.
  CountView again("again", 1, nc, 35), other("other", 1, nc, 35);
  Kokkos::deep_copy(again, 3);
  Kokkos::deep_copy(other, 3);
  scatter_uniform(dec, frozen, {1000}, {mass[0], mass[1]}, 99, again);
  scatter_uniform(dec, frozen, {1001}, {mass[0], mass[1]}, 99, other);
  const auto a = host_counts(again), o = host_counts(other);
  CHECK(std::equal(a.begin(), a.end(), h.begin()));
  CHECK(!std::equal(a.begin(), a.end(), o.begin()));

  std::vector<std::uint8_t> all(35, 1);
  CHECK_THROWS_AS(scatter_uniform(dec, all, {0}, {1, 0}, 1, again), UsageError);
}

TEST_CASE("dsd tau-leaping keeps mass exact and counts non-negative under adversarial rates") {
  const Grid grid({6, 5}, {0, 0}, {1, 1}, {true, false}); // periodic x, no-flux y
  const Decomposition dec(grid, MPI_COMM_SELF);
  const long nb = 3, nc = 2, np = 30, nd = 4;
  std::vector<std::uint8_t> frozen(np, 0);
  for (int g : {7, 8, 13, 29})
    frozen[size_t(g)] = 1;
  // eps = 1: the busiest site sends all its units, others up to their share.
  TauLeapSampler<double> sampler(dec, nc, TimeGrid::power(10, 1.0), 1.0, 5);
  sampler.set_mask(frozen);
  CountView counts("counts", nb, nc, np);
  {
    auto h = Kokkos::create_mirror_view(counts);
    for (long b = 0; b < nb; ++b)
      for (long c = 0; c < nc; ++c)
        for (long p = 0; p < np; ++p)
          h(b, c, p) = int((b * 7 + c * 3 + p * 5) % 11);
    Kokkos::deep_copy(counts, h);
  }
  const std::vector<double> start = host_counts(counts);
  // Per step, rates drawn from {0, 1e-3, 1, 40, 1e30, NaN/negative where closed}: huge, spiky
  // and zero entries; closed directions (mask edges, no-flux edges, frozen sites) get junk that
  // must be ignored.
  long calls = 0;
  const RateFunction<double> adversary = [&](const CountView&, const std::vector<double>&,
                                             const std::vector<int>&, const RateView<double>& r) {
    auto h = Kokkos::create_mirror_view(r);
    const CounterRng g(3, purpose_id("test.dsd.adversary"));
    for (long b = 0; b < nb; ++b)
      for (long c = 0; c < nc; ++c)
        for (long v = 0; v < nd; ++v)
          for (long p = 0; p < np; ++p) {
            const double u =
                g.uniform(std::uint64_t(((b * nc + c) * nd + v) * np + p), std::uint32_t(calls));
            const double choices[5] = {0.0, 1e-3, 1.0, 40.0, 1e30};
            h(b, c, v, p) = choices[int(u * 5)];
            const long y = p % 5;
            const bool closed_edge = (y == 0 && v == 2) || (y == 4 && v == 3) || frozen[size_t(p)];
            if (closed_edge)
              h(b, c, v, p) = u < 0.5 ? std::nan("") : -1.0;
          }
    Kokkos::deep_copy(r, h);
    ++calls;
  };
  sampler.begin({0, 1, 2}, {});
  long moved_steps = 0;
  std::vector<double> before = start;
  for (int s = 0; s < 400; ++s) {
    if (!sampler.step(counts, adversary))
      sampler.begin({0, 1, 2}, {}); // clocks reached t_1: start again from t_T
    const std::vector<double> now = host_counts(counts);
    moved_steps += now != before;
    for (long b = 0; b < nb; ++b)
      for (long c = 0; c < nc; ++c) {
        double mass = 0, mass0 = 0;
        for (long p = 0; p < np; ++p) {
          const size_t i = size_t((b * nc + c) * np + p);
          REQUIRE(now[i] >= 0);
          if (frozen[size_t(p)])
            REQUIRE(now[i] == start[i]);
          mass += now[i];
          mass0 += start[i];
        }
        REQUIRE(mass == mass0);
      }
    before = now;
  }
  CHECK(moved_steps > 300);
  CHECK(sampler.stats().max_rate >= 1e30);

  // A NaN or negative rate on an open edge of an occupied site is an error, not a silent zero.
  const RateFunction<double> bad = [&](const CountView&, const std::vector<double>&,
                                       const std::vector<int>&, const RateView<double>& r) {
    Kokkos::deep_copy(r, 1.0);
    auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), r);
    for (long p = 0; p < np; ++p)
      if (!frozen[size_t(p)])
        h(1, 0, 1, p) = -2.0; // direction +x never closes on the periodic axis
    Kokkos::deep_copy(r, h);
  };
  Kokkos::deep_copy(counts, 1);
  sampler.begin({0, 1, 2}, {});
  CHECK_THROWS_AS(sampler.step(counts, bad), NumericError);
}

TEST_CASE("dsd tau-leaping: a sample does not depend on its batch; rates see labels and time") {
  const Grid grid({8, 6}, {0, 0}, {1, 1}, {false, true});
  const Decomposition dec(grid, MPI_COMM_SELF);
  const long np = 48, nd = 4;
  // Rates: a deterministic function of the site's count, the label and the clock.
  long non_positive_times = 0; // a rate model may require t > 0 (the UFno does)
  const RateFunction<float> rates = [&](const CountView& n, const std::vector<double>& t,
                                        const std::vector<int>& labels, const RateView<float>& r) {
    auto nh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), n);
    auto h = Kokkos::create_mirror_view(r);
    for (size_t b = 0; b < t.size(); ++b)
      non_positive_times += t[b] <= 0.0;
    for (size_t b = 0; b < t.size(); ++b)
      for (long v = 0; v < nd; ++v)
        for (long p = 0; p < np; ++p)
          h(b, 0, v, p) = float((1.0 + v + labels[b]) * (1.0 + t[b]) / (1.0 + nh(b, 0, p)));
    Kokkos::deep_copy(r, h);
  };
  const std::vector<long> mass = {200, 30};
  CountView pair("pair", 2, 1, np), single("single", 1, 1, np);
  scatter_uniform(dec, {}, {3, 4}, mass, 8, pair);
  scatter_uniform(dec, {}, {4}, {mass[1]}, 8, single);
  TauLeapSampler<float> a(dec, 1, TimeGrid::logit(40), 0.2, 21),
      b(dec, 1, TimeGrid::logit(40), 0.2, 21);
  long calls = 0;
  const TauLeapStats sa =
      a.run(pair, {3, 4}, {1, 2}, rates, 100000,
            [&](const TauLeapSampler<float>& s) { calls += s.steps_taken() > 0; });
  b.run(single, {4}, {2}, rates, 100000);
  const auto hp = host_counts(pair), hs = host_counts(single);
  CHECK(std::equal(hs.begin(), hs.end(), hp.begin() + np));
  CHECK(std::accumulate(hp.begin(), hp.begin() + np, 0.0) == 200);
  CHECK(sa.steps > 10);
  CHECK(calls == sa.steps);       // progress after every step
  CHECK(a.clocks()[0] == 0.0);    // the CFL steps to t_1, then the final leap
  CHECK(non_positive_times == 0); // items that ended at 0 are evaluated at t_1
  // A step limit that cannot be met is reported.
  CHECK_THROWS_AS(b.run(single, {4}, {2}, rates, 3), NumericError);
}

namespace {

// Global sample indices 0 .. n-1.
std::vector<std::uint64_t> sample_ids(long n) {
  std::vector<std::uint64_t> ids(static_cast<size_t>(n));
  std::iota(ids.begin(), ids.end(), 0);
  return ids;
}

// One unit on an nx x ny lattice (periodic x, no-flux y), rate r per direction, data law p0.
// p_t(y) = sum_x0 p0(x0) K_t(x0 -> y) with the exact product kernel, and the exact reverse rate
// of a move y -> y + v is r p_t(y + v) / p_t(y) (K_t symmetric).
struct OneUnit {
  int nx, ny;
  double r;
  std::vector<double> p0;

  int sites() const { return nx * ny; }
  // p_t at the sites `at` (all sites when empty), K_t(i -> j) per axis from the ring
  // displacement pmf (images for the no-flux axis).
  std::vector<double> law_at(double t, std::vector<int> at) const {
    const int np = sites();
    if (at.empty())
      for (int y = 0; y < np; ++y)
        at.push_back(y);
    const std::vector<double> gx = ring_displacement_pmf(nx, r * t);
    const std::vector<double> gy = ring_displacement_pmf(2 * ny, r * t);
    auto kx = [&](int i, int j) { return gx[size_t(((j - i) % nx + nx) % nx)]; };
    auto ky = [&](int i, int j) {
      return gy[size_t(((j - i) % (2 * ny) + 2 * ny) % (2 * ny))] +
             gy[size_t((2 * ny - 1 - j - i + 2 * ny) % (2 * ny))];
    };
    std::vector<double> pt(size_t(np), 0.0);
    for (const int y : at)
      for (int x0 = 0; x0 < np; ++x0)
        pt[size_t(y)] += p0[size_t(x0)] * kx(x0 / ny, y / ny) * ky(x0 % ny, y % ny);
    return pt;
  }
  // n items drawn from p0 and diffused to the last time of `times` by the exact forward sampler.
  CountView forward(const Decomposition& dec, const TimeGrid& times, long n) const {
    const int np = sites();
    CountView x0("x0", n, 1, np), counts("counts", n, 1, np);
    auto h = Kokkos::create_mirror_view(x0);
    Kokkos::deep_copy(h, 0);
    const CounterRng g(17, purpose_id("test.dsd.data"));
    for (long b = 0; b < n; ++b) {
      double u = g.uniform(std::uint64_t(b), 0);
      int site = 0;
      while (site < np - 1 && u > p0[size_t(site)])
        u -= p0[size_t(site++)];
      h(b, 0, site) = 1;
    }
    Kokkos::deep_copy(x0, h);
    forward_noised(dec, x0, r, times, sample_ids(n), 23, counts);
    return counts;
  }
  RateFunction<double> exact_rates() const {
    return [this](const CountView& c, const std::vector<double>& t, const std::vector<int>&,
                  const RateView<double>& rho) {
      auto ch = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), c);
      auto h = Kokkos::create_mirror_view(rho);
      Kokkos::deep_copy(h, 0.0);
      for (long b = 0; b < long(t.size()); ++b) {
        int y = 0;
        while (ch(b, 0, y) == 0)
          ++y;
        const int yx = y / ny, yy = y % ny;
        const int to[4] = {((yx + nx - 1) % nx) * ny + yy, ((yx + 1) % nx) * ny + yy,
                           yy > 0 ? y - 1 : -1, yy < ny - 1 ? y + 1 : -1};
        std::vector<int> at = {y};
        for (int v = 0; v < 4; ++v)
          if (to[v] >= 0)
            at.push_back(to[v]);
        const std::vector<double> pt = law_at(t[size_t(b)], at);
        for (int v = 0; v < 4; ++v)
          h(b, 0, v, y) = to[v] < 0 ? 0.0 : r * pt[size_t(to[v])] / pt[size_t(y)];
      }
      Kokkos::deep_copy(rho, h);
    };
  }
};

std::vector<double> site_histogram(const CountView& counts) {
  const auto h = host_counts(counts);
  const long n = long(counts.extent(0)), np = long(counts.extent(2));
  std::vector<double> hist(size_t(np), 0.0);
  for (long b = 0; b < n; ++b)
    for (long y = 0; y < np; ++y)
      hist[size_t(y)] += h[size_t(b * np + y)];
  return hist;
}

} // namespace

TEST_CASE("dsd tau-leaping with the exact reverse rates of one unit recovers the data law") {
  // Started from the exact forward-noised law at t_T, the sampler (CFL steps to t_1, then the
  // final leap to 0) must end with the data law p0.
  OneUnit unit{4, 3, 3.0, {}};
  const int np = unit.sites();
  for (int i = 0; i < np; ++i)
    unit.p0.push_back(1.0 + double((i * 7) % 5) * double((i * 7) % 5)); // weights 1 .. 17
  const double z = std::accumulate(unit.p0.begin(), unit.p0.end(), 0.0);
  for (double& p : unit.p0)
    p /= z;
  const Grid grid({unit.nx, unit.ny}, {0, 0}, {1, 1}, {true, false});
  const Decomposition dec(grid, MPI_COMM_SELF);
  const TimeGrid times = TimeGrid::logit(50);
  const long n = 3000;
  const CountView counts = unit.forward(dec, times, n);
  const std::vector<std::uint64_t> samples = sample_ids(n);
  TauLeapSampler<double> sampler(dec, 1, times, 0.02, 31);
  const TauLeapStats st = sampler.run(counts, samples, {}, unit.exact_rates(), 1000000);
  CHECK(st.steps > 100); // eps = 0.02 over ~8 e-folds of t: hundreds of steps
  CHECK(sampler.clocks()[0] == 0.0);

  const std::vector<double> hist = site_histogram(counts);
  const ChiSquare data = chi_square(hist, unit.p0, double(n));
  const ChiSquare terminal = chi_square(hist, unit.law_at(times.t(times.steps()), {}), double(n));
  CAPTURE(data.stat);
  CAPTURE(terminal.stat);
  CHECK(data.dof == np - 1);
  CHECK(data.stat < chi2_999(data.dof));
  // The test has power: the terminal (nearly uniform) law is rejected by far.
  CHECK(terminal.stat > 10 * chi2_999(terminal.dof));
}

TEST_CASE("dsd final leap from t_1 to 0 sends the units one hop off home") {
  // Data law: a point mass at the centre of a 7 x 7 lattice; a one-step grid with t_1 = 0.01 and
  // r = 1, so each unit is off its site with probability 1 - exp(-4 r t_1) = 3.9% at t_1. The
  // final leap moves a unit one hop off home with probability r t_1 K(0)/K(1) = 1 - O(r t_1) and
  // a unit at home away with probability O((r t_1)^2) (tau_leap_sampler.hpp): off-site units
  // must drop by far more than 5x. Stopping at t_1 (EndAt::FirstTime) leaves them where they are.
  OneUnit unit{7, 7, 1.0, std::vector<double>(49, 0.0)};
  const int centre = 3 * 7 + 3;
  unit.p0[size_t(centre)] = 1.0;
  const Grid grid({unit.nx, unit.ny}, {0, 0}, {1, 1}, {true, false});
  const Decomposition dec(grid, MPI_COMM_SELF);
  const TimeGrid times = TimeGrid::power(1, 1.0, 0.01);
  const long n = 4000;
  const std::vector<std::uint64_t> samples = sample_ids(n);
  const auto off_site = [&](const CountView& c) {
    return double(n) - site_histogram(c)[size_t(centre)];
  };

  const CountView stopped = unit.forward(dec, times, n);
  const double before = off_site(stopped);
  TauLeapSampler<double> at_t1(dec, 1, times, 0.1, 31, EndAt::FirstTime);
  const TauLeapStats st1 = at_t1.run(stopped, samples, {}, unit.exact_rates(), 10);
  CHECK(st1.steps == 1);
  CHECK(at_t1.clocks()[0] == times.t(1));
  CHECK(off_site(stopped) == before);

  const CountView leapt = unit.forward(dec, times, n);
  TauLeapSampler<double> to_zero(dec, 1, times, 0.1, 31);
  const TauLeapStats st0 = to_zero.run(leapt, samples, {}, unit.exact_rates(), 10);
  const double after = off_site(leapt);
  CAPTURE(before);
  CAPTURE(after);
  CHECK(st0.steps == 1);
  CHECK(to_zero.clocks()[0] == 0.0);
  CHECK(before > 100); // 3.9% of 4000 = 157 expected
  CHECK(after < before / 5);
  const std::vector<double> hist = site_histogram(leapt);
  CHECK(std::accumulate(hist.begin(), hist.end(), 0.0) == double(n)); // one unit per item
}

TEST_CASE("dsd corrector leaps with the exact rates relax a wrong state to the forward law") {
  // Every item starts with its unit on site 0 at t_2 = 0.2, far from q_{t_2}: the CFL steps to
  // t_1 = 0.1 cannot repair that, the corrector (rates r + exact reverse rates, stationary law
  // q_{t_1}; for one unit the leap is a discrete chain I + tau (Q + R) with the same stationary
  // law) must. 600 leaps of tau ~ 0.1 / 24 span ~2.5 time units, ~7 relaxation times 1 / (3 r).
  OneUnit unit{4, 3, 3.0, {}};
  const int np = unit.sites();
  for (int i = 0; i < np; ++i)
    unit.p0.push_back(1.0 + double((i * 7) % 5) * double((i * 7) % 5));
  const double z = std::accumulate(unit.p0.begin(), unit.p0.end(), 0.0);
  for (double& p : unit.p0)
    p /= z;
  const Grid grid({unit.nx, unit.ny}, {0, 0}, {1, 1}, {true, false});
  const Decomposition dec(grid, MPI_COMM_SELF);
  const TimeGrid times = TimeGrid::power(2, 1.0, 0.2);
  const long n = 3000;
  const std::vector<std::uint64_t> samples = sample_ids(n);
  const auto start = [&]() {
    CountView c("counts", n, 1, np);
    auto h = Kokkos::create_mirror_view(c);
    Kokkos::deep_copy(h, 0);
    for (long b = 0; b < n; ++b)
      h(b, 0, 0) = 1;
    Kokkos::deep_copy(c, h);
    return c;
  };
  const std::vector<double> q1 = unit.law_at(times.t(1), {});

  const CountView plain = start();
  TauLeapSampler<double> predictor(dec, 1, times, 0.1, 31, EndAt::FirstTime);
  const TauLeapStats sp = predictor.run(plain, samples, {}, unit.exact_rates(), 100000);
  const ChiSquare without = chi_square(site_histogram(plain), q1, double(n));

  const CountView corrected = start();
  TauLeapSampler<double> sampler(dec, 1, times, 0.1, 31, EndAt::FirstTime);
  sampler.set_corrector(unit.r, 600, times.t(1)); // leaps at t_1 only
  const TauLeapStats sc = sampler.run(corrected, samples, {}, unit.exact_rates(), 100000);
  const std::vector<double> hist = site_histogram(corrected);
  const ChiSquare with = chi_square(hist, q1, double(n));
  CAPTURE(without.stat);
  CAPTURE(with.stat);
  CHECK(sc.steps == sp.steps + 600);
  CHECK(sampler.clocks()[0] == times.t(1));
  CHECK(std::accumulate(hist.begin(), hist.end(), 0.0) == double(n));
  CHECK(with.dof == np - 1);
  CHECK(with.stat < chi2_999(with.dof));
  CHECK(without.stat > 10 * chi2_999(without.dof));
  CHECK_THROWS_AS(sampler.set_corrector(0.0, 1, 1.0), Error);
}
