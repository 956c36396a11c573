// nn training machinery and local layers: Adam against torch's update written out by hand,
// learning-rate schedules, gradient clipping, weight EMA, Adam convergence on a quadratic, and
// central-difference gradient checks (double) of Conv3x3, AvgPool2, Upsample2 and Concat.
#include <doctest/doctest.h>

#include "fieldgen/core/rng.hpp"
#include "fieldgen/mesh/decomposition.hpp"
#include "fieldgen/nn/adam.hpp"
#include "fieldgen/nn/concat.hpp"
#include "fieldgen/nn/conv3x3.hpp"
#include "fieldgen/nn/ema.hpp"
#include "fieldgen/nn/grad_clip.hpp"
#include "fieldgen/nn/lr_schedule.hpp"
#include "fieldgen/nn/pool.hpp"

#include <cmath>
#include <functional>
#include <vector>

using namespace fieldgen;
using namespace fieldgen::nn;

namespace {

template <class V> std::vector<double> to_host(const V& v) {
  const auto h = Kokkos::create_mirror_view(v);
  Kokkos::deep_copy(h, v);
  return std::vector<double>(h.data(), h.data() + h.size());
}

template <class V> void from_host(const V& v, const std::vector<double>& values) {
  const auto h = Kokkos::create_mirror_view(v);
  REQUIRE(h.size() == values.size());
  for (size_t i = 0; i < values.size(); ++i)
    h.data()[i] = typename V::value_type(values[i]);
  Kokkos::deep_copy(v, h);
}

template <class V> void fill_normal(const V& v, std::uint32_t stream) {
  const CounterRng rng(2024, purpose_id("test.nn_training"));
  std::vector<double> x(v.size());
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = rng.normal(i, stream);
  from_host(v, x);
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i)
    s += a[i] * b[i];
  return s;
}

// ||a - b|| / ||b||
double rel_err(const std::vector<double>& a, const std::vector<double>& b) {
  double d = 0, n = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    d += (a[i] - b[i]) * (a[i] - b[i]);
    n += b[i] * b[i];
  }
  return std::sqrt(d / n);
}

// Central differences of loss() with respect to every entry of v (restored afterwards). The
// layers checked here are linear in each argument, so the truncation error is zero and the step
// only trades rounding error: h = 1e-3 keeps it near 1e-12 for O(1) values.
template <class V>
std::vector<double> fd_gradient(const V& v, const std::function<double()>& loss) {
  const double h = 1e-3;
  std::vector<double> x = to_host(v), g(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const double x0 = x[i];
    x[i] = x0 + h;
    from_host(v, x);
    const double lp = loss();
    x[i] = x0 - h;
    from_host(v, x);
    const double lm = loss();
    x[i] = x0;
    g[i] = (lp - lm) / (2 * h);
  }
  from_host(v, x);
  return g;
}

struct GradErrors {
  double input, params;
};

// Loss <r, layer(x)> with random r: compares backward()'s input and parameter gradients with
// central differences over every input entry and every parameter.
GradErrors check_layer(Layer<double>& layer, Parameters<double>& p, const Tensor3<double>& x) {
  const auto out0 = layer.forward(p, x);
  Tensor3<double> r("r", out0.extent(0), out0.extent(1), out0.extent(2));
  fill_normal(r, 7);
  const auto rh = to_host(r);
  const auto loss = [&] { return dot(rh, to_host(layer.forward(p, x))); };
  loss();
  if (p.size() > 0)
    p.zero_grad();
  const auto gin = to_host(layer.backward(p, r));
  GradErrors e{rel_err(fd_gradient(x, loss), gin), 0.0};
  if (p.size() > 0)
    e.params = rel_err(fd_gradient(p.values(), loss), to_host(p.grads()));
  return e;
}

Grid grid_of(std::vector<long> shape, std::vector<bool> periodic) {
  const size_t d = shape.size();
  return Grid(shape, std::vector<double>(d, 0.0), std::vector<double>(d, 1.0), periodic);
}

