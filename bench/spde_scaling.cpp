// Benchmark section "spde_scaling": the Whittle-Matern SPDE measure (gaussian/spde_measure.hpp;
// 2-D, a = 2, length scale 0.1, unit variance, reflecting walls, CG + BoomerAMG to rtol 1e-12) on
// square unit grids of 1e4, 4e4, 1.6e5, 6.4e5, 2.56e6 and 4e6 points (up to
// spde_scaling.max_points), split over all ranks. Per mesh: the setup (DMDA, matrix, AMG
// hierarchy; built once and reused, as the measure does), the median time of one sample (one CG
// solve for a = 2) and of one loss (cm_norm2: one stencil application) over at least
// spde_scaling.repeats calls (more on small meshes), the CG iterations per solve, and the time per
// point with its ratio to the smallest mesh's (the baseline of the run): linear growth of the cost
// with the number of points reads as a ratio near 1. The ratios use CPU time (common.hpp: wall time
// on a shared, time-sliced machine mostly measures the load). Times are the slowest rank's.
#include "common.hpp"
#include "sections.hpp"

#include "fieldgen/core/timer.hpp"
#include "fieldgen/gaussian/spde_measure.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace fieldgen::bench {
namespace {

// Medians of the slowest rank's wall and CPU seconds over calls of fn: at least `repeats`, and
// more (up to 50) until 1 s of wall time has passed, so that the small meshes, the baseline of
// the ratios, are not measured in one lucky or unlucky time slice of a shared machine.
template <class F> Times median_max(const Comm& comm, long repeats, F&& fn) {
  std::vector<double> wall, cpu;
  double total = 0;
  while (long(wall.size()) < repeats || (total < 1.0 && wall.size() < 50)) {
    const Times t = timed(comm, fn);
    wall.push_back(t.wall);
    cpu.push_back(t.cpu);
    total += t.wall; // the same on every rank (comm.max), so every rank loops alike
  }
  return {median(wall), median(cpu)};
}

// Least-squares slope of y against x.
double slope(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = double(x.size());
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    sx += x[i];
    sy += y[i];
    sxx += x[i] * x[i];
    sxy += x[i] * y[i];
  }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
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
                "median of >= %ld; wall s, and CPU ns per point with its ratio to the smallest "
                "mesh's (1 = linear)\n",
                params.order, params.length_scale, params.rtol, comm.size(), repeats);
    std::printf("  %9s %9s | %8s | %8s %9s %6s %8s | %8s %9s %6s\n", "points", "grid", "setup s",
                "sample s", "cpu ns/pt", "ratio", "its/solv", "loss s", "cpu ns/pt", "ratio");
  }
  double sample_base = 0, loss_base = 0;
  std::vector<double> log_points, log_wall, log_cpu; // for the fitted exponents
  for (long side : {100L, 200L, 400L, 800L, 1600L, 2000L}) {
    const long points = side * side;
    if (points > max_points)
      break;
    const Decomposition dec(Grid::unit({side, side}), comm.get());
    comm.barrier();
    const Stopwatch sw;
    const gaussian::SpdeMeasure<double> measure(dec, params);
    const double setup = comm.max(sw.seconds());
    Tensor3<double> u("fieldgen::bench::spde_sample", 1, 1, size_t(measure.local_points()));
    const CounterRng rng(7, purpose_id("bench.spde_scaling"));
    measure.sample(u, rng, 0); // warm-up: first touch of the solver's work space
    const long solves0 = measure.system().solves(), its0 = measure.system().iterations();
    std::uint64_t m = 1;
    const Times sample = median_max(comm, repeats, [&] { measure.sample(u, rng, 0, m++); });
    const double its = double(measure.system().iterations() - its0) /
                       double(std::max(1L, measure.system().solves() - solves0));
    double sink = 0;
    const Times loss = median_max(comm, repeats, [&] { sink += measure.cm_norm2(u)[0]; });
    const double per_point = sample.cpu / double(points),
                 loss_per_point = loss.cpu / double(points);
    log_points.push_back(std::log(double(points)));
    log_wall.push_back(std::log(sample.wall));
    log_cpu.push_back(std::log(sample.cpu));
    if (sample_base == 0) {
      sample_base = per_point;
      loss_base = loss_per_point;
    }
    if (comm.is_root())
      std::printf("  %9ld %4ldx%-4ld | %8.3f | %8.4f %9.1f %6.2f %8.1f | %8.5f %9.1f %6.2f%s\n",
                  points, side, side, setup, sample.wall, 1e9 * per_point, per_point / sample_base,
                  its, loss.wall, 1e9 * loss_per_point, loss_per_point / loss_base,
                  sink > 0 ? "" : " (non-positive loss!)");
  }
  if (comm.is_root() && log_points.size() > 1)
    std::printf("  sample time ~ points^p, least-squares fit over the meshes: p = %.3f (CPU), "
                "%.3f (wall)\n",
                slope(log_points, log_cpu), slope(log_points, log_wall));
}

} // namespace fieldgen::bench
