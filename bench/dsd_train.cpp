// Benchmark section "dsd_train": DSD training throughput for the rate networks of the case decks
// (float, Poisson loss, logit schedule T = 1000):
//   microstructure  input/microstructure_dsd.cfg: 64x64 periodic 0/1 fields at porosity 0.4,
//                   local-only U-Net width 16, 3 levels, r = 20, batch 8;
//   fashion         input/fashion_mnist_dsd.cfg: 28x28 no-flux counts 0..15, U-FNO width 16,
//                   2 levels, 8 modes, 10 classes, r = 100, batch 32;
// both with the log-ratio rate link.
// The step is the real dsd::Trainer's (data parallel over the ranks: each rank takes batch / P
// fields of every batch; reading, exact forward sampling to t_k with the reverse-rate targets,
// network forward, loss, backward, gradient all-reduce, Adam, EMA): median seconds per optimizer
// step over dsd_train.steps steps (after one untimed step) and samples/s = batch / that.
// Baseline, interleaved with the steps on every rank: the same network's forward + backward
// alone on this rank's share of the batch (random counts, the deck's time range), the part of a
// step no DSD-specific code can avoid; "net %" = its CPU time / the step's CPU time.
// Synthetic fields (their values do not change the cost much): the microstructure set is
// i.i.d. 0/1 sites at porosity 0.4, the Fashion-like set uniform counts 0..15 in the central
// 20x20 sites.
#include "common.hpp"
#include "sections.hpp"

