// Benchmark section "dsd_sample": binomial tau-leaping steps per second of the DSD sampler on
// 256x256 and 1024x1024 lattices split over the ranks of the run (no-flux boundaries, one
// channel, two-phase-microstructure-like mass: half a unit per site on average, uniform scatter).
// Rate model (cheap and deterministic, so the figure is the sampler's own cost):
//   rho(y, v) = (1 + t) (0.5 + 0.1 v) / (1 + n(y)),   v = 0 .. 3,
// one Kokkos kernel over the rate array. eps = 0.05 (a realistic tolerance), 4 samples per batch.
// Baseline, same run: one memory pass over the same arrays (read the rates and counts, write the
// counts), the bandwidth floor of any step; the ratio step_time / pass_time says how far a step
// is from it. The rate evaluation is included in the step time and stated separately.
#include "sections.hpp"

#include "fieldgen/core/timer.hpp"
#include "fieldgen/dsd/initial_state.hpp"
#include "fieldgen/dsd/tau_leap_sampler.hpp"

#include <cstdio>
#include <vector>

namespace fieldgen::bench {
namespace {

constexpr long batch = 4;
constexpr double tolerance = 0.05;

void fill_rates(const dsd::CountView& n, const std::vector<double>& t,
                const dsd::RateView<float>& rho) {
  Kokkos::View<double*, MemSpace> clock("fieldgen::bench::dsd_clock", t.size());
  auto clock_h = Kokkos::create_mirror_view(clock);
  for (size_t b = 0; b < t.size(); ++b)
    clock_h(b) = t[b];
  Kokkos::deep_copy(clock, clock_h);
  const long nd = long(rho.extent(2));
  Kokkos::parallel_for(
      "fieldgen::bench::dsd_rates",
      Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<3>>(
          {0, 0, 0}, {long(n.extent(0)), long(n.extent(1)), long(n.extent(2))}),
      KOKKOS_LAMBDA(const long b, const long c, const long p) {
        const double scale = (1.0 + clock(b)) / (1.0 + n(b, c, p));
        for (long v = 0; v < nd; ++v)
          rho(b, c, v, p) = float(scale * (0.5 + 0.1 * double(v)));
      });
}

void lattice(const Comm& comm, long side, int steps) {
  const Grid grid({side, side}, {0.0, 0.0}, {1.0, 1.0}, {false, false});
  const Decomposition dec(grid, comm.get());
  const long np = dec.local_size();
  std::vector<std::uint64_t> samples;
  for (long b = 0; b < batch; ++b)
    samples.push_back(std::uint64_t(b));
  dsd::CountView counts("fieldgen::bench::dsd_counts", batch, 1, size_t(np));
  dsd::scatter_uniform(dec, {}, samples, std::vector<long>(batch, side * side / 2), 3, counts);
  dsd::TauLeapSampler<float> sampler(dec, 1, dsd::TimeGrid::logit(1000), tolerance, 9);
  const dsd::RateFunction<float> rates =
      [](const dsd::CountView& n, const std::vector<double>& t, const std::vector<int>&,
         const dsd::RateView<float>& rho) { fill_rates(n, t, rho); };
  sampler.begin(samples, {});
  sampler.step(counts, rates); // warm-up: allocations
  comm.barrier();
  Stopwatch sw;
  for (int s = 0; s < steps; ++s)
    sampler.step(counts, rates);
  Kokkos::fence();
  const double step_s = comm.max(sw.seconds()) / steps;

  // The rate model alone, and the memory-pass baseline over the same arrays.
  dsd::RateView<float> rho("fieldgen::bench::dsd_rho", batch, 1, 4, size_t(np));
  const std::vector<double> t(batch, 0.5);
  comm.barrier();
  sw.reset();
  for (int s = 0; s < steps; ++s)
    fill_rates(counts, t, rho);
  Kokkos::fence();
  const double rate_s = comm.max(sw.seconds()) / steps;
  comm.barrier();
  sw.reset();
  for (int s = 0; s < steps; ++s)
    Kokkos::parallel_for(
        "fieldgen::bench::dsd_memory_pass",
        Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<2>>({0, 0}, {batch, np}),
        KOKKOS_LAMBDA(const long b, const long p) {
          const float sum = rho(b, 0, 0, p) + rho(b, 0, 1, p) + rho(b, 0, 2, p) + rho(b, 0, 3, p);
          counts(b, 0, p) += sum < 0.0f; // never true: rates are positive
        });
  Kokkos::fence();
  const double pass_s = comm.max(sw.seconds()) / steps;
  if (comm.is_root())
    std::printf("%5ld %6d %6d %10.4f %10.2f %12.3e %10.4f %10.5f %8.1f\n", side, comm.size(), steps,
                step_s, 1.0 / step_s, double(batch * side * side) / step_s, rate_s, pass_s,
                step_s / pass_s);
}

} // namespace

void dsd_sample(const Comm& comm) {
  if (comm.is_root()) {
    std::printf("\n== dsd_sample: binomial tau-leaping, %ld samples per batch, eps = %.2f, float "
                "rates, %d rank(s)\n",
                batch, tolerance, comm.size());
    std::printf("   rates: rho(y,v) = (1+t)(0.5+0.1v)/(1+n(y)); baseline: one memory pass over "
                "rates and counts\n");
    std::printf("%5s %6s %6s %10s %10s %12s %10s %10s %8s\n", "side", "ranks", "steps", "step_s",
                "steps/s", "sites/s", "rates_s", "pass_s", "ratio");
  }
  lattice(comm, 256, 20);
  lattice(comm, 1024, 5);
}

} // namespace fieldgen::bench
