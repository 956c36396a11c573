// FuncDiff training and sampling at 1, 2 and 4 ranks: training 2K steps equals training K steps,
// checkpointing, resuming and training K more, bit for bit (parameters, Adam moments, EMA); a
// non-finite loss stops with a NumericError naming the step and leaves the last good checkpoint;
// sampled curves (plain and conditioned) are bitwise identical for any number of ranks.
#include <doctest/doctest.h>

#include "fieldgen/core/comm.hpp"
#include "fieldgen/data/mogp.hpp"
#include "fieldgen/data/sharding.hpp"
#include "fieldgen/funcdiff/sampler.hpp"
#include "fieldgen/funcdiff/trainer.hpp"
#include "fieldgen/gaussian/kernel_measure.hpp"
#include "fieldgen/io/field_file.hpp"
#include "fieldgen/nn/fno.hpp"

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

using namespace fieldgen;
using namespace fieldgen::funcdiff;

namespace {

const long points = 24, samples = 32, batch = 8, T = 50;

// File names carry the rank count: CTest may run the 1-, 2- and 4-rank tests side by side.
std::string name(const std::string& stem, const Comm& comm) {
  return cat("t_funcdiff_", stem, "_np", comm.size(), ".h5");
}

void remove_file(const Comm& comm, const std::string& path) {
  comm.barrier();
  if (comm.is_root())
    std::remove(path.c_str());
  comm.barrier();
}

void write_mogp(const std::string& path, const Comm& comm) {
  io::FieldMeta m = io::FieldMeta::on_unit_box(samples, {points});
  const data::Range r = data::block_range(samples, comm.rank(), comm.size());
  std::vector<double> f(size_t(r.count * points));
  data::generate_mogp(3, points, r.first, r.count, f.data(), nullptr);
  io::FieldFileWriter w(path, m, io::Dtype::Float64, {}, comm);
  w.write_fields(r.first, r.count, f.data());
  w.commit();
}

gaussian::KernelParams kernel() {
  gaussian::KernelParams p;
  p.type = gaussian::KernelType::Exponential;
  p.length_scale = 0.1;
  p.jitter = 1e-10;
  return p;
}

nn::FnoConfig small_fno() {
  nn::FnoConfig c;
  c.modes = {4};
  c.width = 8;
  c.depth = 2;
  c.projection = 16;
  c.max_t = T;
  return c;
}

// One training setup: model, measure, data, trainer.
struct Run {
  nn::Fno<double> fno{small_fno()};
  nn::Parameters<double> params;
  gaussian::KernelMeasure<double> measure{kernel(),
                                          gaussian::grid_coordinates(Grid::unit({points}))};
  Schedule schedule = Schedule::linear(T);
  data::Dataset data;
  std::unique_ptr<Trainer<double>> trainer;

  Run(const std::string& file, const Comm& comm, TrainOptions options, double lr = 1e-3)
      : data(file, comm, dataset_options()) {
    fno.reserve(params);
    params.allocate();
    options.seed = 9;
    options.log_every = 0;
    trainer = std::make_unique<Trainer<double>>(
        fno, params, measure, schedule, data,
        nn::LrSchedule::step_decay(lr, 1, 0.5, data.batches_per_epoch()), options, comm);
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

TEST_CASE("funcdiff trainer: 2K steps == K steps + checkpoint + resume K steps, bit for bit") {
  const Comm comm;
  const std::string file = name("data", comm), ckpt = name("ckpt", comm);
  write_mogp(file, comm);
  const long K = 5; // crosses an epoch boundary (4 batches per epoch) and a StepLR decay
  TrainOptions straight;
  straight.steps = 2 * K;
  straight.clip = 1.0;
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
  CHECK(bitwise_equal(copy(a.trainer->adam().first_moment()),
                      copy(c.trainer->adam().first_moment())));
  CHECK(bitwise_equal(copy(a.trainer->adam().second_moment()),
                      copy(c.trainer->adam().second_moment())));
  CHECK(bitwise_equal(copy(a.trainer->ema().values()), copy(c.trainer->ema().values())));
  CHECK(c.trainer->ema().updates() == a.trainer->ema().updates());
  // The K-step run really differs from the 2K-step one (the comparison is not vacuous).
  CHECK(!bitwise_equal(copy(a.params.values()), copy(b.params.values())));
  remove_file(comm, ckpt);
  remove_file(comm, file);
}

TEST_CASE("funcdiff trainer: a non-finite loss stops at its step, the checkpoint stays good") {
  const Comm comm;
  const std::string file = name("nan_data", comm), ckpt = name("nan_ckpt", comm);
  write_mogp(file, comm);
  TrainOptions o;
  o.steps = 20;
  o.checkpoint = ckpt;
  o.checkpoint_every = 1;
  Run r(file, comm, o, 1e200); // the first update moves every weight by ~1e200
  std::string message;
  try {
    r.trainer->run();
  } catch (const NumericError& e) {
    message = e.what();
    CHECK(e.scope() == ErrorScope::Collective);
  }
  REQUIRE(!message.empty());
  const long failed = r.trainer->step() + 1;
  CHECK(failed >= 2);
  CHECK(message.find(cat("at step ", failed)) != std::string::npos);
  // The checkpoint holds the state after the last good step and reads back.
  Run check(file, comm, o);
  check.trainer->resume(ckpt);
  CHECK(check.trainer->step() == failed - 1);
  CHECK(bitwise_equal(copy(check.params.values()), copy(r.params.values())));
  remove_file(comm, ckpt);
  remove_file(comm, file);
}

TEST_CASE("funcdiff sampler: samples are identical on any number of ranks") {
  const Comm comm;
  nn::Fno<double> fno(small_fno());
  nn::Parameters<double> params;
  fno.reserve(params);
  params.allocate();
  fno.init(params, CounterRng(2, purpose_id("init")));
  const Schedule schedule = Schedule::linear(T);
  const long n = 2 * points; // sampled at twice the training resolution
  const Grid grid = Grid::unit({n});
  gaussian::KernelMeasure<double> measure(kernel(), gaussian::grid_coordinates(grid));
  Sampler<double> sampler(fno, params, measure, schedule, 21);
  const Observations obs =
      match_to_grid(grid, {grid.coord(0, 3), grid.coord(0, 40)}, {1.0, -0.5}, "test");
  const long total = 7, chunk = 2;
  for (const Observations* o : {static_cast<const Observations*>(nullptr), &obs}) {
    std::vector<double> mine;
    const data::Range r = sampler.generate_sharded(total, chunk, comm, mine, o, 0);
    // Serial reference on every rank: the same chunks, one rank.
    std::vector<double> all;
    const data::Range whole = sample_range(total, chunk, 0, 1);
    REQUIRE(whole.count == total);
    for (long k = 0; k < total; k += chunk) {
      std::vector<double> part(size_t(std::min(chunk, total - k) * n));
      sampler.generate(std::uint64_t(k), std::min(chunk, total - k), part.data(), o, 0);
      all.insert(all.end(), part.begin(), part.end());
    }
    CHECK(bitwise_equal(mine, std::vector<double>(all.begin() + r.first * n,
                                                  all.begin() + (r.first + r.count) * n)));
    // Every sample is covered exactly once over the ranks.
    CHECK(comm.sum(r.count) == total);
  }
}
