// FuncDiff with the GNO denoiser on scattered points at 1, 2 and 4 ranks: MoGP curves on one
// random point set (/coords), read back as that set; data-parallel GNO training equals a serial
// run of the same global batches (to rounding of the gradient average) and 2K steps equal K steps
// + checkpoint + resume K steps bit for bit; sampling on another point set (a regular grid) is
// bitwise identical for any number of ranks.
#include <doctest/doctest.h>

#include "fieldgen/core/comm.hpp"
#include "fieldgen/data/mogp.hpp"
#include "fieldgen/data/point_set.hpp"
#include "fieldgen/data/sharding.hpp"
#include "fieldgen/funcdiff/sampler.hpp"
#include "fieldgen/funcdiff/trainer.hpp"
#include "fieldgen/gaussian/kernel_measure.hpp"
#include "fieldgen/io/field_file.hpp"
#include "fieldgen/nn/gno.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

using namespace fieldgen;
using namespace fieldgen::funcdiff;

namespace {

const long points = 24, samples = 32, batch = 8, T = 50;

std::string name(const std::string& stem, const Comm& comm) {
  return cat("t_funcdiff_gno_", stem, "_np", comm.size(), ".h5");
}

void remove_file(const Comm& comm, const std::string& path) {
  comm.barrier();
  if (comm.is_root())
    std::remove(path.c_str());
  comm.barrier();
}

// MoGP curves on one random point set, stored in /coords of every sample.
void write_scattered_mogp(const std::string& path, const Comm& comm) {
  io::FieldMeta m = io::FieldMeta::on_unit_box(samples, {points});
  m.coords = true;
  const gaussian::Coordinates x = data::random_points(5, points, 1);
  const data::Range r = data::block_range(samples, comm.rank(), comm.size());
  std::vector<double> f(size_t(r.count * points));
  data::generate_mogp_at(3, std::vector<double>(x.data(), x.data() + points), r.first, r.count,
                         f.data(), nullptr);
  io::FieldFileWriter w(path, m, io::Dtype::Float64, {}, comm);
  w.write_fields(r.first, r.count, f.data());
  w.write_coords(r.first, r.count, data::repeat_points(x, r.count).data());
  w.commit();
}

Tensor2<double> device_points(const gaussian::Coordinates& c) {
  Tensor2<double> x("x", c.extent(0), c.extent(1));
  auto h = Kokkos::create_mirror_view(x);
  for (size_t i = 0; i < c.extent(0); ++i)
    for (size_t a = 0; a < c.extent(1); ++a)
      h(i, a) = c(i, a);
  Kokkos::deep_copy(x, h);
  return x;
}

gaussian::KernelParams kernel() {
  gaussian::KernelParams p;
  p.type = gaussian::KernelType::Exponential;
  p.length_scale = 0.1;
  p.jitter = 1e-10;
  return p;
}

nn::GnoConfig small_gno() {
  nn::GnoConfig c;
  c.width = 8;
  c.kernel_width = 16;
  c.depth = 2;
  c.radius = 0.3;
  c.max_t = T;
  return c;
}

// One training setup on the point set of the file: GNO, kernel measure, data, trainer.
struct Run {
  gaussian::Coordinates coords;
  nn::Gno<double> gno{small_gno()};
  nn::Parameters<double> params;
  std::unique_ptr<gaussian::KernelMeasure<double>> measure;
  Schedule schedule = Schedule::linear(T);
  data::Dataset data;
  std::unique_ptr<Trainer<double>> trainer;

