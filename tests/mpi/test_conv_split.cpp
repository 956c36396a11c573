// Spatial and data parallelism of the nn layers. A Conv3x3 (and a small U-shaped block: conv,
// 2x pool, 2x upsample, skip concatenation, conv) on a field split over the ranks must give the
// unsplit layer's output and input gradient on every rank's block, and the same parameter
// gradient once the per-rank partial sums are completed by DataParallel::sum_gradients (the
// documented convention). The same holds for the whole DSD rate network (UFno: spectral, local
// and pointwise blocks on every level, time and class embeddings). Data-parallel gradient
// averaging must equal the full-batch gradient.
#include <doctest/doctest.h>

#include "fieldgen/core/rng.hpp"
#include "fieldgen/mesh/decomposition.hpp"
#include "fieldgen/nn/concat.hpp"
#include "fieldgen/nn/conv3x3.hpp"
#include "fieldgen/nn/data_parallel.hpp"
#include "fieldgen/nn/pool.hpp"
#include "fieldgen/nn/ufno.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

using namespace fieldgen;
using namespace fieldgen::nn;

namespace {

int world_size() {
  int p = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &p);
  return p;
}

template <class V> std::vector<double> to_host(const V& v) {
  const auto h = Kokkos::create_mirror_view(v);
  Kokkos::deep_copy(h, v);
  return std::vector<double>(h.data(), h.data() + h.size());
}

template <class V> void from_host(const V& v, const std::vector<double>& values) {
  const auto h = Kokkos::create_mirror_view(v);
  REQUIRE(h.size() == values.size());
  std::copy(values.begin(), values.end(), h.data());
  Kokkos::deep_copy(v, h);
}

// max |a - b| / max |b|
double max_rel(const std::vector<double>& a, const std::vector<double>& b) {
  REQUIRE(a.size() == b.size());
  double d = 0, n = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    d = std::max(d, std::abs(a[i] - b[i]));
    n = std::max(n, std::abs(b[i]));
  }
  return d / n;
}

Grid grid_of(std::vector<long> shape, std::vector<bool> periodic) {
  const size_t d = shape.size();
  return Grid(shape, std::vector<double>(d, 0.0), std::vector<double>(d, 1.0), periodic);
}

std::vector<long> local_shape(const Decomposition& dec) {
  std::vector<long> s;
  for (int a = 0; a < dec.dim(); ++a)
    s.push_back(dec.local_n(a));
  return s;
}

// Global flat index of every local point of dec (both row-major).
std::vector<long> global_of_local(const Decomposition& dec) {
  const Grid& g = dec.grid();
  long n[3] = {1, 1, 1}, off[3] = {0, 0, 0}, gn[3] = {1, 1, 1};
  for (int a = 0; a < dec.dim(); ++a) {
    n[a] = dec.local_n(a);
    off[a] = dec.offset(a);
    gn[a] = g.n(a);
  }
  std::vector<long> map;
  for (long i0 = 0; i0 < n[0]; ++i0)
    for (long i1 = 0; i1 < n[1]; ++i1)
      for (long i2 = 0; i2 < n[2]; ++i2)
        map.push_back(((i0 + off[0]) * gn[1] + i1 + off[1]) * gn[2] + i2 + off[2]);
  return map;
}

// Random global fields [batch][channel][global point], the same on every rank.
std::vector<double> global_fields(long batch, long channels, long points, std::uint32_t stream) {
  const CounterRng rng(99, purpose_id("test.conv_split"));
  std::vector<double> x(size_t(batch * channels * points));
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = rng.normal(i, stream);
  return x;
}

// Restriction of global fields to the local block given by map.
std::vector<double> restrict_to(const std::vector<double>& global, long bc, long points,
                                const std::vector<long>& map) {
  std::vector<double> local;
  for (long f = 0; f < bc; ++f)
    for (long g : map)
      local.push_back(global[size_t(f * points + g)]);
  return local;
}

