// The DSD rate network and its losses: finite-difference gradient checks (double) of the whole
// U-shaped FNO (count input, time and class embeddings, every level's spectral, local and
// pointwise weights, the optional per-block embedding bias, softplus output) in 1-D and 2-D, the
// local-only U-Net (modes 0) in 2-D and 3-D, its shift equivariance on a periodic lattice; the
// Poisson and L1 rate losses' gradients, the Poisson loss's minimum at n rho = R, skipped no-flux
// directions and the check of targets at empty sites.
#include <doctest/doctest.h>

#include "test_views.hpp"

#include "gradient_check.hpp"

#include "fieldgen/dsd/loss.hpp"
#include "fieldgen/nn/ufno.hpp"

#include <cmath>

using namespace fieldgen;
using namespace fieldgen::nn;
using fieldgen::testing::check_gradients;
using fieldgen::testing::fill_normal;
using fieldgen::testing::host;

namespace {

using Labels = Kokkos::View<std::int32_t*, MemSpace>;

Labels labels_of(const std::vector<int>& l) {
  Labels v("labels", l.size());
  auto h = Kokkos::create_mirror_view(v);
  for (size_t i = 0; i < l.size(); ++i)
    h(i) = l[i];
  Kokkos::deep_copy(v, h);
  return v;
}

Vector<double> times_of(const std::vector<double>& t) {
  Vector<double> v("t", t.size());
  auto h = Kokkos::create_mirror_view(v);
  for (size_t i = 0; i < t.size(); ++i)
    h(i) = t[i];
  Kokkos::deep_copy(v, h);
  return v;
}

UFnoConfig small_config(std::vector<long> modes, long classes) {
  UFnoConfig c;
  c.channels = 2;
  c.width = 3;
  c.width_mult = 2;
  c.levels = 2;
  c.modes = std::move(modes);
  c.projection = 4;
  c.count_scale = 3;
  c.rate = 1.5;
  c.time_dim = 4;
  c.time_hidden = 5;
  c.time_channels = 2;
  c.classes = classes;
  c.class_channels = 2;
  return c;
}

Grid grid_of(std::vector<long> shape, std::vector<bool> periodic) {
  const size_t d = shape.size();
  return Grid(shape, std::vector<double>(d, 0.0), std::vector<double>(d, 1.0), periodic);
}

void check_network(const std::string& name, const Grid& grid, const UFnoConfig& config,
                   const std::vector<int>& labels) {
  const Decomposition dec(grid, MPI_COMM_SELF);
  UFno<double> net(config, dec);
  Parameters<double> p;
  net.reserve(p);
  p.allocate();
  net.init(p, CounterRng(3, purpose_id("test.init")));
  const long batch = long(labels.size());
  Tensor3<double> counts("counts", batch, config.channels, grid.size());
  fill_normal(counts, 5, 2.0);
  const Vector<double> t = times_of({0.3, 0.02, 0.9}); // batch <= 3
  const Vector<double> tb = Kokkos::subview(t, Kokkos::make_pair(0L, batch));
  const Labels l = labels_of(labels);
  const auto e = check_gradients(
      name, p, counts, [&] { return net.forward(p, counts, tb, l); },
      [&](const Tensor3<double>& g) { return net.backward(p, g); }, 7, 1e-4);
  CHECK(e.input < 1e-6);
  CHECK(e.params < 1e-6);
}

} // namespace

TEST_CASE("dsd net: U-FNO gradients (2-D, classes, mixed boundaries)") {
  check_network("ufno 2-D 8x8 classes", grid_of({8, 8}, {false, true}), small_config({2, 2}, 3),
                {1, 3}); // label 3 = unconditional
}

TEST_CASE("dsd net: U-FNO gradients (1-D, no classes, one level)") {
  UFnoConfig c = small_config({3}, 0);
  c.levels = 1;
  c.channels = 1;
  check_network("ufno 1-D 12 points", grid_of({12}, {false}), c, {0, 0, 0});
}

TEST_CASE("dsd net: U-FNO gradients with the log-ratio rate link") {
  UFnoConfig c = small_config({2, 2}, 3);
  c.link = RateLink::LogRatio;
  check_network("ufno 2-D log-ratio link", grid_of({8, 8}, {true, false}), c, {0, 3});
}

TEST_CASE("dsd net: U-FNO gradients with the embeddings in every block") {
  UFnoConfig c = small_config({2, 2}, 3);
  c.block_embedding = true;
  c.link = RateLink::LogRatio;
  check_network("ufno 2-D block embedding", grid_of({8, 8}, {false, true}), c, {2, 3});
  c.classes = 0; // time embedding only
  check_network("ufno 2-D block time embedding", grid_of({8, 8}, {true, true}), c, {0, 0});
}

