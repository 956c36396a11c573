// Benchmark section "gram_vs_spde": the two covariance families of FuncDiff side by side on one
// process, for n = 64, 128, ... points up to gram_vs_spde.max_points:
//   kernel Gram (gaussian/kernel_measure.hpp): Matern-3/2, l = 0.1, unit variance, jitter 1e-10;
//     setup = Gram matrix + Cholesky (O(n^3)), sample = dtrmm (O(n^2) per field), loss = dtrsm;
//   SPDE (gaussian/spde_measure.hpp): a = 2, same l and variance, CG + BoomerAMG to rtol 1e-12;
//     setup = DMDA + matrix + AMG hierarchy, sample = one CG solve, loss = one stencil
//     application (all O(n)).
// In 1-D the two are the same Matern-3/2 field (nu = a - d/2 = 3/2, matern.hpp) on the unit
// interval; in 2-D (grids side x side or side x 2 side on the unit square) the SPDE field has
// nu = 1, so that table compares costs only. Per family: setup time (median of up to 5 builds for
// small n), and per field the median time of a batch of 16 samples and of 16 losses, measured
// interleaved. All times are CPU times of the process (common.hpp), robust to a shared machine. The
// crossover is the smallest n from which the SPDE is cheaper at every larger n measured. Rank 0
// measures while any other ranks wait.
#include "common.hpp"
#include "sections.hpp"

