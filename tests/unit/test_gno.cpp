// Graph neural operator: finite-difference gradient checks (double, relative error < 1e-6) of the
// kernel integral layer (with respect to its input, its edge features and all parameters, with
// ghost-like sources beyond the targets and two weight-shared applications) and of the whole GNO
// in 1-D and 2-D (periodic); the output is equivariant under a permutation of the points (the
// same values, permuted, and likewise the input gradient); float and double agree.
#include <doctest/doctest.h>

#include "test_views.hpp"

#include "gradient_check.hpp"

#include "fieldgen/nn/gno.hpp"
#include "fieldgen/nn/graph_kernel_conv.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

using namespace fieldgen;
using namespace fieldgen::nn;
using fieldgen::testing::check_gradients;
using fieldgen::testing::fill_normal;
using fieldgen::testing::host;

namespace {

constexpr double tolerance = 1e-6;
// The draws these tests were tuned on: ReLU kinks make FD checks sensitive to the data.
constexpr const char* gno_fill = "test.gno.fill";

Tensor2<double> random_points(long n, int d, std::uint64_t seed) {
  Tensor2<double> x("x", n, d);
  auto h = Kokkos::create_mirror_view(x);
  const CounterRng rng(seed, purpose_id("test.gno.points"));
  for (long i = 0; i < n; ++i)
    for (int a = 0; a < d; ++a)
      h(i, a) = rng.uniform(std::uint64_t(i), std::uint32_t(a));
  Kokkos::deep_copy(x, h);
  return x;
}

template <class Model> Parameters<double> make_parameters(Model& model, std::uint64_t seed = 3) {
  Parameters<double> p;
  model.reserve(p);
  p.allocate();
  model.init(p, CounterRng(seed, purpose_id("test.gno.init")));
  return p;
}

Vector<double> times(std::vector<double> values) {
  Vector<double> t("t", values.size());
  auto h = Kokkos::create_mirror_view(t);
  std::copy(values.begin(), values.end(), h.data());
  Kokkos::deep_copy(t, h);
  return t;
}

} // namespace

TEST_CASE("gradients: graph kernel layer (mean aggregation, shared weights, ghost sources)") {
  const long width = 3, kernel_in = 5, batch = 2, sources = 14, targets = 9;
  const Tensor2<double> all = random_points(sources, 1, 21);
  const Tensor2<double> first = Kokkos::subview(all, Kokkos::make_pair(0L, targets), Kokkos::ALL);
  const RadiusGraph graph = radius_graph(first, all, 0.3);
  REQUIRE(graph.edges() > targets);
  GraphKernelConv<double> conv(width, kernel_in, 6, "conv");
  Parameters<double> p = make_parameters(conv);
  conv.set_graph(graph);
  Tensor2<double> e("e", batch * graph.edges(), kernel_in);
  fill_normal(e, 22, 1.0, gno_fill);
  Tensor3<double> h("h", batch, width, sources);
  fill_normal(h, 23, 2.0, gno_fill);

  // One application.
  auto forward1 = [&] {
    conv.compute_kernel(p, e);
    return conv.forward(p, h, 0);
  };
  Tensor3<double> gh;
  const auto e1 =
      check_gradients("graph kernel layer (input)", p, h, forward1, [&](const Tensor3<double>& g) {
        gh = conv.backward(p, g, 0);
        conv.backward_kernel(p);
        return gh;
      });
  CHECK(e1.input < tolerance);
  CHECK(e1.params < tolerance);
  const auto e2 =
      check_gradients("graph kernel layer (edges)", p, e, forward1, [&](const Tensor3<double>& g) {
        conv.backward(p, g, 0);
        return conv.backward_kernel(p);
      });
  CHECK(e2.input < tolerance);

  // Two applications of the same weights: h2 = layer(pad(layer(h))), the padding standing in
  // for the halo (the first application's targets are the first sources of the second).
  Tensor3<double> mid("mid", batch, width, sources);
  auto forward2 = [&] {
    conv.compute_kernel(p, e);
    const Tensor3<double> y = conv.forward(p, h, 0);
    Kokkos::deep_copy(mid, 0.0);
    Kokkos::deep_copy(
        Kokkos::subview(mid, Kokkos::ALL, Kokkos::ALL, Kokkos::make_pair(0L, targets)), y);
    return conv.forward(p, mid, 1);
  };
  Tensor3<double> g_first("g_first", batch, width, targets);
  const auto e3 = check_gradients(
      "graph kernel layer (x2 shared)", p, h, forward2, [&](const Tensor3<double>& g) {
        const Tensor3<double> g_mid = conv.backward(p, g, 1);
        Kokkos::deep_copy(g_first, Kokkos::subview(g_mid, Kokkos::ALL, Kokkos::ALL,
                                                   Kokkos::make_pair(0L, targets)));
        gh = conv.backward(p, g_first, 0);
        conv.backward_kernel(p);
        return gh;
      });
  CHECK(e3.input < tolerance);
  CHECK(e3.params < tolerance);
}