TEST_CASE("dsd net: local-only U-Net gradients (modes 0; 2-D and 3-D)") {
  UFnoConfig c = small_config({0, 0}, 3);
  check_network("u-net 2-D 8x8", grid_of({8, 8}, {true, false}), c, {0, 3});
  c.modes = {0, 0, 0};
  c.levels = 1;
  check_network("u-net 3-D 4x4x6", grid_of({4, 4, 6}, {true, false, true}), c, {2});
  c.modes = {0, 2, 0};
  CHECK_THROWS_AS(
      UFno<double>(c, Decomposition(grid_of({4, 4, 4}, {true, true, true}), MPI_COMM_SELF)),
      UsageError); // a 3-D spectral part, and mixed zero / non-zero modes
}

TEST_CASE("dsd net: U-FNO layout, positivity, parameters independent of the lattice") {
  const UFnoConfig c = small_config({2, 2}, 3);
  const Decomposition small(grid_of({8, 8}, {true, true}), MPI_COMM_SELF);
  const Decomposition large(grid_of({16, 32}, {true, true}), MPI_COMM_SELF);
  UFno<double> a(c, small), b(c, large);
  Parameters<double> pa, pb;
  a.reserve(pa);
  b.reserve(pb);
  REQUIRE(pa.size() == pb.size());
  for (size_t i = 0; i < pa.blocks().size(); ++i) {
    CHECK(pa.blocks()[i].name == pb.blocks()[i].name);
    CHECK(pa.blocks()[i].size == pb.blocks()[i].size);
  }
  CHECK(a.outputs() == 2 * 4);
  CHECK(a.level_width(2) == 12);
  CHECK(a.level_modes(2) == std::vector<long>{1, 1});
  const Decomposition odd(grid_of({10, 8}, {true, true}), MPI_COMM_SELF);
  CHECK_THROWS_AS(UFno<double>(c, odd), UsageError); // 10 is not divisible by 2^levels = 4
}

TEST_CASE("dsd net: U-FNO is equivariant to shifts by 2^levels on a periodic lattice") {
  const UFnoConfig c = small_config({2, 2}, 3);
  const Grid grid = grid_of({8, 16}, {true, true});
  const Decomposition dec(grid, MPI_COMM_SELF);
  UFno<double> net(c, dec);
  Parameters<double> p;
  net.reserve(p);
  p.allocate();
  net.init(p, CounterRng(4, purpose_id("test.init")));
  Tensor3<double> x("x", 1, 2, 128), xs("xs", 1, 2, 128);
  fill_normal(x, 8);
  const long s0 = 4, s1 = 8; // shift (4, 8): multiples of 2^levels
  {
    auto hx = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), x);
    auto hs = Kokkos::create_mirror_view(xs);
    for (long ch = 0; ch < 2; ++ch)
      for (long i = 0; i < 8; ++i)
        for (long j = 0; j < 16; ++j)
          hs(0, ch, ((i + s0) % 8) * 16 + (j + s1) % 16) = hx(0, ch, i * 16 + j);
    Kokkos::deep_copy(xs, hs);
  }
  const Vector<double> t = times_of({0.4});
  const Labels l = labels_of({2});
  const std::vector<double> y = host(net.forward(p, x, t, l));
  const std::vector<double> ys = host(net.forward(p, xs, t, l));
  double err = 0;
  for (long k = 0; k < 8; ++k)
    for (long i = 0; i < 8; ++i)
      for (long j = 0; j < 16; ++j)
        err = std::max(err, std::abs(ys[size_t(k * 128 + ((i + s0) % 8) * 16 + (j + s1) % 16)] -
                                     y[size_t(k * 128 + i * 16 + j)]));
  CHECK(err < 1e-12);
  for (double v : y)
    CHECK(v > 0);
}

namespace {

// A small loss problem on a 4x5 lattice (axis 0 no-flux, axis 1 periodic), 2 items, 2 channels:
// counts in 0..3 (about a quarter empty), targets > 0 exactly where there are units (0 across
// the no-flux edges), rates > 0.
struct LossProblem {
  Grid grid = grid_of({4, 5}, {false, true});
  dsd::CountView n{"n", 2, 2, 20};
  dsd::RateView<double> target{"target", 2, 2, 4, 20};
  Tensor3<double> rho{"rho", 2, 8, 20}, grad{"grad", 2, 8, 20};
  std::vector<double> dt{0.25, 0.0625};

  LossProblem() {
    const CounterRng rng(6, purpose_id("test.loss"));
    auto hn = Kokkos::create_mirror_view(n);
    auto ht = Kokkos::create_mirror_view(target);
    auto hr = Kokkos::create_mirror_view(rho);
    for (size_t i = 0; i < hn.size(); ++i)
      hn.data()[i] = int(4 * rng.uniform(i, 0));
    for (long b = 0; b < 2; ++b)
      for (long c = 0; c < 2; ++c)
        for (long v = 0; v < 4; ++v)
          for (long q = 0; q < 20; ++q) {
            const long x0 = q / 5;
            const bool open = v >= 2 || (v == 0 ? x0 > 0 : x0 < 3);
            const size_t i = size_t(((b * 2 + c) * 4 + v) * 20 + q);
            ht(b, c, v, q) = hn(b, c, q) > 0 && open ? 3 * rng.uniform(i, 1) + 0.1 : 0.0;
            hr(b, c * 4 + v, q) = 2 * rng.uniform(i, 2) + 0.05;
          }
    Kokkos::deep_copy(n, hn);
    Kokkos::deep_copy(target, ht);
    Kokkos::deep_copy(rho, hr);
  }
};

} // namespace

