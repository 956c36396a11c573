// Domain-decomposed spectral layers: a 1-D and a 2-D field split over the ranks (mesh
// Decomposition) must give, on every rank's block, the unsplit layer's forward output and input
// gradient, and the unsplit parameter gradients once the ranks' partial parameter gradients are
// summed over the decomposition's communicator (the convention of every layer on a split field:
// each rank adds its own points' share). The same holds for the whole FNO. Double, to 1e-12.
#include <doctest/doctest.h>

#include "test_views.hpp"

#include "fieldgen/core/rng.hpp"
#include "fieldgen/mesh/decomposition.hpp"
#include "fieldgen/nn/fno.hpp"
#include "fieldgen/nn/spectral_conv.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <vector>

using namespace fieldgen;
using namespace fieldgen::nn;
using fieldgen::testing::host;

namespace {

template <class V> void set(const V& v, const std::vector<double>& values) {
  auto h = Kokkos::create_mirror_view(v);
  REQUIRE(h.size() == values.size());
  std::copy(values.begin(), values.end(), h.data());
  Kokkos::deep_copy(v, h);
}

std::vector<double> normal(size_t n, std::uint64_t seed) {
  const CounterRng rng(seed, purpose_id("test.split"));
  std::vector<double> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = rng.normal(i, 0);
  return v;
}

// The block's part of [rows][global points] (row-major over the global grid).
std::vector<double> restrict_to(const std::vector<double>& global, long rows, const FieldBlock& b) {
  const long n1 = b.dim() == 2 ? b.global[1] : 1, l1 = b.dim() == 2 ? b.local[1] : 1,
             o1 = b.dim() == 2 ? b.offset[1] : 0, total = n1 * b.global[0];
  std::vector<double> local;
  for (long r = 0; r < rows; ++r)
    for (long i = 0; i < b.local[0]; ++i)
      for (long j = 0; j < l1; ++j)
        local.push_back(global[size_t(r * total + (b.offset[0] + i) * n1 + o1 + j)]);
  return local;
}

double max_diff(const std::vector<double>& a, const std::vector<double>& b) {
  REQUIRE(a.size() == b.size());
  double m = 0;
  for (size_t i = 0; i < a.size(); ++i)
    m = std::max(m, std::abs(a[i] - b[i]));
  return m;
}

struct SplitErrors {
  double output = 0, input_grad = 0, param_grad = 0, param_grad_partial = 0;
};

// Runs forward + backward of the unsplit model (forward_ref/backward_ref on the global field)
// and of the split one (on this rank's block) and compares; errors are maxima over ranks.
struct Case {
  const Decomposition& dec;
  long batch, channels_in, channels_out;
  std::function<Tensor3<double>(const Tensor3<double>&)> forward_ref, forward_split;
  std::function<Tensor3<double>(const Tensor3<double>&)> backward_ref, backward_split;
  Parameters<double>& p_ref;
  Parameters<double>& p_split;