// Host reference convolution on the whole grid: zero outside non-periodic axes, wrap on
// periodic ones.
std::vector<double> reference_conv(const Grid& grid, const std::vector<double>& w,
                                   const std::vector<double>& bias, const std::vector<double>& x,
                                   long batch, long cin, long cout) {
  const int d = grid.dim();
  long n[3] = {1, 1, 1}, k[3] = {1, 1, 1};
  bool per[3] = {false, false, false};
  for (int a = 0; a < d; ++a) {
    n[3 - d + a] = grid.n(a);
    k[3 - d + a] = 3;
    per[3 - d + a] = grid.periodic(a);
  }
  const long np = n[0] * n[1] * n[2], taps = k[0] * k[1] * k[2];
  std::vector<double> out(size_t(batch * cout * np));
  for (long b = 0; b < batch; ++b)
    for (long co = 0; co < cout; ++co)
      for (long i0 = 0; i0 < n[0]; ++i0)
        for (long i1 = 0; i1 < n[1]; ++i1)
          for (long i2 = 0; i2 < n[2]; ++i2) {
            double s = bias[size_t(co)];
            for (long ci = 0; ci < cin; ++ci)
              for (long t = 0; t < taps; ++t) {
                const long t2 = t % k[2], t1 = (t / k[2]) % k[1], t0 = t / (k[2] * k[1]);
                long j[3] = {i0 + t0 - (k[0] - 1) / 2, i1 + t1 - (k[1] - 1) / 2,
                             i2 + t2 - (k[2] - 1) / 2};
                bool inside = true;
                for (int a = 0; a < 3; ++a) {
                  if (j[a] < 0 || j[a] >= n[a]) {
                    if (!per[a])
                      inside = false;
                    j[a] = (j[a] + n[a]) % n[a];
                  }
                }
                if (inside)
                  s += w[size_t((co * cin + ci) * taps + t)] *
                       x[size_t((b * cin + ci) * np + (j[0] * n[1] + j[1]) * n[2] + j[2])];
              }
            out[size_t((b * cout + co) * np + (i0 * n[1] + i1) * n[2] + i2)] = s;
          }
  return out;
}

// chunk_rows: interior rows per im2col chunk to force (0: the layer's default budget).
void check_conv(const Grid& grid, long batch, int cin, int cout, long chunk_rows = 0) {
  Decomposition dec(grid, MPI_COMM_SELF);
  const long taps = std::lround(std::pow(3.0, grid.dim()));
  const long row_values = cin * taps * grid.n(grid.dim() - 1);
  Conv3x3<double> conv(dec, cin, cout, "conv", chunk_rows > 0 ? chunk_rows * row_values : 1L << 20);
  if (chunk_rows > 0)
    REQUIRE(conv.chunk_rows() == chunk_rows);
  Parameters<double> p;
  conv.reserve(p);
  p.allocate();
  conv.init(p, CounterRng(5, purpose_id("test.conv")));
  Tensor3<double> x("x", size_t(batch), size_t(cin), size_t(grid.size()));
  fill_normal(x, 3);

  // Forward against the host reference (bias is reserved after the weight).
  const auto pv = to_host(p.values());
  const std::vector<double> w(pv.begin(), pv.begin() + conv.weight_size());
  const std::vector<double> bias(pv.begin() + conv.weight_size(), pv.end());
  const auto ref = reference_conv(grid, w, bias, to_host(x), batch, cin, cout);
  const double fwd = rel_err(to_host(conv.forward(p, x)), ref);
  CHECK(fwd < 1e-14);

  const auto e = check_layer(conv, p, x);
  MESSAGE("conv3x3 ", grid.describe(), " (", conv.chunk_rows(),
          " rows per chunk): forward vs reference ", fwd, ", input grad ", e.input, ", param grad ",
          e.params);
  CHECK(e.input < 1e-6);
  CHECK(e.params < 1e-6);
}

} // namespace