TEST_CASE("dsd loss: Poisson and L1 gradients match finite differences") {
  for (dsd::RateLossKind kind : {dsd::RateLossKind::Poisson, dsd::RateLossKind::L1}) {
    LossProblem lp;
    dsd::RateLoss<double> loss(lp.grid, kind);
    Tensor3<double> scratch("scratch", 2, 8, 20);
    const double value = loss.value_and_grad(lp.n, lp.target, lp.rho, lp.dt, lp.grad);
    CHECK(value > 0);
    const std::vector<double> analytic = host(lp.grad);
    const std::vector<double> numeric = fieldgen::testing::detail::numeric_gradient(
        lp.rho, [&] { return loss.value_and_grad(lp.n, lp.target, lp.rho, lp.dt, scratch); }, 1e-6);
    const double err = fieldgen::testing::detail::relative_error(analytic, numeric);
    MESSAGE(dsd::rate_loss_name(kind), " loss gradient relative error ", err);
    CHECK(err < 1e-7);
  }
}

TEST_CASE("dsd loss: Poisson loss is minimised (0, zero gradient) at n rho = R") {
  LossProblem lp;
  dsd::RateLoss<double> loss(lp.grid, dsd::RateLossKind::Poisson);
  auto hn = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), lp.n);
  auto ht = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), lp.target);
  auto hr = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), lp.rho);
  // rho = R / n wherever a unit can move; arbitrary elsewhere (ignored by the loss).
  for (long b = 0; b < 2; ++b)
    for (long c = 0; c < 2; ++c)
      for (long v = 0; v < 4; ++v)
        for (long q = 0; q < 20; ++q)
          if (hn(b, c, q) > 0 && ht(b, c, v, q) > 0)
            hr(b, c * 4 + v, q) = ht(b, c, v, q) / hn(b, c, q);
  Kokkos::deep_copy(lp.rho, hr);
  const double at_optimum = loss.value_and_grad(lp.n, lp.target, lp.rho, lp.dt, lp.grad);
  CHECK(std::abs(at_optimum) < 1e-13);
  for (double g : host(lp.grad))
    CHECK(std::abs(g) < 1e-13);
  // Any perturbation of the rates raises the loss.
  const CounterRng rng(8, purpose_id("test.perturb"));
  for (int trial = 0; trial < 5; ++trial) {
    auto hp = Kokkos::create_mirror_view(lp.rho);
    for (size_t i = 0; i < hp.size(); ++i)
      hp.data()[i] = hr.data()[i] * (1 + 0.2 * (rng.uniform(i, std::uint32_t(trial)) - 0.5));
    Kokkos::deep_copy(lp.rho, hp);
    CHECK(loss.value_and_grad(lp.n, lp.target, lp.rho, lp.dt, lp.grad) > at_optimum + 1e-6);
  }
}

TEST_CASE("dsd loss: empty sites and no-flux directions contribute nothing") {
  LossProblem lp;
  dsd::RateLoss<double> loss(lp.grid, dsd::RateLossKind::Poisson);
  loss.value_and_grad(lp.n, lp.target, lp.rho, lp.dt, lp.grad);
  auto hn = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), lp.n);
  auto hg = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), lp.grad);
  long zero = 0, checked = 0;
  for (long b = 0; b < 2; ++b)
    for (long c = 0; c < 2; ++c)
      for (long q = 0; q < 20; ++q) {
        const long x0 = q / 5;
        for (long v = 0; v < 4; ++v) {
          const bool blocked = (v == 0 && x0 == 0) || (v == 1 && x0 == 3);
          if (hn(b, c, q) == 0 || blocked) {
            ++checked;
            zero += hg(b, c * 4 + v, q) == 0.0;
          }
        }
      }
  CHECK(checked > 20);
  CHECK(zero == checked);
  // A target at an empty site means counts and targets do not belong together.
  auto ht = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), lp.target);
  long empty = -1;
  for (long q = 0; q < 20 && empty < 0; ++q)
    empty = hn(1, 1, q) == 0 ? q : -1;
  REQUIRE(empty >= 0);
  ht(1, 1, 2, empty) = 1.0;
  Kokkos::deep_copy(lp.target, ht);
  CHECK_THROWS_AS(loss.value_and_grad(lp.n, lp.target, lp.rho, lp.dt, lp.grad), DataError);
  CHECK_THROWS_AS(dsd::parse_rate_loss("l2"), ConfigError);
}