Tensor3<double> tensor(long batch, long channels, const std::vector<double>& values) {
  Tensor3<double> t("t", size_t(batch), size_t(channels), values.size() / size_t(batch * channels));
  from_host(t, values);
  return t;
}

// The small U-shaped block: y = conv2(concat(h, up(pool(h)))), h = conv1(x).
struct UBlock {
  Conv3x3<double> conv1, conv2;
  AvgPool2<double> pool;
  Upsample2<double> up;
  Concat<double> cat;
  Parameters<double> p;
  UBlock(const Decomposition& dec, int cin, int hidden, int cout)
      : conv1(dec, cin, hidden, "conv1"), conv2(dec, 2 * hidden, cout, "conv2"),
        pool(local_shape(dec)), up(local_shape(dec)) {
    conv1.reserve(p);
    conv2.reserve(p);
    p.allocate();
    conv1.init(p, CounterRng(1, purpose_id("test.conv1")));
    conv2.init(p, CounterRng(1, purpose_id("test.conv2")));
  }
  Tensor3<double> forward(const Tensor3<double>& x) {
    const auto h = conv1.forward(p, x);
    return conv2.forward(p, cat.forward(h, up.forward(p, pool.forward(p, h))));
  }
  Tensor3<double> backward(const Tensor3<double>& gy) {
    const auto g = cat.backward(conv2.backward(p, gy));
    auto gh = to_host(g.first);
    const auto gp = to_host(pool.backward(p, up.backward(p, g.second)));
    for (size_t i = 0; i < gh.size(); ++i)
      gh[i] += gp[i];
    return conv1.backward(p, tensor(long(g.first.extent(0)), long(g.first.extent(1)), gh));
  }
};

// The DSD rate network at fixed times and labels (one conditional item, one unconditional).
struct RateNet {
  UFno<double> net;
  Parameters<double> p;
  Vector<double> t{"t", 2};
  Kokkos::View<std::int32_t*, MemSpace> labels{"labels", 2};
  static UFnoConfig config(std::vector<long> modes) {
    UFnoConfig c;
    c.channels = 2;
    c.width = 3;
    c.levels = 2;
    c.modes = std::move(modes);
    c.projection = 4;
    c.count_scale = 2;
    c.rate = 3;
    c.time_dim = 4;
    c.time_hidden = 4;
    c.time_channels = 2;
    c.classes = 3;
    c.class_channels = 2;
    c.block_embedding = true; // its site sums are per-rank shares too
    return c;
  }
  RateNet(const Decomposition& dec, std::vector<long> modes) : net(config(std::move(modes)), dec) {
    net.reserve(p);
    p.allocate();
    net.init(p, CounterRng(1, purpose_id("test.ufno")));
    from_host(t, {0.3, 0.02});
    const auto h = Kokkos::create_mirror_view(labels);
    h(0) = 1;
    h(1) = 3; // unconditional
    Kokkos::deep_copy(labels, h);
  }
  Tensor3<double> forward(const Tensor3<double>& x) { return net.forward(p, x, t, labels); }
  Tensor3<double> backward(const Tensor3<double>& g) { return net.backward(p, g); }
};

struct Errors {
  double out, grad_in, grad_params;
};

// Runs layer-like object M (built by make(dec)) on the split and on the whole grid.
template <class Make>
Errors split_vs_whole(const Grid& grid, std::vector<int> dims, long batch, int cin, int cout,
                      const Make& make) {
  Decomposition split(grid, MPI_COMM_WORLD, dims), whole(grid, MPI_COMM_SELF);
  auto ms = make(split);
  auto mw = make(whole);
  const long n = grid.size();
  const auto map = global_of_local(split);
  const auto xg = global_fields(batch, cin, n, 1), rg = global_fields(batch, cout, n, 2);

  const auto yw = to_host(mw->forward(tensor(batch, cin, xg)));
  const auto ys = to_host(ms->forward(tensor(batch, cin, restrict_to(xg, batch * cin, n, map))));
  ms->p.zero_grad();
  mw->p.zero_grad();
  const auto gw = to_host(mw->backward(tensor(batch, cout, rg)));
  const auto gs = to_host(ms->backward(tensor(batch, cout, restrict_to(rg, batch * cout, n, map))));
  DataParallel(split.comm()).sum_gradients(ms->p);

  Errors e;
  e.out = max_rel(ys, restrict_to(yw, batch * cout, n, map));
  e.grad_in = max_rel(gs, restrict_to(gw, batch * cin, n, map));
  e.grad_params = max_rel(to_host(ms->p.grads()), to_host(mw->p.grads()));
  // Worst case over ranks.
  const Comm world;
  e.out = world.max(e.out);
  e.grad_in = world.max(e.grad_in);
  e.grad_params = world.max(e.grad_params);
  return e;
}

