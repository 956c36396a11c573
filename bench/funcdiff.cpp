// Benchmark section "funcdiff": FuncDiff training and sampling throughput for the models of the
// MoGP deck (input/mogp.cfg: 64 points, FNO width 64, projection 128, exponential-kernel noise,
// batch 64, sampling batch 50) and the AEMET deck (input/aemet.cfg: 365 points, width 32,
// projection 64, Matern-3/2 noise, batch 32, sampling batch 37); both 16 modes, 4 Fourier layers,
// time as a channel, l = 0.1, T = 1000 linear; float and double. The curves are MoGP curves
// (the cost does not depend on the values).
//   train: the real funcdiff::Trainer on MoGP curves in a temporary field file (data-parallel
//     over the ranks: each rank takes batch / P curves of every batch; the step includes reading
//     the batch, noising, forward, loss, backward, gradient all-reduce, Adam and EMA): the median
//     seconds of one optimizer step over funcdiff.train_steps steps (after
//     funcdiff.warmup_steps) and samples/s = batch / that.
//   sample: the real funcdiff::Sampler, funcdiff.sample_curves (default: the deck's
//     sample.batch) curves per rank in one batch, chains of funcdiff.sample_steps reverse steps
//     (funcdiff.sample_rounds of them; median): seconds per reverse step and curves/s for the
//     deck's T = 1000 chain (all ranks together).
// Baseline, measured interleaved with them (one raw step after each step, one raw chain after
// each chain) on every rank at once: the raw cblas GEMMs of exactly the FNO's shapes for this
// rank's batch (lift, per Fourier layer the spectral analysis, mixing and synthesis GEMMs of
// bench/common.hpp and the pointwise GEMM, projection; forward + backward for a train step,
// forward for a reverse step) plus the noise measure's dense BLAS (dtrmm to draw the noise,
// dpotrs for the loss gradient in training; dtrmm per reverse step). "raw %" is raw / fieldgen
// CPU time (common.hpp; wall time on a shared machine mostly measures the load): the share of a
// step the irreducible GEMMs would take on their own. Times are the slowest rank's; a 1-rank CPU
// time per step is the one-core cost of the step.
#include "common.hpp"
#include "sections.hpp"