  SplitErrors run() const {
    const FieldBlock block = FieldBlock::of(dec);
    const long global = dec.grid().size(), local = block.local_size();
    const auto x = normal(size_t(batch * channels_in * global), 1);
    const auto g = normal(size_t(batch * channels_out * global), 2);
    Tensor3<double> x_ref("x_ref", batch, channels_in, global),
        g_ref("g_ref", batch, channels_out, global);
    Tensor3<double> x_split("x_split", batch, channels_in, local),
        g_split("g_split", batch, channels_out, local);
    set(x_ref, x);
    set(g_ref, g);
    set(x_split, restrict_to(x, batch * channels_in, block));
    set(g_split, restrict_to(g, batch * channels_out, block));
    p_ref.zero_grad();
    p_split.zero_grad();
    const auto y_ref = host(forward_ref(x_ref));
    const auto y_split = host(forward_split(x_split));
    const auto gx_ref = host(backward_ref(g_ref));
    const auto gx_split = host(backward_split(g_split));
    auto grads = host(p_split.grads());
    const auto grads_ref = host(p_ref.grads());
    const Comm comm(dec.comm());
    SplitErrors e;
    e.param_grad_partial = comm.max(max_diff(grads, grads_ref));
    comm.allreduce_sum(grads.data(), long(grads.size())); // complete the partial sums
    e.output = comm.max(max_diff(y_split, restrict_to(y_ref, batch * channels_out, block)));
    e.input_grad = comm.max(max_diff(gx_split, restrict_to(gx_ref, batch * channels_in, block)));
    e.param_grad = comm.max(max_diff(grads, grads_ref));
    return e;
  }
};

template <class Model> void make(Model& m, Parameters<double>& p) {
  m.reserve(p);
  p.allocate();
  m.init(p, CounterRng(9, purpose_id("test.init")));
}

void report(const char* what, const Decomposition& dec, const SplitErrors& e) {
  if (dec.rank() == 0)
    std::printf("split %-22s on %d ranks: output %.1e, input grad %.1e, param grad %.1e (before "
                "the sum over ranks %.1e)\n",
                what, dec.size(), e.output, e.input_grad, e.param_grad, e.param_grad_partial);
  CHECK(e.output < 1e-12);
  CHECK(e.input_grad < 1e-12);
  CHECK(e.param_grad < 1e-12);
  if (dec.size() > 1) // each rank's share alone is not the gradient
    CHECK(e.param_grad_partial > 1e-6);
}

void spectral_case(const char* what, const Grid& grid, std::vector<long> modes) {
  const Decomposition dec(grid, MPI_COMM_WORLD);
  const long ci = 3, co = 2, batch = 2;
  SpectralConv<double> ref(ci, co, modes, "spec"), split(ci, co, modes, "spec", dec.comm());
  ref.set_block(FieldBlock::whole(grid.shape()));
  split.set_block(FieldBlock::of(dec));
  Parameters<double> p_ref, p_split;
  make(ref, p_ref);
  make(split, p_split);
  const Case c{dec,
               batch,
               ci,
               co,
               [&](const Tensor3<double>& x) { return ref.forward(p_ref, x); },
               [&](const Tensor3<double>& x) { return split.forward(p_split, x); },
               [&](const Tensor3<double>& g) { return ref.backward(p_ref, g); },
               [&](const Tensor3<double>& g) { return split.backward(p_split, g); },
               p_ref,
               p_split};
  report(what, dec, c.run());
}

void fno_case(const char* what, const Grid& grid, const FnoConfig& config) {
  const Decomposition dec(grid, MPI_COMM_WORLD);
  const long batch = 2;
  Fno<double> ref(config), split(config, "fno", dec.comm());
  ref.set_block(FieldBlock::whole(grid.shape()));
  split.set_block(FieldBlock::of(dec));
  Parameters<double> p_ref, p_split;
  make(ref, p_ref);
  make(split, p_split);
  Vector<double> t("t", batch);
  set(t, {17.0, 640.0});
  const Case c{dec,
               batch,
               1,
               1,
               [&](const Tensor3<double>& u) { return ref.forward(p_ref, u, t); },
               [&](const Tensor3<double>& u) { return split.forward(p_split, u, t); },
               [&](const Tensor3<double>& g) { return ref.backward(p_ref, g); },
               [&](const Tensor3<double>& g) { return split.backward(p_split, g); },
               p_ref,
               p_split};
  report(what, dec, c.run());
}

} // namespace

TEST_CASE("split spectral convolution 1-D equals the unsplit layer") {
  spectral_case("spectral 1-D (n 23)", Grid::unit({23}), {6});
}

TEST_CASE("split spectral convolution 2-D equals the unsplit layer") {
  spectral_case("spectral 2-D (10x12)", Grid::unit({10, 12}), {3, 5});
}

TEST_CASE("split FNO equals the unsplit FNO (1-D time channel, 2-D time embedding)") {
  FnoConfig c1;
  c1.modes = {5};
  c1.width = 6;
  c1.depth = 3;
  c1.projection = 8;
  fno_case("FNO 1-D (n 21)", Grid::unit({21}), c1);
  FnoConfig c2;
  c2.modes = {2, 3};
  c2.width = 5;
  c2.depth = 2;
  c2.projection = 6;
  c2.time = TimeInput::Embedding;
  c2.time_dim = 6;
  c2.time_hidden = 7;
  c2.time_channels = 2;
  fno_case("FNO 2-D (9x10)", Grid::unit({9, 10}), c2);
}