struct ConvOnly {
  Conv3x3<double> conv;
  Parameters<double> p;
  // max_column_values = 1: one interior row per im2col chunk.
  ConvOnly(const Decomposition& dec, int cin, int cout, long max_column_values = 1L << 20)
      : conv(dec, cin, cout, "conv", max_column_values) {
    conv.reserve(p);
    p.allocate();
    conv.init(p, CounterRng(3, purpose_id("test.conv")));
  }
  Tensor3<double> forward(const Tensor3<double>& x) { return conv.forward(p, x); }
  Tensor3<double> backward(const Tensor3<double>& g) { return conv.backward(p, g); }
};

} // namespace

TEST_CASE("conv3x3 split over ranks equals the unsplit layer") {
  const int P = world_size();
  struct Case {
    Grid grid;
    std::vector<int> dims;
  };
  const std::vector<Case> cases = {
      {grid_of({7, 10}, {false, false}), {}},
      {grid_of({7, 10}, {true, true}), {}},
      {grid_of({7, 10}, {true, false}), {P, 1}},
      {grid_of({7, 10}, {false, true}), {1, P}},
      {grid_of({5, 6, 7}, {false, false, false}), {}},
      {grid_of({5, 6, 7}, {true, true, true}), {}},
      {grid_of({5, 6, 7}, {true, false, true}), {1, 1, P}},
  };
  for (const auto& c : cases)
    for (const long budget : {1L << 20, 1L}) {
      const auto e = split_vs_whole(c.grid, c.dims, 2, 3, 2, [&](const Decomposition& dec) {
        return std::make_unique<ConvOnly>(dec, 3, 2, budget);
      });
      MESSAGE(P, " ranks, ", c.grid.describe(), std::string(budget == 1 ? " (1-row chunks)" : ""),
              ": output ", e.out, ", input grad ", e.grad_in, ", param grad ", e.grad_params);
      CHECK(e.out < 1e-12);
      CHECK(e.grad_in < 1e-12);
      CHECK(e.grad_params < 1e-12);
    }
}

TEST_CASE("U-shaped block (conv, pool, upsample, concat, conv) split equals unsplit") {
  const int P = world_size();
  // Local blocks stay even at 1, 2 and 4 ranks (MPI_Dims_create: 2 -> 2x1, 4 -> 2x2(x1)).
  for (const Grid& grid :
       {grid_of({8, 12}, {true, false}), grid_of({4, 4, 8}, {true, true, false})}) {
    const auto e = split_vs_whole(grid, {}, 2, 1, 2, [](const Decomposition& dec) {
      return std::make_unique<UBlock>(dec, 1, 2, 2);
    });
    MESSAGE(P, " ranks, U-block ", grid.describe(), ": output ", e.out, ", input grad ", e.grad_in,
            ", param grad ", e.grad_params);
    CHECK(e.out < 1e-12);
    CHECK(e.grad_in < 1e-12);
    CHECK(e.grad_params < 1e-12);
  }
}