#include "fieldgen/core/timer.hpp"
#include "fieldgen/data/dataset.hpp"
#include "fieldgen/data/mogp.hpp"
#include "fieldgen/data/sharding.hpp"
#include "fieldgen/funcdiff/sampler.hpp"
#include "fieldgen/funcdiff/trainer.hpp"
#include "fieldgen/gaussian/dense.hpp"
#include "fieldgen/gaussian/kernel_measure.hpp"
#include "fieldgen/io/field_file.hpp"
#include "fieldgen/nn/fno.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace fieldgen::bench {
namespace {

constexpr long schedule_steps = 1000; // T of both decks

// The settings of a deck that set the cost of a step (16 modes, depth 4, time as a channel,
// unit variance, l = 0.1 and jitter 1e-10 in both).
struct Deck {
  const char* name;
  long points, width, projection;
  gaussian::KernelType kernel;
  long batch, sample_batch; // train.batch, sample.batch
};
// input/mogp.cfg and input/aemet.cfg.
constexpr Deck decks[] = {
    {"mogp", 64, 64, 128, gaussian::KernelType::Exponential, 64, 50},
    {"aemet", 365, 32, 64, gaussian::KernelType::Matern32, 32, 37},
};

nn::FnoConfig deck_model(const Deck& d) {
  nn::FnoConfig c;
  c.modes = {16};
  c.width = d.width;
  c.depth = 4;
  c.projection = d.projection;
  c.time = nn::TimeInput::Channel;
  c.max_t = double(schedule_steps);
  return c;
}

gaussian::KernelParams deck_kernel(const Deck& d) {
  gaussian::KernelParams k;
  k.type = d.kernel;
  k.variance = 1;
  k.length_scale = 0.1;
  k.jitter = 1e-10;
  return k;
}

// The raw GEMMs of one FNO pass for b curves of n points (see the file comment), on buffers
// whose values do not matter (the shapes do), and the dense BLAS of the kernel noise measure
// with the Cholesky factor of the deck's covariance on the same points.
template <class Real> class RawFno {
public:
  RawFno(const nn::FnoConfig& c, const gaussian::KernelParams& k, long cin, long b, long n)
      : b_(b), n_(n), w_(c.width), p_(c.projection), cin_(cin), depth_(c.depth),
        spectral_({n}, c.modes, b, c.width), x_(size_t(b * cin * n), Real(0.1)),
        h_(size_t(b * w_ * n), Real(0.1)), y_(h_), gh_(h_), q_(size_t(b * p_ * n), Real(0.1)),
        gq_(q_), o_(size_t(b * n), Real(0.1)), go_(o_), w_lift_(size_t(w_ * cin), Real(0.01)),
        w_point_(size_t(w_ * w_), Real(0.01)), w_p1_(size_t(p_ * w_), Real(0.01)),
        w_p2_(size_t(p_), Real(0.01)), g_lift_(w_lift_), g_point_(w_point_), g_p1_(w_p1_),
        g_p2_(w_p2_), factor_(n, n), columns_(n, b) {
    const gaussian::Coordinates x = gaussian::grid_coordinates(Grid::unit({n}));
    for (long j = 0; j < n; ++j)
      for (long i = 0; i < n; ++i)
        factor_(i, j) =
            gaussian::kernel_value(k, std::fabs(x(i, 0) - x(j, 0))) + (i == j ? k.jitter : 0.0);
    gaussian::cholesky_lower(factor_);
    for (long i = 0; i < n * b; ++i)
      columns_.a[size_t(i)] = 1.0 / double(1 + i % n);
  }

  void forward() {
    each(N, N, w_, n_, cin_, w_lift_.data(), cin_, x_.data(), cin_ * n_, h_.data(), 0);
    for (int l = 0; l < depth_; ++l) {
      spectral_.analyse(h_.data(), spectral_.coeff.data());
      spectral_.mix(N, N);
      spectral_.synthesise(spectral_.mixed.data(), y_.data());
      each(N, N, w_, n_, w_, w_point_.data(), w_, h_.data(), w_ * n_, y_.data(), 1);
    }
    each(N, N, p_, n_, w_, w_p1_.data(), w_, h_.data(), w_ * n_, q_.data(), 0);
    each(N, N, 1, n_, p_, w_p2_.data(), p_, q_.data(), p_ * n_, o_.data(), 0);
  }

  void backward() {
    weight_grad(1, p_, go_.data(), n_, q_.data(), p_ * n_, g_p2_.data());
    each(T, N, p_, n_, 1, w_p2_.data(), p_, go_.data(), n_, gq_.data(), 0);
    weight_grad(p_, w_, gq_.data(), p_ * n_, h_.data(), w_ * n_, g_p1_.data());
    each(T, N, w_, n_, p_, w_p1_.data(), w_, gq_.data(), p_ * n_, gh_.data(), 0);
    for (int l = 0; l < depth_; ++l) {
      weight_grad(w_, w_, gh_.data(), w_ * n_, h_.data(), w_ * n_, g_point_.data());
      each(T, N, w_, n_, w_, w_point_.data(), w_, gh_.data(), w_ * n_, y_.data(), 0);
      spectral_.analyse(gh_.data(), spectral_.coeff2.data());
      spectral_.mix(T, N);
      spectral_.mix(N, T);
      spectral_.synthesise(spectral_.mixed.data(), y_.data());
    }
    weight_grad(w_, cin_, gh_.data(), w_ * n_, x_.data(), cin_ * n_, g_lift_.data());
  }

  // Noise draw (u = L z for the batch) and loss gradient (S^{-1} d by dpotrs).
  void noise() { gaussian::lower_multiply(factor_, columns_); }
  void loss_gradient() { gaussian::cholesky_solve(factor_, columns_); }

  void train_step() {
    noise();
    forward();
    loss_gradient();
    backward();
  }
  void reverse_step() {
    forward();
    noise();
  }

private:
  // Per curve: C_i = op(A) B_i (+ C_i), A shared (weights), B_i and C_i strided per curve.
  void each(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, long m, long n, long k, const Real* a, long lda,
            const Real* b, long b_stride, Real* c, int beta) {
    for (long i = 0; i < b_; ++i)
      raw(ta, tb, m, n, k, Real(1), a, lda, b + i * b_stride, n, Real(beta), c + i * m * n, n);
  }
  // Weight gradient accumulated over the curves: G += sum_i G_out,i X_i^T.
  void weight_grad(long m, long k, const Real* g, long g_stride, const Real* x, long x_stride,
                   Real* gw) {
    for (long i = 0; i < b_; ++i)
      raw(N, T, m, k, n_, Real(1), g + i * g_stride, n_, x + i * x_stride, n_, Real(1), gw, k);
  }

  long b_, n_, w_, p_, cin_;
  int depth_;
  RawSpectral<Real> spectral_;
  std::vector<Real> x_, h_, y_, gh_, q_, gq_, o_, go_, w_lift_, w_point_, w_p1_, w_p2_, g_lift_,
      g_point_, g_p1_, g_p2_;
  gaussian::DenseMatrix factor_, columns_;
};

// A MoGP training file of `curves` curves on n points, written collectively.
void write_curves(const std::string& path, long curves, long n, const Comm& comm) {
  io::FieldMeta meta = io::FieldMeta::on_unit_box(curves, {n});
  const data::Range r = data::block_range(curves, comm.rank(), comm.size());
  std::vector<double> values(size_t(r.count * n));
  data::generate_mogp(1, n, r.first, r.count, values.data(), nullptr);
  io::FieldFileWriter writer(path, meta, io::Dtype::Float32, io::Provenance{}, comm);
  writer.write_fields(r.first, r.count, values.data());
  writer.commit();
}

// Per-step medians of rounds of `steps` steps each: wall and CPU seconds.
struct Medians {
  std::vector<double> wall, cpu;
  void add(const Times& t, long steps) {
    wall.push_back(t.wall / double(steps));
    cpu.push_back(t.cpu / double(steps));
  }
  Times get() const { return {median(wall), median(cpu)}; }
};

// One table row (see the header printed by funcdiff()).
template <class Real>
void print_row(const Comm& comm, const Deck& d, const Times& train, const Times& train_raw,
               const Times& reverse, const Times& reverse_raw, long curves) {
  const double all_curves = double(curves * comm.size());
  if (comm.is_root())
    std::printf("  %-5s %4ld %-6s %5ld %8.4f %8.4f %9.0f %8.4f %6.0f%%  %5ld %9.5f %9.2f %9.5f "
                "%6.0f%%\n",
                d.name, d.points, precision<Real>(), d.batch, train.wall, train.cpu,
                double(d.batch) / train.wall, train_raw.cpu, 100 * train_raw.cpu / train.cpu,
                curves, reverse.wall, all_curves / (reverse.wall * double(schedule_steps)),
                reverse_raw.cpu, 100 * reverse_raw.cpu / reverse.cpu);
}

template <class Real>
void model_row(const Comm& comm, const Config& cfg, const std::string& path, const Deck& d) {
  data::Dataset::Options dopt;
  dopt.batch = d.batch;
  dopt.seed = 1;
  data::Dataset data(path, comm, dopt);
  const Grid grid = data.meta().grid();
  const long n = grid.size();
  const gaussian::KernelMeasure<Real> measure(deck_kernel(d), gaussian::grid_coordinates(grid));
  const funcdiff::Schedule schedule = funcdiff::Schedule::linear(schedule_steps);
  nn::Fno<Real> fno(deck_model(d));
  nn::Parameters<Real> params;
  fno.reserve(params);
  params.allocate();
  const nn::LrSchedule lr = nn::LrSchedule::constant(1e-3);

  // Training: warm-up steps (first-touch allocations, bases) with one trainer, then rounds of
  // one step with a fresh trainer on the same model (its constructor, not timed, re-initialises
  // the weights and optimizer) interleaved with the raw step, so that both see the same load.
  RawFno<Real> raw_train(deck_model(d), deck_kernel(d), fno.input_channels(), data.local_batch(),
                         n);
  funcdiff::TrainOptions o;
  o.log_every = 0;
  o.steps = cfg.get_int("funcdiff.warmup_steps");
  funcdiff::Trainer<Real>(fno, params, measure, schedule, data, lr, o, comm).run();
  raw_train.train_step();
  o.steps = 1;
  Medians train, train_raw;
  for (long r = 0; r < cfg.get_int("funcdiff.train_steps"); ++r) {
    funcdiff::Trainer<Real> trainer(fno, params, measure, schedule, data, lr, o, comm);
    train.add(timed(comm, [&] { trainer.run(); }), 1);
    train_raw.add(timed(comm, [&] { raw_train.train_step(); }), 1);
  }

  // Sampling: this rank's curves (global indices rank * curves, ...) in one batch over a chain
  // of `steps` reverse steps, interleaved with as many raw reverse steps.
  const long curves = cfg.get_int("funcdiff.sample_curves") > 0
                          ? cfg.get_int("funcdiff.sample_curves")
                          : d.sample_batch;
  const long steps = cfg.get_int("funcdiff.sample_steps");
  const funcdiff::Schedule chain = funcdiff::Schedule::linear(steps);
  funcdiff::Sampler<Real> sampler(fno, params, measure, chain, 2);
  RawFno<Real> raw_sample(deck_model(d), deck_kernel(d), fno.input_channels(), curves, n);
  std::vector<Real> out(size_t(curves * n));
  Medians reverse, reverse_raw;
  for (long r = 0; r < cfg.get_int("funcdiff.sample_rounds"); ++r) {
    reverse.add(
        timed(comm,
              [&] { sampler.generate(std::uint64_t(comm.rank() * curves), curves, out.data()); }),
        steps);
    reverse_raw.add(timed(comm,
                          [&] {
                            for (long k = 0; k < steps; ++k)
                              raw_sample.reverse_step();
                          }),
                    steps);
  }
  print_row<Real>(comm, d, train.get(), train_raw.get(), reverse.get(), reverse_raw.get(), curves);
}

} // namespace

