// DSD rate-network training at 1, 2 and 4 ranks: training 2K steps equals training K steps,
// checkpointing, resuming and training K more, bit for bit (parameters, Adam moments, EMA), with
// class labels and class dropout; a non-finite loss stops with a NumericError naming the step and
// leaves the last good checkpoint; training on counts lowers the Poisson loss.
#include <doctest/doctest.h>

#include "fieldgen/core/comm.hpp"
#include "fieldgen/data/sharding.hpp"
#include "fieldgen/dsd/trainer.hpp"
#include "fieldgen/io/field_file.hpp"

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

using namespace fieldgen;
using namespace fieldgen::dsd;

namespace {

const long side = 8, samples = 32, batch = 8, classes = 3;

// File names carry the rank count: CTest may run the 1-, 2- and 4-rank tests side by side.
std::string name(const std::string& stem, const Comm& comm) {
  return cat("t_dsd_", stem, "_np", comm.size(), ".h5");
}

void remove_file(const Comm& comm, const std::string& path) {
  comm.barrier();
  if (comm.is_root())
    std::remove(path.c_str());
  comm.barrier();
}

// Sample g: counts 0..4 on an 8x8 no-flux lattice, heavier in a class-dependent quadrant, and its
// label g % classes.
std::vector<std::int32_t> counts_of(long g) {
  const CounterRng rng(12, purpose_id("test.dsd_counts"));
  const long label = g % classes;
  std::vector<std::int32_t> f(size_t(side * side));
  for (long q = 0; q < side * side; ++q) {
    const bool heavy = (q / side < side / 2) == (label == 0) && (q % side < side / 2);
    f[size_t(q)] =
        std::int32_t((heavy ? 5 : 2) * rng.uniform(std::uint64_t(g * side * side + q), 0));
  }
  return f;
}

void write_counts(const std::string& path, const Comm& comm) {
  io::FieldMeta m = io::FieldMeta::on_unit_box(samples, {side, side});
  m.kind = "counts";
  m.labels = true;
  const data::Range r = data::block_range(samples, comm.rank(), comm.size());
  std::vector<std::int32_t> f;
  std::vector<std::int64_t> labels;
  for (long g = r.first; g < r.first + r.count; ++g) {
    const auto c = counts_of(g);
    f.insert(f.end(), c.begin(), c.end());
    labels.push_back(g % classes);
  }
  io::FieldFileWriter w(path, m, io::Dtype::Int32, {}, comm);
  w.write_fields(r.first, r.count, f.data());
  w.write_labels(r.first, r.count, labels.data());
  w.commit();
}

nn::UFnoConfig small_net() {
  nn::UFnoConfig c;
  c.channels = 1;
  c.width = 4;
  c.levels = 2;
  c.modes = {2, 2};
  c.projection = 8;
  c.count_scale = 4;
  c.rate = 4;
  c.time_dim = 8;
  c.time_hidden = 8;
  c.time_channels = 4;
  c.classes = classes;
  c.class_channels = 2;
  return c;
}

// One training setup: lattice, model, data, trainer.
struct Run {
  Decomposition whole{Grid::unit({side, side}), MPI_COMM_SELF};
  nn::UFno<double> net{small_net(), whole};
  nn::Parameters<double> params;
  data::Dataset data;
  std::unique_ptr<Trainer<double>> trainer;

  // StepLR halving the rate every `decay_epochs` epochs.
  Run(const std::string& file, const Comm& comm, TrainOptions options, double lr = 1e-3,
      long decay_epochs = 1)
      : data(file, comm, dataset_options()) {
    net.reserve(params);
    params.allocate();
    options.seed = 9;
    options.class_dropout = 0.3;
    trainer = std::make_unique<Trainer<double>>(
        net, params, 4.0, TimeGrid::logit(20), data,
        nn::LrSchedule::step_decay(lr, decay_epochs, 0.5, data.batches_per_epoch()), options, comm);
  }
  static data::Dataset::Options dataset_options() {
    data::Dataset::Options o;
    o.batch = batch;
    o.seed = 4;
    return o;
  }
};

template <class V> std::vector<double> copy(const V& v) {
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), v);
  return std::vector<double>(h.data(), h.data() + h.size());
}

bool bitwise_equal(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

} // namespace