TEST_CASE("DSD rate network (UFno) split over ranks equals the unsplit network") {
  const int P = world_size();
  // 16 x 16 split 2x1 or 2x2 (default dims) or 1xP: local sides stay divisible by 2^levels = 4;
  // the local-only 3-D network (modes 0) on 8 x 8 x 16 split along the last axis.
  struct Case {
    Grid grid;
    std::vector<int> dims;
    std::vector<long> modes;
  };
  const std::vector<Case> cases = {
      {grid_of({16, 16}, {false, true}), {}, {3, 3}},
      {grid_of({16, 16}, {true, true}), {1, P}, {3, 3}},
      {grid_of({8, 8, 16}, {true, false, true}), {1, 1, P}, {0, 0, 0}},
  };
  for (const auto& c : cases) {
    const int outputs = 2 * 2 * c.grid.dim();
    const auto e = split_vs_whole(c.grid, c.dims, 2, 2, outputs, [&](const Decomposition& dec) {
      return std::make_unique<RateNet>(dec, c.modes);
    });
    MESSAGE(P, " ranks, UFno ", c.grid.describe(), " modes ", c.modes[0], ": output ", e.out,
            ", input grad ", e.grad_in, ", param grad ", e.grad_params);
    CHECK(e.out < 1e-12);
    CHECK(e.grad_in < 1e-12);
    CHECK(e.grad_params < 1e-12);
  }
}

TEST_CASE("data-parallel gradient averaging equals the full-batch gradient") {
  const Comm world;
  const int P = world.size(), rank = world.rank();
  const long batch = 8, shard = batch / P; // the trainer's convention: equal shards
  REQUIRE(batch % P == 0);
  const Grid grid = grid_of({6, 8}, {true, true});
  const long n = grid.size();
  Decomposition self(grid, MPI_COMM_SELF);
  UBlock full(self, 1, 3, 1), part(self, 1, 3, 1);
  const auto xg = global_fields(batch, 1, n, 5), rg = global_fields(batch, 1, n, 6);

  // Full batch, loss (1/B) sum_b <r_b, y_b>, on every rank.
  std::vector<double> r_full(rg);
  for (auto& v : r_full)
    v /= double(batch);
  full.forward(tensor(batch, 1, xg));
  full.p.zero_grad();
  full.backward(tensor(batch, 1, r_full));

  // This rank's shard, loss (1/shard) sum over its samples, then the averaging allreduce.
  const auto first = xg.begin() + rank * shard * n;
  const std::vector<double> xs(first, first + shard * n);
  std::vector<double> rs(rg.begin() + rank * shard * n, rg.begin() + (rank + 1) * shard * n);
  for (auto& v : rs)
    v /= double(shard);
  part.forward(tensor(shard, 1, xs));
  part.p.zero_grad();
  part.backward(tensor(shard, 1, rs));
  const double before = max_rel(to_host(part.p.grads()), to_host(full.p.grads()));
  const DataParallel dp(MPI_COMM_WORLD);
  dp.average_gradients(part.p);
  const double err = world.max(max_rel(to_host(part.p.grads()), to_host(full.p.grads())));
  MESSAGE(P, " ranks: averaged vs full-batch gradient ", err, " (shard gradient alone ", before,
          ")");
  CHECK(err < 1e-12);
  if (P > 1)
    CHECK(world.min(before) > 1e-6); // the shards' gradients really differed before averaging
  CHECK(dp.parameters_identical(part.p));
}

TEST_CASE("parameter broadcast and the identity check") {
  const Comm world;
  Decomposition self(grid_of({4, 4}, {true, true}), MPI_COMM_SELF);
  ConvOnly m(self, 2, 2);
  const DataParallel dp(MPI_COMM_WORLD);
  CHECK(dp.parameters_identical(m.p)); // rank-independent init
  if (world.size() > 1 && world.rank() == world.size() - 1) {
    auto v = to_host(m.p.values());
    v[3] += 1e-9;
    from_host(m.p.values(), v);
  }
  CHECK(dp.parameters_identical(m.p) == (world.size() == 1));
  dp.broadcast_parameters(m.p);
  CHECK(dp.parameters_identical(m.p));
  ConvOnly fresh(self, 2, 2);
  CHECK(to_host(m.p.values()) == to_host(fresh.p.values())); // rank 0's (unperturbed) values
}