TEST_CASE("adam matches the torch update for several steps") {
  for (const double wd : {0.0, 0.05}) {
    Parameters<double> p;
    p.reserve("w", 3);
    p.allocate();
    std::vector<double> ref = {0.5, -1.0, 2.0};
    from_host(p.values(), ref);
    AdamOptions opt;
    opt.weight_decay = wd;
    Adam<double> adam(p, opt);
    std::vector<double> m(3, 0.0), v(3, 0.0);
    const double lr0 = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;
    for (int t = 1; t <= 6; ++t) {
      const double lr = lr0 / t; // a varying rate, as a schedule gives
      const std::vector<double> g = {0.3 * t - 1.0, 1e-3 * t, -2.0 + 0.1 * t * t};
      from_host(p.grads(), g);
      adam.step(p, lr);
      for (int i = 0; i < 3; ++i) { // the textbook form with bias-corrected moments
        ref[i] *= 1 - lr * wd;
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
        const double mhat = m[i] / (1 - std::pow(b1, t)), vhat = v[i] / (1 - std::pow(b2, t));
        ref[i] -= lr * mhat / (std::sqrt(vhat) + eps);
      }
      CHECK(rel_err(to_host(p.values()), ref) < 1e-14);
      CHECK(rel_err(to_host(adam.first_moment()), m) < 1e-14);
      CHECK(rel_err(to_host(adam.second_moment()), v) < 1e-14);
    }
    CHECK(adam.steps() == 6);
  }
}

TEST_CASE("adam first step moves every parameter by lr against its gradient sign") {
  Parameters<float> p;
  p.reserve("w", 4);
  p.allocate();
  from_host(p.values(), {1.0, 1.0, 1.0, 1.0});
  from_host(p.grads(), {1e-2, -3.0, 50.0, -1e-3});
  Adam<float> adam(p);
  adam.step(p, 0.1);
  const auto x = to_host(p.values());
  // m_hat = g and v_hat = g^2 after one step, so the move is lr g / (|g| + eps).
  CHECK(x[0] == doctest::Approx(0.9).epsilon(1e-6));
  CHECK(x[1] == doctest::Approx(1.1).epsilon(1e-6));
  CHECK(x[2] == doctest::Approx(0.9).epsilon(1e-6));
  CHECK(x[3] == doctest::Approx(1.1).epsilon(1e-5));
}

TEST_CASE("adam state restores bit-exactly") {
  Parameters<double> a, b;
  a.reserve("w", 5);
  b.reserve("w", 5);
  a.allocate();
  b.allocate();
  fill_normal(a.values(), 1);
  Adam<double> oa(a);
  const auto grads = [](int k) {
    std::vector<double> g(5);
    for (int i = 0; i < 5; ++i)
      g[size_t(i)] = std::sin(1.3 * i + 0.7 * k);
    return g;
  };
  for (int k = 0; k < 3; ++k) {
    from_host(a.grads(), grads(k));
    oa.step(a, 1e-2);
  }
  // "Checkpoint": values, moments and step count into a fresh optimizer.
  Adam<double> ob(b);
  Kokkos::deep_copy(b.values(), a.values());
  Kokkos::deep_copy(ob.first_moment(), oa.first_moment());
  Kokkos::deep_copy(ob.second_moment(), oa.second_moment());
  ob.set_steps(oa.steps());
  for (int k = 3; k < 6; ++k) {
    from_host(a.grads(), grads(k));
    from_host(b.grads(), grads(k));
    oa.step(a, 1e-2);
    ob.step(b, 1e-2);
  }
  CHECK(to_host(a.values()) == to_host(b.values()));
  CHECK(to_host(oa.second_moment()) == to_host(ob.second_moment()));
}