void funcdiff(const Comm& comm, const Config& cfg) {
  long pid = long(getpid());
  comm.broadcast(&pid, 1);
  const std::string base =
      (std::filesystem::temp_directory_path() / ("fieldgen_bench_funcdiff_" + std::to_string(pid)))
          .string();
  if (comm.is_root()) {
    std::printf("\n== funcdiff: the FNO and noise of input/mogp.cfg (width 64, projection 128, "
                "exponential kernel) and input/aemet.cfg (width 32, projection 64, Matern-3/2); "
                "16 modes, depth 4, T = %ld; %d rank(s); global train batch, sampling curves "
                "per rank over chains of %ld reverse steps\n",
                schedule_steps, comm.size(), cfg.get_int("funcdiff.sample_steps"));
    std::printf("   medians of %ld train steps and %ld chains (slowest rank); wall and CPU "
                "seconds; raw = the model's GEMMs + the measure's BLAS (CPU s), raw %% = raw / "
                "fieldgen CPU time; curves/s for T = %ld\n",
                cfg.get_int("funcdiff.train_steps"), cfg.get_int("funcdiff.sample_rounds"),
                schedule_steps);
    std::printf("  %-5s %4s %-6s %5s %8s %8s %9s %8s %7s  %5s %9s %9s %9s %7s\n", "deck", "n", "",
                "batch", "s/step", "cpu s", "samples/s", "raw cpu", "raw %", "curvs", "s/revstep",
                "curves/s", "raw cpu", "raw %");
  }
  for (const Deck& d : decks) {
    const std::string path = base + "_" + d.name + ".h5";
    write_curves(path, 4 * d.batch, d.points, comm);
    model_row<float>(comm, cfg, path, d);
    model_row<double>(comm, cfg, path, d);
    comm.barrier();
    if (comm.is_root())
      std::filesystem::remove(path);
  }
}

} // namespace fieldgen::bench