#include "fieldgen/core/timer.hpp"
#include "fieldgen/gaussian/kernel_measure.hpp"
#include "fieldgen/gaussian/spde_measure.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace fieldgen::bench {
namespace {

constexpr long fields = 16;

struct Row {
  long n;
  double setup[2], sample[2], loss[2]; // [kernel, spde], seconds (sample and loss per field)
  double iterations;                   // CG iterations per SPDE solve
};

// Median CPU seconds of building a measure with make(), repeated while the builds take < 0.2 s
// of wall time in all (at most 5); keeps the last one built.
template <class M, class F> double build(std::unique_ptr<M>& out, F&& make) {
  std::vector<double> t;
  Stopwatch total;
  do {
    out.reset();
    const double c = cpu_seconds();
    out = make();
    t.push_back(cpu_seconds() - c);
  } while (t.size() < 5 && total.seconds() < 0.2);
  std::nth_element(t.begin(), t.begin() + long(t.size() / 2), t.end());
  return t[t.size() / 2];
}

Row measure_row(const std::vector<long>& shape) {
  const Grid grid = Grid::unit(shape);
  Row r{grid.size(), {}, {}, {}, 0};
  gaussian::KernelParams kp;
  kp.type = gaussian::KernelType::Matern32;
  kp.length_scale = 0.1;
  gaussian::SpdeParams sp;
  sp.order = 2;
  sp.length_scale = 0.1;
  const Decomposition dec(grid, MPI_COMM_SELF);
  std::unique_ptr<gaussian::KernelMeasure<double>> kernel;
  std::unique_ptr<gaussian::SpdeMeasure<double>> spde;
  r.setup[0] = build(kernel, [&] {
    return std::make_unique<gaussian::KernelMeasure<double>>(kp, gaussian::grid_coordinates(grid));
  });
  r.setup[1] =
      build(spde, [&] { return std::make_unique<gaussian::SpdeMeasure<double>>(dec, sp); });
  Tensor3<double> u[2] = {Tensor3<double>("fieldgen::bench::gram_u", fields, 1, size_t(r.n)),
                          Tensor3<double>("fieldgen::bench::spde_u", fields, 1, size_t(r.n))};
  const CounterRng rng(3, purpose_id("bench.gram_vs_spde"));
  double sink = 0;
  const auto sample = medians(
      {[&] { kernel->sample(u[0], rng, 0); }, [&] { spde->sample(u[1], rng, 0); }}, 7, true);
  const auto loss = medians(
      {[&] { sink += kernel->cm_norm2(u[0])[0]; }, [&] { sink += spde->cm_norm2(u[1])[0]; }}, 7,
      true);
  r.iterations = double(spde->system().iterations()) / double(spde->system().solves());
  for (int f = 0; f < 2; ++f) {
    r.sample[f] = sample[size_t(f)] / fields;
    r.loss[f] = loss[size_t(f)] / fields;
  }
  require(sink > 0, "gram_vs_spde: non-positive losses");
  return r;
}

// Smallest n from which value(spde) < value(kernel) for every later row; 0 if none.
template <class F> long crossover(const std::vector<Row>& rows, F&& value) {
  long from = 0;
  for (const Row& r : rows)
    if (value(r, 1) < value(r, 0)) {
      if (from == 0)
        from = r.n;
    } else {
      from = 0;
    }
  return from;
}

void table(int dim, long max_points) {
  std::printf("\n  %d-D: %s\n", dim,
              dim == 1 ? "the same Matern-3/2 field"
                       : "Matern-3/2 kernel vs SPDE nu = 1 (cost only)");
  std::printf("  %6s %9s | %9s %9s | %10s %10s %5s | %10s %10s\n", "n", "grid", "Gram s", "SPDE s",
              "Gram ms/f", "SPDE ms/f", "its", "Gram ms/f", "SPDE ms/f");
  std::printf("  %6s %9s | %19s | %27s | %21s\n", "", "", "setup", "sample (SPDE CG its)", "loss");
  std::vector<Row> rows;
  for (long n = 64; n <= max_points; n *= 2) {
    std::vector<long> shape = {n};
    if (dim == 2) {
      long side = 1;
      while (side * side * 4 <= n)
        side *= 2;
      shape = {side, n / side};
    }
    rows.push_back(measure_row(shape));
    const Row& r = rows.back();
    const std::string grid =
        dim == 1 ? std::to_string(n) : std::to_string(shape[0]) + "x" + std::to_string(shape[1]);
    std::printf("  %6ld %9s | %9.4f %9.4f | %10.4f %10.4f %5.1f | %10.4f %10.4f\n", r.n,
                grid.c_str(), r.setup[0], r.setup[1], 1e3 * r.sample[0], 1e3 * r.sample[1],
                r.iterations, 1e3 * r.loss[0], 1e3 * r.loss[1]);
    std::fflush(stdout);
  }
  auto show = [](long n) { return n > 0 ? std::to_string(n) : std::string("none measured"); };
  const long sample_from = crossover(rows, [](const Row& r, int f) { return r.sample[f]; });
  std::printf("  crossover (SPDE cheaper from n =): setup %s, sample %s, loss %s\n",
              show(crossover(rows, [](const Row& r, int f) { return r.setup[f]; })).c_str(),
              show(sample_from).c_str(),
              show(crossover(rows, [](const Row& r, int f) { return r.loss[f]; })).c_str());
  std::printf("  crossover setup + 1000 samples: %s\n",
              show(crossover(rows, [](const Row& r, int f) {
                return r.setup[f] + 1000 * r.sample[f];
              })).c_str());
  // Not measured: projected from the largest n with Gram sampling ~ n^2 (dtrmm per field) and
  // SPDE sampling ~ n (a fixed number of CG iterations): n* = n (t_spde / t_gram).
  const Row& last = rows.back();
  if (sample_from == 0)
    std::printf("  sampling crossover projected from n = %ld (Gram ~ n^2, SPDE ~ n): n ~ %ld\n",
                last.n, long(double(last.n) * last.sample[1] / last.sample[0]));
}

} // namespace

void gram_vs_spde(const Comm& comm, const Config& cfg) {
  if (comm.is_root()) {
    std::printf("\n== gram_vs_spde: kernel Gram (Matern-3/2) vs SPDE (a = 2), l = 0.1, one "
                "process, %ld fields per batch; CPU time: setup s, then ms per field\n",
                fields);
    for (int dim = 1; dim <= cfg.get_int("gram_vs_spde.dims"); ++dim)
      table(dim, cfg.get_int("gram_vs_spde.max_points"));
  }
  quiet_barrier(comm);
}

} // namespace fieldgen::bench