TEST_CASE("learning-rate schedules") {
  const double lr = 1e-3;
  SUBCASE("StepLR(25, 0.1) per epoch") {
    const long spe = 10; // optimizer steps per epoch
    const auto s = LrSchedule::step_decay(lr, 25, 0.1, spe);
    CHECK(s(0) == doctest::Approx(1e-3).epsilon(1e-12));
    CHECK(s(24 * spe) == doctest::Approx(1e-3).epsilon(1e-12));
    CHECK(s(25 * spe - 1) == doctest::Approx(1e-3).epsilon(1e-12)); // last step of epoch 24
    CHECK(s(25 * spe) == doctest::Approx(1e-4).epsilon(1e-12));
    CHECK(s(50 * spe) == doctest::Approx(1e-5).epsilon(1e-12));
    CHECK(s(75 * spe + 3) == doctest::Approx(1e-6).epsilon(1e-12));
  }
  SUBCASE("cosine to a floor") {
    const auto s = LrSchedule::cosine(lr, 1e-5, 100);
    CHECK(s(0) == doctest::Approx(lr).epsilon(1e-14));
    CHECK(s(50) == doctest::Approx(0.5 * (lr + 1e-5)).epsilon(1e-12));
    CHECK(s(100) == doctest::Approx(1e-5).epsilon(1e-12));
    CHECK(s(1000) == doctest::Approx(1e-5).epsilon(1e-12));
    CHECK(s(25) > s(26));
  }
  SUBCASE("linear warm-up composes with each schedule") {
    const auto c = LrSchedule::constant(lr).with_warmup(4);
    CHECK(c(0) == doctest::Approx(lr / 4).epsilon(1e-14));
    CHECK(c(1) == doctest::Approx(lr / 2).epsilon(1e-14));
    CHECK(c(3) == doctest::Approx(lr).epsilon(1e-14));
    CHECK(c(100) == doctest::Approx(lr).epsilon(1e-14));
    const auto cos = LrSchedule::cosine(lr, 0.0, 100);
    const auto cw = cos.with_warmup(10);
    CHECK(cw(4) == doctest::Approx(cos(4) * 0.5).epsilon(1e-14));
    CHECK(cw(10) == doctest::Approx(cos(10)).epsilon(1e-14));
    const auto st = LrSchedule::step_decay(lr, 1, 0.5, 2).with_warmup(3);
    CHECK(st(1) == doctest::Approx(lr * 2.0 / 3.0).epsilon(1e-14));
    CHECK(st(2) == doctest::Approx(lr * 0.5).epsilon(1e-14)); // epoch 1, warm-up done
  }
  CHECK_THROWS_AS(LrSchedule::cosine(lr, 2 * lr, 10), UsageError);
  CHECK_THROWS_AS(LrSchedule::step_decay(lr, 0, 0.1, 10), UsageError);
}

TEST_CASE("gradient-norm clipping returns the norm before clipping") {
  Parameters<double> p;
  p.reserve("a", 1);
  p.reserve("b", 1);
  p.allocate();
  from_host(p.grads(), {3.0, 4.0});
  CHECK(grad_norm(p) == doctest::Approx(5.0).epsilon(1e-15));
  CHECK(clip_grad_norm(p, 10.0) == doctest::Approx(5.0).epsilon(1e-15));
  CHECK(to_host(p.grads()) == std::vector<double>{3.0, 4.0}); // below the limit: untouched
  CHECK(clip_grad_norm(p, 1.0) == doctest::Approx(5.0).epsilon(1e-15));
  const double f = 1.0 / (5.0 + 1e-6); // torch's factor
  CHECK(rel_err(to_host(p.grads()), {3.0 * f, 4.0 * f}) < 1e-15);
  CHECK(grad_norm(p) == doctest::Approx(5.0 * f).epsilon(1e-14));
  CHECK(grad_norm(p) < 1.0);
}

TEST_CASE("weight EMA arithmetic, decay warm-up and swapping") {
  Parameters<double> p;
  p.reserve("w", 2);
  p.allocate();
  from_host(p.values(), {1.0, -2.0});
  SUBCASE("fixed decay") {
    Ema<double> ema(p, 0.9, false);
    from_host(p.values(), {3.0, 0.0});
    ema.update(p);
    CHECK(rel_err(to_host(ema.values()), {0.9 * 1 + 0.1 * 3, 0.9 * -2.0}) < 1e-15);
    from_host(p.values(), {5.0, 1.0});
    ema.update(p);
    CHECK(rel_err(to_host(ema.values()), {0.9 * 1.2 + 0.5, 0.9 * -1.8 + 0.1}) < 1e-15);
    CHECK(ema.updates() == 2);
  }
  SUBCASE("warm-up of the decay") {
    Ema<double> ema(p, 0.9, true);
    CHECK(ema.next_decay() == doctest::Approx(2.0 / 11.0).epsilon(1e-15));
    from_host(p.values(), {3.0, 0.0});
    ema.update(p);
    const double d = 2.0 / 11.0;
    CHECK(rel_err(to_host(ema.values()), {d * 1 + (1 - d) * 3, d * -2.0}) < 1e-15);
    CHECK(ema.next_decay() == doctest::Approx(3.0 / 12.0).epsilon(1e-15));
    ema.set_updates(78); // next n = 79: 80/89 < 0.9; n = 80: 81/90 = 0.9
    CHECK(ema.next_decay() == doctest::Approx(80.0 / 89.0).epsilon(1e-15));
    ema.set_updates(200);
    CHECK(ema.next_decay() == 0.9);
  }
  SUBCASE("swap in and out") {
    Ema<double> ema(p, 0.5, false);
    from_host(p.values(), {3.0, 0.0});
    ema.update(p); // ema = {2, -1}
    ema.swap_in(p);
    CHECK(ema.swapped());
    CHECK(to_host(p.values()) == std::vector<double>{2.0, -1.0});
    CHECK_THROWS_AS(ema.update(p), UsageError);
    CHECK_THROWS_AS(ema.swap_in(p), UsageError);
    ema.swap_out(p);
    CHECK(to_host(p.values()) == std::vector<double>{3.0, 0.0});
    CHECK(to_host(ema.values()) == std::vector<double>{2.0, -1.0});
  }
}