TEST_CASE("dsd trainer: 2K steps == K steps + checkpoint + resume K steps, bit for bit") {
  const Comm comm;
  const std::string file = name("data", comm), ckpt = name("ckpt", comm);
  write_counts(file, comm);
  const long K = 5; // crosses an epoch boundary (4 batches per epoch) and a StepLR decay
  TrainOptions straight;
  straight.steps = 2 * K;
  straight.clip = 1.0;
  straight.log_every = 0;
  Run a(file, comm, straight);
  const TrainReport ra = a.trainer->run();
  CHECK(ra.steps_done == 2 * K);
  CHECK(std::isfinite(ra.last_loss));

  TrainOptions first = straight;
  first.steps = K;
  first.checkpoint = ckpt;
  Run b(file, comm, first);
  b.trainer->run();
  Run c(file, comm, straight);
  c.trainer->resume(ckpt);
  CHECK(c.trainer->step() == K);
  CHECK(c.data.position() == b.data.position());
  const TrainReport rc = c.trainer->run();
  CHECK(rc.steps_done == K);
  CHECK(rc.last_loss == ra.last_loss);
  CHECK(bitwise_equal(copy(a.params.values()), copy(c.params.values())));
  CHECK(bitwise_equal(copy(a.trainer->ema().values()), copy(c.trainer->ema().values())));
  CHECK(c.trainer->ema().updates() == a.trainer->ema().updates());
  // The K-step run really differs from the 2K-step one (the comparison is not vacuous).
  CHECK(!bitwise_equal(copy(a.params.values()), copy(b.params.values())));
  remove_file(comm, ckpt);
  remove_file(comm, file);
}

TEST_CASE("dsd trainer: a non-finite loss stops at its step, the checkpoint stays good") {
  const Comm comm;
  const std::string file = name("nan_data", comm), ckpt = name("nan_ckpt", comm);
  write_counts(file, comm);
  TrainOptions o;
  o.steps = 3;
  o.log_every = 0;
  o.checkpoint = ckpt;
  o.checkpoint_every = 1;
  Run good(file, comm, o);
  good.trainer->run();
  // Resume the 3 good steps, poison one weight: step 4 must stop before any update or save.
  o.steps = 20;
  Run r(file, comm, o);
  r.trainer->resume(ckpt);
  {
    auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), r.params.values());
    h(h.size() / 2) = std::nan("");
    Kokkos::deep_copy(r.params.values(), h);
  }
  std::string message;
  try {
    r.trainer->run();
  } catch (const NumericError& e) {
    message = e.what();
    CHECK(e.scope() == ErrorScope::Collective);
  }
  REQUIRE(!message.empty());
  CHECK(r.trainer->step() == 3);
  CHECK(message.find("at step 4") != std::string::npos);
  Run check(file, comm, o);
  check.trainer->resume(ckpt);
  CHECK(check.trainer->step() == 3);
  CHECK(bitwise_equal(copy(check.params.values()), copy(good.params.values())));
  remove_file(comm, ckpt);
  remove_file(comm, file);
}

TEST_CASE("dsd trainer: training lowers the Poisson loss on a fixed evaluation batch") {
  const Comm comm;
  const std::string file = name("learn_data", comm);
  write_counts(file, comm);
  TrainOptions o;
  o.steps = 120;
  o.log_every = 0;
  Run r(file, comm, o, 3e-3, 1000);
  // Evaluation batch: samples 0..7 at fixed time indices and draws, their own labels.
  const TimeGrid times = TimeGrid::logit(20);
  const std::vector<int> ks = {1, 3, 5, 8, 10, 13, 16, 20};
  const long nb = long(ks.size()), n = side * side;
  CountView x0("x0", nb, 1, n), nt("nt", nb, 1, n);
  RateView<double> target("target", nb, 1, 4, n);
  Tensor3<double> counts("counts", nb, 1, n), grad("grad", nb, 4, n);
  Vector<double> t("t", nb);
  Kokkos::View<std::int32_t*, MemSpace> labels("labels", nb);
  std::vector<std::uint64_t> draws;
  std::vector<double> dt;
  {
    auto hx = Kokkos::create_mirror_view(x0);
    auto ht = Kokkos::create_mirror_view(t);
    auto hl = Kokkos::create_mirror_view(labels);
    for (long g = 0; g < nb; ++g) {
      const auto c = counts_of(g);
      std::copy(c.begin(), c.end(), &hx(g, 0, 0));
      ht(g) = times.t(ks[size_t(g)]);
      hl(g) = std::int32_t(g % classes);
      draws.push_back(std::uint64_t(1000 + g));
      dt.push_back(times.t(ks[size_t(g)]) - times.t(ks[size_t(g)] - 1));
    }
    Kokkos::deep_copy(x0, hx);
    Kokkos::deep_copy(t, ht);
    Kokkos::deep_copy(labels, hl);
  }
  ForwardSampler<double>(Grid::unit({side, side}), 4.0, times, 77)
      .sample(x0, ks, draws, nt, target);
  auto hn = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), nt);
  auto hc = Kokkos::create_mirror_view(counts);
  for (size_t i = 0; i < hc.size(); ++i)
    hc.data()[i] = hn.data()[i];
  Kokkos::deep_copy(counts, hc);
  RateLoss<double> loss(Grid::unit({side, side}), RateLossKind::Poisson);
  const auto evaluate = [&] {
    return loss.value_and_grad(nt, target, r.net.forward(r.params, counts, t, labels), dt, grad);
  };
  const double before = evaluate();
  r.trainer->run();
  const double after = evaluate();
  MESSAGE("Poisson loss on the evaluation batch: ", before, " before, ", after, " after 120 steps");
  CHECK(after < 0.8 * before); // measured 7.03 -> 5.20; the rest is the targets' own noise
  remove_file(comm, file);
}