#include "fieldgen/data/dataset.hpp"
#include "fieldgen/data/sharding.hpp"
#include "fieldgen/dsd/trainer.hpp"
#include "fieldgen/io/field_file.hpp"
#include "fieldgen/nn/ufno.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace fieldgen::bench {
namespace {

struct Deck {
  const char* name;
  long side;
  bool periodic;
  long batch, classes;
  double rate;
  nn::UFnoConfig model;
};

Deck microstructure() {
  Deck d{"microstructure", 64, true, 8, 0, 20.0, {}};
  d.model.width = 16;
  d.model.levels = 3;
  d.model.modes = {0, 0};
  d.model.projection = 32;
  d.model.count_scale = 1;
  d.model.rate = d.rate;
  d.model.link = nn::RateLink::LogRatio;
  d.model.time_channels = 8;
  d.model.time_hidden = 32;
  return d;
}

Deck fashion() {
  Deck d{"fashion", 28, false, 32, 10, 100.0, {}};
  d.model.width = 16;
  d.model.levels = 2;
  d.model.modes = {8, 8};
  d.model.projection = 32;
  d.model.count_scale = 15;
  d.model.rate = d.rate;
  d.model.link = nn::RateLink::LogRatio;
  d.model.time_channels = 8;
  d.model.time_hidden = 32;
  d.model.classes = 10;
  return d;
}

// A counts file of `fields` fields of the deck's lattice, written collectively.
void write_counts(const std::string& path, const Deck& d, long fields, const Comm& comm) {
  io::FieldMeta meta = io::FieldMeta::on_unit_box(fields, {d.side, d.side});
  meta.periodic.assign(2, d.periodic);
  meta.kind = "counts";
  meta.labels = d.classes > 0;
  const data::Range r = data::block_range(fields, comm.rank(), comm.size());
  const CounterRng rng(7, purpose_id("bench.dsd_train"));
  const long points = d.side * d.side;
  std::vector<std::int32_t> counts(size_t(r.count * points), 0);
  std::vector<std::int64_t> labels(size_t(r.count));
  for (long i = 0; i < r.count; ++i) {
    labels[size_t(i)] = (r.first + i) % std::max(1L, d.classes);
    for (long p = 0; p < points; ++p) {
      const double u = rng.uniform(std::uint64_t((r.first + i) * points + p), 0);
      const long x = p / d.side, y = p % d.side;
      const bool inside = x >= 4 && x < d.side - 4 && y >= 4 && y < d.side - 4;
      counts[size_t(i * points + p)] = d.periodic ? std::int32_t(u < 0.4)
                                       : inside   ? std::int32_t(u * 16)
                                                  : 0;
    }
  }
  io::FieldFileWriter writer(path, meta, io::Dtype::Int32, io::Provenance{}, comm);
  writer.write_fields(r.first, r.count, counts.data());
  if (meta.labels)
    writer.write_labels(r.first, r.count, labels.data());
  writer.commit();
}

struct Medians {
  std::vector<double> wall, cpu;
  void add(const Times& t) {
    wall.push_back(t.wall);
    cpu.push_back(t.cpu);
  }
  Times get() const { return {median(wall), median(cpu)}; }
};

void deck_row(const Comm& comm, const Config& cfg, const std::string& path, const Deck& d) {
  data::Dataset::Options dopt;
  dopt.batch = d.batch;
  dopt.seed = 1;
  dopt.expect.kind = "counts";
  data::Dataset data(path, comm, dopt);
  const Grid grid = data.meta().grid();
  const Decomposition whole(grid, MPI_COMM_SELF);
  nn::UFno<float> net(d.model, whole);
  nn::Parameters<float> params;
  net.reserve(params);
  params.allocate();
  const dsd::TimeGrid times = dsd::TimeGrid::logit(1000, 7.5, 2.5);
  const nn::LrSchedule lr = nn::LrSchedule::constant(1e-3);

  // The baseline's inputs: this rank's share of the batch, times spread over the schedule.
  const long nb = data.local_batch();
  Tensor3<float> counts("bench::dsd_train::counts", size_t(nb), 1, size_t(grid.size()));
  fill(counts, 3);
  Vector<float> t("bench::dsd_train::t", size_t(nb));
  Kokkos::View<std::int32_t*, MemSpace> labels("bench::dsd_train::labels", size_t(nb));
  {
    auto th = Kokkos::create_mirror_view(t);
    auto lh = Kokkos::create_mirror_view(labels);
    for (long b = 0; b < nb; ++b) {
      th(b) = float(times.t(1 + int((b * 997) % 1000)));
      lh(b) = std::int32_t(b % std::max(1L, d.classes));
    }
    Kokkos::deep_copy(t, th);
    Kokkos::deep_copy(labels, lh);
  }
  Tensor3<float> grad("bench::dsd_train::grad", size_t(nb), size_t(net.outputs()),
                      size_t(grid.size()));
  fill(grad, 4);
  const auto network = [&] {
    net.forward(params, counts, t, labels);
    net.backward(params, grad);
  };

  dsd::TrainOptions o;
  o.log_every = 0;
  o.steps = 1;
  o.class_dropout = d.classes > 0 ? 0.1 : 0.0;
  dsd::Trainer<float>(net, params, d.rate, times, data, lr, o, comm).run(); // warm-up
  network();
  Medians step, raw;
  for (long r = 0; r < cfg.get_int("dsd_train.steps"); ++r) {
    dsd::Trainer<float> trainer(net, params, d.rate, times, data, lr, o, comm);
    step.add(timed(comm, [&] { trainer.run(); }));
    raw.add(timed(comm, network));
  }
  const Times s = step.get(), n = raw.get();
  if (comm.is_root())
    std::printf("  %-14s %5ldx%-4ld %5ld %9ld %8.4f %8.4f %9.1f %8.4f %6.0f%%\n", d.name, d.side,
                d.side, d.batch, long(params.size()), s.wall, s.cpu, double(d.batch) / s.wall,
                n.cpu, 100 * n.cpu / s.cpu);
}

} // namespace

void dsd_train(const Comm& comm, const Config& cfg) {
  long pid = long(getpid());
  comm.broadcast(&pid, 1);
  const std::string base =
      (std::filesystem::temp_directory_path() / ("fieldgen_bench_dsd_train_" + std::to_string(pid)))
          .string();
  if (comm.is_root()) {
    std::printf("\n== dsd_train: DSD training steps of the case decks' rate networks (float, "
                "Poisson loss, T = 1000), %d rank(s), global batch; medians of %ld steps "
                "(slowest rank); net = the network's forward + backward alone on the rank's "
                "share (CPU s), net %% = net / step CPU time\n",
                comm.size(), cfg.get_int("dsd_train.steps"));
    std::printf("  %-14s %10s %5s %9s %8s %8s %9s %8s %7s\n", "deck", "lattice", "batch", "params",
                "s/step", "cpu s", "samples/s", "net cpu", "net %");
  }
  for (const Deck& d : {microstructure(), fashion()}) {
    const std::string path = base + "_" + d.name + ".h5";
    write_counts(path, d, 4 * d.batch, comm);
    deck_row(comm, cfg, path, d);
    comm.barrier();
    if (comm.is_root())
      std::filesystem::remove(path);
  }
}

} // namespace fieldgen::bench