  Run(const std::string& file, const Comm& comm, TrainOptions options)
      : coords(data::read_point_set(file, comm)), data(file, comm, dataset_options()) {
    gno.set_points(device_points(coords));
    measure = std::make_unique<gaussian::KernelMeasure<double>>(kernel(), coords);
    gno.reserve(params);
    params.allocate();
    options.seed = 9;
    options.log_every = 0;
    trainer = std::make_unique<Trainer<double>>(gno, params, *measure, schedule, data,
                                                nn::LrSchedule::constant(1e-3), options, comm);
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

TEST_CASE("funcdiff gno: the point set of a scattered field file reads back") {
  const Comm comm;
  const std::string file = name("points", comm);
  write_scattered_mogp(file, comm);
  const gaussian::Coordinates got = data::read_point_set(file, comm);
  const gaussian::Coordinates want = data::random_points(5, points, 1);
  REQUIRE(got.extent(0) == size_t(points));
  for (long i = 0; i < points; ++i)
    CHECK(got(i, 0) == want(i, 0));
  remove_file(comm, file);
}

TEST_CASE("funcdiff gno trainer: ranks agree with a serial run; resume is bit for bit") {
  const Comm comm;
  const std::string file = name("data", comm), ckpt = name("ckpt", comm);
  write_scattered_mogp(file, comm);
  const long K = 3;
  TrainOptions straight;
  straight.steps = 2 * K;
  Run a(file, comm, straight);
  const TrainReport ra = a.trainer->run();
  CHECK(ra.steps_done == 2 * K);
  CHECK(std::isfinite(ra.last_loss));
  CHECK(a.gno.edges() > points); // a real graph: more than the self-edges

  // The same global batches on one rank (every rank runs it on its own).
  const Comm self(MPI_COMM_SELF);
  Run serial(file, self, straight);
  serial.trainer->run();
  const std::vector<double> pa = copy(a.params.values()), ps = copy(serial.params.values());
  REQUIRE(pa.size() == ps.size());
  double worst = 0;
  for (size_t i = 0; i < pa.size(); ++i)
    worst = std::max(worst, std::abs(pa[i] - ps[i]));
  CHECK(worst < 1e-10); // Adam steps of 1e-3: rounding of the rank average stays far below

  TrainOptions first = straight;
  first.steps = K;
  first.checkpoint = ckpt;
  Run b(file, comm, first);
  b.trainer->run();
  Run c(file, comm, straight);
  c.trainer->resume(ckpt);
  CHECK(c.trainer->step() == K);
  c.trainer->run();
  CHECK(bitwise_equal(pa, copy(c.params.values())));
  CHECK(bitwise_equal(copy(a.trainer->ema().values()), copy(c.trainer->ema().values())));
  CHECK(!bitwise_equal(pa, copy(b.params.values())));
  remove_file(comm, ckpt);
  remove_file(comm, file);
}

TEST_CASE("funcdiff gno sampler: another point set, identical on any number of ranks") {
  const Comm comm;
  nn::Gno<double> gno(small_gno());
  nn::Parameters<double> params;
  gno.reserve(params);
  params.allocate();
  gno.init(params, CounterRng(2, purpose_id("init")));
  const Schedule schedule = Schedule::linear(T);
  const long n = 40; // a regular grid, not the training point set
  const gaussian::Coordinates coords = gaussian::grid_coordinates(Grid::unit({n}));
  gno.set_points(device_points(coords));
  gaussian::KernelMeasure<double> measure(kernel(), coords);
  Sampler<double> sampler(gno, params, measure, schedule, 21);
  const long total = 5, chunk = 2;
  std::vector<double> mine;
  const data::Range r = sampler.generate_sharded(total, chunk, comm, mine);
  std::vector<double> all;
  for (long k = 0; k < total; k += chunk) {
    std::vector<double> part(size_t(std::min(chunk, total - k) * n));
    sampler.generate(std::uint64_t(k), std::min(chunk, total - k), part.data());
    all.insert(all.end(), part.begin(), part.end());
  }
  CHECK(bitwise_equal(
      mine, std::vector<double>(all.begin() + r.first * n, all.begin() + (r.first + r.count) * n)));
  for (double v : mine)
    CHECK(std::isfinite(v));
  CHECK(comm.sum(r.count) == total);
}