namespace {

void check_gno(const std::string& name, const GnoConfig& config, long points) {
  Gno<double> gno(config);
  Parameters<double> p = make_parameters(gno);
  gno.set_points(random_points(points, config.dim, 31 + std::uint64_t(config.dim)));
  REQUIRE(gno.edges() > points);
  Tensor3<double> u("u", 2, 1, points);
  fill_normal(u, 32, 1.0, gno_fill);
  const Vector<double> t = times({37, 512});
  const auto e = check_gradients(
      name, p, u, [&] { return gno.forward(p, u, t); },
      [&](const Tensor3<double>& g) { return gno.backward(p, g); });
  CHECK(e.input < tolerance);
  CHECK(e.params < tolerance);
}

} // namespace

TEST_CASE("gradients: GNO 1-D (reference structure)") {
  GnoConfig c;
  c.dim = 1;
  c.width = 4;
  c.kernel_width = 8;
  c.depth = 3;
  c.radius = 0.3;
  check_gno("gno 1-D", c, 16);
}

TEST_CASE("gradients: GNO 2-D, periodic") {
  GnoConfig c;
  c.dim = 2;
  c.width = 3;
  c.kernel_width = 5;
  c.depth = 2;
  c.radius = 0.4;
  c.box = PeriodicBox{{true, true}, {0.0, 0.0}, {1.0, 1.0}};
  check_gno("gno 2-D periodic", c, 14);
}