TEST_CASE("adam with cosine schedule and warm-up converges on a quadratic") {
  // L = 1/2 sum_i a_i (p_i - c_i)^2 with curvatures spread over four decades.
  const std::vector<double> a = {0.01, 1.0, 10.0, 100.0}, c = {1.0, -2.0, 0.5, 3.0};
  Parameters<double> p;
  p.reserve("w", 4);
  p.allocate();
  Adam<double> adam(p);
  const long steps = 3000;
  const auto lr = LrSchedule::cosine(0.05, 0.0, steps).with_warmup(50);
  std::vector<double> g(4);
  double loss = 0;
  for (long s = 0; s < steps; ++s) {
    const auto x = to_host(p.values());
    loss = 0;
    for (size_t i = 0; i < 4; ++i) {
      g[i] = a[i] * (x[i] - c[i]);
      loss += 0.5 * a[i] * (x[i] - c[i]) * (x[i] - c[i]);
    }
    from_host(p.grads(), g);
    adam.step(p, lr(adam.steps()));
  }
  const auto x = to_host(p.values());
  for (size_t i = 0; i < 4; ++i)
    CHECK(std::abs(x[i] - c[i]) < 1e-3);
  CHECK(loss < 1e-7);
}

TEST_CASE("conv3x3 forward and gradients, 2-D and 3-D, periodic and not") {
  check_conv(grid_of({5, 4}, {false, false}), 2, 2, 3);
  check_conv(grid_of({5, 4}, {true, true}), 2, 2, 3);
  check_conv(grid_of({6, 3}, {true, false}), 1, 3, 2);
  check_conv(grid_of({4, 3, 5}, {false, false, false}), 1, 2, 2);
  check_conv(grid_of({4, 3, 5}, {true, true, true}), 2, 2, 1);
  check_conv(grid_of({3, 4, 3}, {false, true, true}), 1, 1, 2);
  // Several im2col chunks per batch item (the last one shorter).
  check_conv(grid_of({5, 4}, {true, false}), 2, 2, 3, 1);
  check_conv(grid_of({5, 4}, {false, true}), 2, 2, 3, 2);
  check_conv(grid_of({4, 3, 5}, {true, false, true}), 2, 2, 2, 5);
  check_conv(grid_of({4, 3, 5}, {false, true, false}), 1, 2, 2, 1);
}

