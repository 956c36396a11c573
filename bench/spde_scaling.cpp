// Benchmark section "spde_scaling": the Whittle-Matern SPDE measure (gaussian/spde_measure.hpp;
// 2-D, a = 2, length scale 0.1, unit variance, reflecting walls, CG + BoomerAMG to rtol 1e-12) on
// square unit grids of 1e4, 4e4, 1.6e5, 6.4e5, 2.56e6 and 4e6 points (up to
// spde_scaling.max_points), split over all ranks. Per mesh: the setup (DMDA, matrix, AMG
// hierarchy; built once and reused, as the measure does), the median time of one sample (one CG
// solve for a = 2) and of one loss (cm_norm2: one stencil application) over
// spde_scaling.repeats, the CG iterations per solve, and the time per point with its ratio to
// the smallest mesh's (the baseline of the run): linear growth of the cost with the number of
// points reads as a ratio near 1. Times are the slowest rank's.
#include "sections.hpp"

#include "fieldgen/core/timer.hpp"
#include "fieldgen/gaussian/spde_measure.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace fieldgen::bench {
namespace {

// Median of the slowest rank's times of `repeats` calls of fn.
template <class F> double median_max(const Comm& comm, long repeats, F&& fn) {
  std::vector<double> t;
  for (long r = 0; r < repeats; ++r) {
    comm.barrier();
    const Stopwatch sw;
    fn();
    t.push_back(comm.max(sw.seconds()));
  }
  std::nth_element(t.begin(), t.begin() + long(t.size() / 2), t.end());
  return t[t.size() / 2];
}

} // namespace

void spde_scaling(const Comm& comm, const Config& cfg) {
  const long max_points = cfg.get_int("spde_scaling.max_points");
  const long repeats = cfg.get_int("spde_scaling.repeats");
  gaussian::SpdeParams params;
  params.order = 2;
  params.length_scale = 0.1;
  if (comm.is_root()) {
    std::printf("\n== spde_scaling: 2-D Matern SPDE, a = %d, l = %.2f, CG rtol %.0e, %d rank(s); "
                "median of %ld; per point: relative to the smallest mesh (1 = linear)\n",
                params.order, params.length_scale, params.rtol, comm.size(), repeats);
    std::printf("  %9s %9s %9s %9s %8s %9s %9s %9s %8s\n", "points", "grid", "setup s", "sample s",
                "its/solv", "ns/point", "ratio", "loss s", "ratio");
  }
  double sample_base = 0, loss_base = 0;
  for (long side : {100L, 200L, 400L, 800L, 1600L, 2000L}) {
    const long points = side * side;
    if (points > max_points)
      break;
    const Decomposition dec(Grid::unit({side, side}), comm.get());
    comm.barrier();
    Stopwatch sw;
    const gaussian::SpdeMeasure<double> measure(dec, params);
    const double setup = comm.max(sw.seconds());
    Tensor3<double> u("fieldgen::bench::spde_sample", 1, 1, size_t(measure.local_points()));
    const CounterRng rng(7, purpose_id("bench.spde_scaling"));
    measure.sample(u, rng, 0); // warm-up: first touch of the solver's work space
    const long solves0 = measure.system().solves(), its0 = measure.system().iterations();
    std::uint64_t m = 1;
    const double sample = median_max(comm, repeats, [&] { measure.sample(u, rng, 0, m++); });
    const double its = double(measure.system().iterations() - its0) /
                       double(std::max(1L, measure.system().solves() - solves0));
    double sink = 0;
    const double loss = median_max(comm, repeats, [&] { sink += measure.cm_norm2(u)[0]; });
    const double per_point = sample / double(points), loss_per_point = loss / double(points);
    if (sample_base == 0) {
      sample_base = per_point;
      loss_base = loss_per_point;
    }
    if (comm.is_root())
      std::printf("  %9ld %4ldx%-4ld %9.3f %9.4f %8.1f %9.1f %9.2f %9.5f %8.2f%s\n", points, side,
                  side, setup, sample, its, 1e9 * per_point, per_point / sample_base, loss,
                  loss_per_point / loss_base, sink > 0 ? "" : " (non-positive loss!)");
  }
}

} // namespace fieldgen::bench