TEST_CASE("GNO: a permutation of the points permutes the output and the input gradient") {
  GnoConfig c;
  c.dim = 2;
  c.width = 5;
  c.kernel_width = 7;
  c.depth = 2;
  c.radius = 0.35;
  const long n = 40, nb = 2;
  Gno<double> gno(c);
  Parameters<double> p = make_parameters(gno);
  const Tensor2<double> x = random_points(n, 2, 41);
  Tensor3<double> u("u", nb, 1, n), w("w", nb, 1, n);
  fill_normal(u, 42, 1.0, gno_fill);
  fill_normal(w, 43, 1.0, gno_fill);
  const Vector<double> t = times({5, 900});

  gno.set_points(x);
  const std::vector<double> y = host(gno.forward(p, u, t));
  p.zero_grad();
  const std::vector<double> gu = host(gno.backward(p, w));
  const std::vector<double> gp = host(p.grads());

  // perm: a fixed shuffle (multiplicative step coprime to n).
  std::vector<long> perm(static_cast<size_t>(n));
  for (long i = 0; i < n; ++i)
    perm[size_t(i)] = (7 * i + 3) % n;
  Tensor2<double> xp("xp", n, 2);
  Tensor3<double> up("up", nb, 1, n), wp("wp", nb, 1, n);
  {
    auto hx = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), x);
    auto hu = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), u);
    auto hw = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), w);
    auto hxp = Kokkos::create_mirror_view(xp);
    auto hup = Kokkos::create_mirror_view(up);
    auto hwp = Kokkos::create_mirror_view(wp);
    for (long i = 0; i < n; ++i) {
      const long s = perm[size_t(i)];
      for (int a = 0; a < 2; ++a)
        hxp(i, a) = hx(s, a);
      for (long b = 0; b < nb; ++b) {
        hup(b, 0, i) = hu(b, 0, s);
        hwp(b, 0, i) = hw(b, 0, s);
      }
    }
    Kokkos::deep_copy(xp, hxp);
    Kokkos::deep_copy(up, hup);
    Kokkos::deep_copy(wp, hwp);
  }
  gno.set_points(xp);
  const std::vector<double> yp = host(gno.forward(p, up, t));
  p.zero_grad();
  const std::vector<double> gup = host(gno.backward(p, wp));
  const std::vector<double> gpp = host(p.grads());

  double dy = 0, dg = 0, dp = 0, scale = 0;
  for (long b = 0; b < nb; ++b)
    for (long i = 0; i < n; ++i) {
      const size_t k = size_t(b * n + i), ks = size_t(b * n + perm[size_t(i)]);
      dy = std::max(dy, std::abs(yp[k] - y[ks]));
      dg = std::max(dg, std::abs(gup[k] - gu[ks]));
      scale = std::max(scale, std::abs(y[ks]));
    }
  for (size_t k = 0; k < gp.size(); ++k)
    dp = std::max(dp, std::abs(gpp[k] - gp[k]));
  CHECK(scale > 1e-3); // a nontrivial output
  CHECK(dy < 1e-12);
  CHECK(dg < 1e-12);
  CHECK(dp < 1e-11);
}

TEST_CASE("GNO: float and double agree") {
  GnoConfig c;
  c.width = 8;
  c.kernel_width = 16;
  c.radius = 0.2;
  const long n = 50;
  Gno<double> gd(c);
  Gno<float> gf(c);
  Parameters<double> pd = make_parameters(gd);
  Parameters<float> pf;
  gf.reserve(pf);
  pf.allocate();
  {
    const auto hd = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), pd.values());
    auto hf = Kokkos::create_mirror_view(pf.values());
    for (size_t i = 0; i < hd.size(); ++i)
      hf(i) = float(hd(i));
    Kokkos::deep_copy(pf.values(), hf);
  }
  const Tensor2<double> xd = random_points(n, 1, 51);
  Tensor2<float> xf("xf", n, 1);
  Tensor3<double> ud("ud", 3, 1, n);
  Tensor3<float> uf("uf", 3, 1, n);
  fill_normal(ud, 52, 1.0, gno_fill);
  const Vector<double> td = times({1, 250, 1000});
  Vector<float> tf("tf", 3);
  {
    auto a = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), xd);
    auto b = Kokkos::create_mirror_view(xf);
    for (long i = 0; i < n; ++i)
      b(i, 0) = float(a(i, 0));
    Kokkos::deep_copy(xf, b);
    auto c1 = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), ud);
    auto c2 = Kokkos::create_mirror_view(uf);
    for (size_t i = 0; i < c1.size(); ++i)
      c2.data()[i] = float(c1.data()[i]);
    Kokkos::deep_copy(uf, c2);
    auto d1 = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), td);
    auto d2 = Kokkos::create_mirror_view(tf);
    for (size_t i = 0; i < 3; ++i)
      d2(i) = float(d1(i));
    Kokkos::deep_copy(tf, d2);
  }
  gd.set_points(xd);
  gf.set_points(xf);
  REQUIRE(gd.edges() == gf.edges());
  const std::vector<double> yd = host(gd.forward(pd, ud, td)), yf = host(gf.forward(pf, uf, tf));
  double diff = 0, norm = 0;
  for (size_t i = 0; i < yd.size(); ++i) {
    diff = std::max(diff, std::abs(yd[i] - yf[i]));
    norm = std::max(norm, std::abs(yd[i]));
  }
  CHECK(norm > 1e-3);
  CHECK(diff < 1e-4 * std::max(1.0, norm));
}