TEST_CASE("2x average pooling and nearest upsampling") {
  const std::vector<std::vector<long>> shapes = {{4, 6}, {2, 4, 6}, {6}};
  for (const auto& shape : shapes) {
    long n = 1;
    for (long s : shape)
      n *= s;
    const long cell = 1L << shape.size();
    Parameters<double> none;
    AvgPool2<double> pool(shape);
    Upsample2<double> up(shape);
    Tensor3<double> x("x", 2, 3, size_t(n)), xc("xc", 2, 3, size_t(n / cell));
    fill_normal(x, 11);
    fill_normal(xc, 12);
    // Upsample then pool is the identity on the coarse level.
    const auto back = to_host(pool.forward(none, up.forward(none, xc)));
    CHECK(rel_err(back, to_host(xc)) < 1e-15);
    // Pooling preserves the mean of every field.
    const auto xh = to_host(x), ph = to_host(pool.forward(none, x));
    for (long f = 0; f < 6; ++f) {
      double sf = 0, sc = 0;
      for (long i = 0; i < n; ++i)
        sf += xh[size_t(f * n + i)];
      for (long i = 0; i < n / cell; ++i)
        sc += ph[size_t(f * (n / cell) + i)];
      CHECK(sc / double(n / cell) == doctest::Approx(sf / double(n)).epsilon(1e-13));
    }
    const auto ep = check_layer(pool, none, x);
    const auto eu = check_layer(up, none, xc);
    MESSAGE("pool/upsample ", shape.size(), "-D: input grad errors ", ep.input, ", ", eu.input);
    CHECK(ep.input < 1e-6);
    CHECK(eu.input < 1e-6);
  }
  // Explicit values of one 2-D cell: the first coarse point averages fine (0,0),(0,1),(1,0),(1,1).
  AvgPool2<double> pool({2, 4});
  Parameters<double> none;
  Tensor3<double> x("x", 1, 1, 8);
  from_host(x, {1, 2, 3, 4, 5, 6, 7, 8});
  CHECK(to_host(pool.forward(none, x)) == std::vector<double>{3.5, 5.5});
  try {
    AvgPool2<double> bad({5, 8});
    FAIL("odd local size accepted");
  } catch (const UsageError& e) {
    CHECK(std::string(e.what()).find("5x8") != std::string::npos);
  }
  CHECK_THROWS_AS(Upsample2<double>({4, 3, 2}), UsageError);
}

TEST_CASE("channel concatenation and its gradient split") {
  Concat<double> cat;
  Tensor3<double> a("a", 2, 3, 5), b("b", 2, 1, 5);
  fill_normal(a, 21);
  fill_normal(b, 22);
  const auto out = cat.forward(a, b);
  REQUIRE(out.extent(1) == 4);
  const auto oh = to_host(out), ah = to_host(a), bh = to_host(b);
  CHECK(oh[size_t((0 * 4 + 2) * 5 + 3)] == ah[size_t((0 * 3 + 2) * 5 + 3)]);
  CHECK(oh[size_t((1 * 4 + 3) * 5 + 1)] == bh[size_t((1 * 1 + 0) * 5 + 1)]);

  Tensor3<double> r("r", 2, 4, 5);
  fill_normal(r, 23);
  const auto rh = to_host(r);
  const auto loss = [&] { return dot(rh, to_host(cat.forward(a, b))); };
  const auto grads = cat.backward(r);
  const double ea = rel_err(fd_gradient(a, loss), to_host(grads.first));
  const double eb = rel_err(fd_gradient(b, loss), to_host(grads.second));
  MESSAGE("concat: grad errors ", ea, ", ", eb);
  CHECK(ea < 1e-6);
  CHECK(eb < 1e-6);
  Tensor3<double> c("c", 2, 1, 4);
  CHECK_THROWS_AS(cat.forward(a, c), UsageError);
}

TEST_CASE("conv3x3 in float agrees with double to single precision") {
  Decomposition dec(grid_of({6, 5}, {true, false}), MPI_COMM_SELF);
  Conv3x3<float> cf(dec, 3, 4);
  Conv3x3<double> cd(dec, 3, 4);
  Parameters<float> pf;
  Parameters<double> pd;
  cf.reserve(pf);
  cd.reserve(pd);
  pf.allocate();
  pd.allocate();
  const CounterRng rng(8, purpose_id("test.conv_float"));
  cf.init(pf, rng);
  cd.init(pd, rng);
  Tensor3<float> xf("xf", 2, 3, 30), gf("gf", 2, 4, 30);
  Tensor3<double> xd("xd", 2, 3, 30), gd("gd", 2, 4, 30);
  fill_normal(xf, 31);
  fill_normal(xd, 31);
  fill_normal(gf, 32);
  fill_normal(gd, 32);
  CHECK(rel_err(to_host(pf.values()), to_host(pd.values())) < 1e-7); // same draws, rounded
  CHECK(rel_err(to_host(cf.forward(pf, xf)), to_host(cd.forward(pd, xd))) < 1e-6);
  pf.zero_grad();
  pd.zero_grad();
  CHECK(rel_err(to_host(cf.backward(pf, gf)), to_host(cd.backward(pd, gd))) < 1e-6);
  CHECK(rel_err(to_host(pf.grads()), to_host(pd.grads())) < 1e-6);
}
