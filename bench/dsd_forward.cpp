// Benchmark section "dsd_forward": the DSD kernel cache and exact forward sampler on 256x256
// lattices with Fashion-MNIST-like mass (28x28 images of mean intensity ~73 scaled to 256^2:
// 28*28*73*(256/28)^2 ~ 4.8e6 units per field).
//  - Kernel cache: time and bytes to build all T = 2000 logit-schedule kernels, next to what
//    per-row CDFs (side^2 per time) and the dense reference tensor ((side^2)^2 per time, float)
//    would hold.
//  - Sampler: units per second per rank (slowest rank), next to the bare counter-RNG rate for the
//    same number of uniforms (two per unit, the floor of any exact sampler).
#include "sections.hpp"

#include "fieldgen/core/rng.hpp"
#include "fieldgen/core/timer.hpp"
#include "fieldgen/dsd/forward_sampler.hpp"

#include <cstdio>
#include <vector>

namespace fieldgen::bench {
namespace {

constexpr int side = 256;
constexpr int steps = 2000;
// Rate per direction such that the diffusion length sqrt(2 r t_T) ~ 0.7 side at t_T = 1:
// the lattice is nearly mixed at the end of the schedule.
constexpr double rate = side * side / 4.0;
constexpr double mean_units = 73.0; // mean Fashion-MNIST intensity per pixel

// Counts with mean 73 per site: a smooth bump pattern plus counter-RNG jitter, the same on
// every rank for a given field id.
dsd::CountView fashion_like(long nb, long first) {
  dsd::CountView x("fieldgen::bench::dsd_x0", size_t(nb), 1, size_t(side) * side);
  auto h = Kokkos::create_mirror_view(x);
  const CounterRng g(1, purpose_id("bench.dsd.counts"));
  for (long b = 0; b < nb; ++b)
    for (long p = 0; p < long(side) * side; ++p) {
      const double u = g.uniform(std::uint64_t((first + b) * side * side + p), 0);
      h(b, 0, p) = int(2.0 * mean_units * u + 0.5);
    }
  Kokkos::deep_copy(x, h);
  return x;
}

void kernel_cache(const Comm& comm, dsd::Boundary boundary, const char* name) {
  dsd::KernelCache cache({side, side}, {boundary, boundary}, rate, dsd::TimeGrid::logit(steps));
  comm.barrier();
  Stopwatch sw;
  for (int k = 1; k <= steps; ++k)
    cache.kernel(0, k);
  const double seconds = comm.max(sw.seconds());
  const double row_cdfs = 2.0 * steps * double(side) * side * sizeof(double);
  const double dense = double(steps) * double(side) * side * double(side) * side * sizeof(float);
  if (comm.is_root())
    std::printf("%-11s %7d %9.3f %12.3f %14.1f %16.3e\n", name, steps, seconds,
                double(cache.bytes()) / 1048576.0, row_cdfs / 1048576.0, dense / 1048576.0);
}

void sampler(const Comm& comm, int k) {
  const Grid grid({side, side}, {0.0, 0.0}, {1.0, 1.0}, {false, false});
  dsd::ForwardSampler<float> s(grid, rate, dsd::TimeGrid::logit(steps), 42);
  const long nb = 2;
  const dsd::CountView x0 = fashion_like(nb, nb * comm.rank());
  long units = 0;
  {
    auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), x0);
    for (size_t i = 0; i < h.size(); ++i)
      units += h.data()[i];
  }
  dsd::CountView nt("fieldgen::bench::dsd_nt", size_t(nb), 1, size_t(side) * side);
  dsd::RateView<float> target("fieldgen::bench::dsd_target", size_t(nb), 1, 4, size_t(side) * side);
  std::vector<std::uint64_t> draws = {std::uint64_t(nb * comm.rank()),
                                      std::uint64_t(nb * comm.rank() + 1)};
  s.sample(x0, {k, k}, draws, nt, target); // warm-up, builds the kernel of k
  comm.barrier();
  Stopwatch sw;
  s.sample(x0, {k, k}, draws, nt, target);
  const double seconds = comm.max(sw.seconds());

  // Baseline: two counter-based uniforms per unit, summed so the loop is not optimised away.
  const CounterRng rng(42, purpose_id("dsd.forward"));
  comm.barrier();
  sw.reset();
  double sink = 0;
  Kokkos::parallel_reduce(
      "fieldgen::bench::dsd_rng_floor", Kokkos::RangePolicy<ExecSpace>(0, units),
      KOKKOS_LAMBDA(long u, double& acc) {
        acc += rng.uniform(std::uint64_t(u), 7, 0) + rng.uniform(std::uint64_t(u), 7, 1);
      },
      sink);
  const double rng_seconds = comm.max(sw.seconds());
  const long all_units = comm.sum(units);
  if (comm.is_root())
    std::printf("%5d %9.2e %12.3e %9.3f %12.3e %8.2f %s\n", k, double(all_units) / comm.size(),
                double(units) / seconds, seconds, double(units) / rng_seconds,
                seconds / rng_seconds, sink > 0 ? "" : "!");
}

} // namespace

void dsd_forward(const Comm& comm) {
  if (comm.is_root()) {
    std::printf("\n== dsd_forward: kernel cache, %dx%d lattice, logit schedule T = %d, r = %.0f\n",
                side, side, steps, rate);
    std::printf("%-11s %7s %9s %12s %14s %16s\n", "boundary", "kernels", "build_s", "cache_MiB",
                "row_cdfs_MiB", "dense_ref_MiB");
  }
  kernel_cache(comm, dsd::Boundary::Reflecting, "reflecting");
  kernel_cache(comm, dsd::Boundary::Periodic, "periodic");
  if (comm.is_root()) {
    std::printf("\n== dsd_forward: exact forward sample, 2 fields of %dx%d per rank, float "
                "targets, %d rank(s)\n",
                side, side, comm.size());
    std::printf("   baseline: two Philox uniforms per unit (RNG floor)\n");
    std::printf("%5s %9s %12s %9s %12s %8s\n", "k", "units/rk", "units/s/rk", "time_s",
                "rng_units/s", "ratio");
  }
  for (int k : {1, 200, 1000, 2000})
    sampler(comm, k);
}

} // namespace fieldgen::bench
