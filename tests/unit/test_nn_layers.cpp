// nn building blocks against direct references: the GEMM wrapper (cblas and KokkosBlas paths)
// against a naive triple loop, activations against std:: formulas and known values, the pointwise
// linear layer and the time embedding against naive loops, and the initialisation rules.
#include <doctest/doctest.h>

#include "test_views.hpp"

#include "fieldgen/nn/activation.hpp"
#include "fieldgen/nn/bias.hpp"
#include "fieldgen/nn/gemm.hpp"
#include "fieldgen/nn/init.hpp"
#include "fieldgen/nn/linear.hpp"
#include "fieldgen/nn/time_embedding.hpp"

#include <cmath>
#include <vector>

using namespace fieldgen;
using namespace fieldgen::nn;
using fieldgen::testing::fill_normal;
using fieldgen::testing::host;

namespace {

// C = alpha op(A) op(B) + beta C on row-major host arrays with leading dimensions.
void naive_gemm(Op oa, Op ob, long m, long n, long k, double alpha, const std::vector<double>& a,
                long lda, const std::vector<double>& b, long ldb, double beta,
                std::vector<double>& c, long ldc) {
  for (long i = 0; i < m; ++i)
    for (long j = 0; j < n; ++j) {
      double s = 0;
      for (long q = 0; q < k; ++q)
        s += (oa == Op::N ? a[i * lda + q] : a[q * lda + i]) *
             (ob == Op::N ? b[q * ldb + j] : b[j * ldb + q]);
      c[i * ldc + j] = alpha * s + beta * c[i * ldc + j];
    }
}

template <class Real>
double gemm_case(Op oa, Op ob, bool kokkos_path, long m, long n, long k, double beta) {
  const long lda_pad = 3, ldb_pad = 2, ldc_pad = 1;
  const long ar = oa == Op::N ? m : k, ac = oa == Op::N ? k : m;
  const long br = ob == Op::N ? k : n, bc = ob == Op::N ? n : k;
  const long lda = ac + lda_pad, ldb = bc + ldb_pad, ldc = n + ldc_pad;
  Vector<Real> a("a", ar * lda), b("b", br * ldb), c("c", m * ldc);
  fill_normal(a, 1);
  fill_normal(b, 2);
  fill_normal(c, 3);
  std::vector<double> ref = host(c);
  naive_gemm(oa, ob, m, n, k, 0.75, host(a), lda, host(b), ldb, beta, ref, ldc);
  const Matrix<const Real> am(a.data(), ar, ac, lda), bm(b.data(), br, bc, ldb);
  const Matrix<Real> cm(c.data(), m, n, ldc);
  if (kokkos_path)
    gemm_kokkos(oa, ob, Real(0.75), am, bm, Real(beta), cm);
  else
    gemm(oa, ob, Real(0.75), am, bm, Real(beta), cm);
  const std::vector<double> got = host(c);
  double err = 0;
  for (size_t i = 0; i < got.size(); ++i)
    err = std::max(err, std::abs(got[i] - ref[i])); // padding entries too: must be untouched
  return err;
}

} // namespace

TEST_CASE("gemm: every transpose combination, padded leading dimensions, both paths") {
  // General shapes, and the ones the host path hands to gemv (one column or row of C) and ger
  // (inner dimension 1 with beta = 1).
  const long shapes[][3] = {{5, 7, 4}, {5, 1, 4}, {1, 7, 4}, {1, 1, 3}, {5, 7, 1}};
  for (bool kokkos_path : {false, true})
    for (Op oa : {Op::N, Op::T})
      for (Op ob : {Op::N, Op::T})
        for (const auto& s : shapes)
          for (double beta : {-0.5, 1.0}) {
            CAPTURE(kokkos_path);
            CAPTURE(s[0]);
            CAPTURE(s[1]);
            CAPTURE(s[2]);
            CAPTURE(beta);
            CHECK(gemm_case<double>(oa, ob, kokkos_path, s[0], s[1], s[2], beta) < 1e-13);
            CHECK(gemm_case<float>(oa, ob, kokkos_path, s[0], s[1], s[2], beta) < 1e-5);
          }
}

TEST_CASE("gemm: empty inner dimension scales C by beta; beta = 0 ignores NaN in C") {
  for (bool kokkos_path : {false, true}) {
    Vector<double> a("a", 1), b("b", 1), c("c", 6);
    Kokkos::deep_copy(c, 2.0);
    const Matrix<double> cm(c.data(), 2, 3);
    const Matrix<const double> am(a.data(), 2, 0, 1), bm(b.data(), 0, 3, 3);
    if (kokkos_path)
      gemm_kokkos(Op::N, Op::N, 1.0, am, bm, 0.5, cm);
    else
      gemm(Op::N, Op::N, 1.0, am, bm, 0.5, cm);
    for (double v : host(c))
      CHECK(v == 1.0);
    Kokkos::deep_copy(c, std::nan(""));
    Vector<double> x("x", 4);
    Kokkos::deep_copy(x, 1.0);
    const Matrix<const double> xa(x.data(), 2, 2), xb(x.data(), 2, 2);
    const Matrix<double> c2(c.data(), 2, 2);
    if (kokkos_path)
      gemm_kokkos(Op::N, Op::N, 1.0, xa, xb, 0.0, c2);
    else
      gemm(Op::N, Op::N, 1.0, xa, xb, 0.0, c2);
    const auto got = host(c);
    for (int i = 0; i < 4; ++i)
      CHECK(got[size_t(i)] == 2.0);
    Kokkos::deep_copy(c, std::nan("")); // one column of C: the gemv path
    const Matrix<const double> xv(x.data(), 2, 1);
    const Matrix<double> c3(c.data(), 2, 1);
    if (kokkos_path)
      gemm_kokkos(Op::N, Op::N, 1.0, xa, xv, 0.0, c3);
    else
      gemm(Op::N, Op::N, 1.0, xa, xv, 0.0, c3);
    CHECK(host(c)[0] == 2.0);
    CHECK(host(c)[1] == 2.0);
  }
}

TEST_CASE("gemm_batched: strided batch and accumulation with C stride 0") {
  const long count = 4, m = 3, n = 2, k = 5;
  Vector<double> a("a", count * m * k), b("b", k * n), c("c", count * m * n), acc("acc", m * n);
  fill_normal(a, 4);
  fill_normal(b, 5);
  gemm_batched(Op::N, Op::N, 1.0, Matrix<const double>(a.data(), m, k), m * k,
               Matrix<const double>(b.data(), k, n), 0, 0.0, Matrix<double>(c.data(), m, n), m * n,
               count);
  // Accumulate the same products into one matrix: stride 0 for C, beta = 1.
  gemm_batched(Op::N, Op::N, 1.0, Matrix<const double>(a.data(), m, k), m * k,
               Matrix<const double>(b.data(), k, n), 0, 1.0, Matrix<double>(acc.data(), m, n), 0,
               count);
  const auto ah = host(a), bh = host(b), ch = host(c), acch = host(acc);
  std::vector<double> sum(static_cast<size_t>(m * n), 0.0);
  for (long i = 0; i < count; ++i) {
    std::vector<double> ai(ah.begin() + i * m * k, ah.begin() + (i + 1) * m * k);
    std::vector<double> ref(static_cast<size_t>(m * n), 0.0);
    naive_gemm(Op::N, Op::N, m, n, k, 1.0, ai, k, bh, n, 0.0, ref, n);
    for (long j = 0; j < m * n; ++j) {
      CHECK(std::abs(ch[size_t(i * m * n + j)] - ref[size_t(j)]) < 1e-13);
      sum[size_t(j)] += ref[size_t(j)];
    }
  }
  for (long j = 0; j < m * n; ++j)
    CHECK(std::abs(acch[size_t(j)] - sum[size_t(j)]) < 1e-13);
}

TEST_CASE("gemm: mismatched shapes are a UsageError naming them") {
  Vector<double> a("a", 12), b("b", 12), c("c", 12);
  CHECK_THROWS_WITH_AS(gemm(Op::N, Op::N, 1.0, Matrix<const double>(a.data(), 3, 4),
                            Matrix<const double>(b.data(), 3, 4), 0.0,
                            Matrix<double>(c.data(), 3, 4)),
                       doctest::Contains("A [3 x 4, ld 4] * B [3 x 4, ld 4]"), UsageError);
  CHECK_THROWS_AS(gemm(Op::N, Op::N, 1.0, Matrix<const double>(a.data(), 3, 4, 2),
                       Matrix<const double>(b.data(), 4, 3), 0.0, Matrix<double>(c.data(), 3, 3)),
                  UsageError); // ld < cols
}

TEST_CASE("activations against std:: formulas and known values") {
  for (double x : {-30.0, -8.5, -2.0, -0.3, 0.0, 0.7, 1.0, 3.0, 25.0}) {
    const double phi = 0.5 * (1 + std::erf(x / std::sqrt(2.0)));
    const double sig = 1 / (1 + std::exp(-x));
    CHECK(normal_cdf(x) == doctest::Approx(phi).epsilon(1e-15));
    CHECK(gelu(x) == doctest::Approx(x * phi).epsilon(1e-15));
    CHECK(gelu_grad(x, normal_cdf(x)) ==
          doctest::Approx(phi + x * std::exp(-x * x / 2) / std::sqrt(2 * M_PI)).epsilon(1e-14));
    CHECK(silu(x) == doctest::Approx(x * sig).epsilon(1e-14));
    CHECK(silu_grad(x) == doctest::Approx(sig * (1 + x * (1 - sig))).epsilon(1e-14));
    CHECK(softplus(x) == doctest::Approx(std::log1p(std::exp(x))).epsilon(1e-14));
    CHECK(softplus_grad(x) == doctest::Approx(sig).epsilon(1e-14));
    CHECK(gelu(float(x)) == doctest::Approx(x * phi).epsilon(1e-6));
    CHECK(silu(float(x)) == doctest::Approx(x * sig).epsilon(1e-6));
  }
  CHECK(gelu(1.0) == doctest::Approx(0.8413447460685429).epsilon(1e-15)); // torch.nn.GELU()(1.)
  CHECK(silu(1.0) == doctest::Approx(0.7310585786300049).epsilon(1e-15));
  CHECK(softplus(0.0) == doctest::Approx(std::log(2.0)).epsilon(1e-15));
  // Stability: no overflow for large x, no loss of the tiny value for very negative x.
  CHECK(softplus(1000.0) == 1000.0);
  CHECK(softplus(100.0f) == 100.0f);
  CHECK(softplus(-100.0) == doctest::Approx(3.7200759760208356e-44).epsilon(1e-14));
  CHECK(sigmoid(-1000.0) == 0.0);
  CHECK(sigmoid(1000.0) == 1.0);
  CHECK(silu(-1000.0f) == 0.0f);
}

TEST_CASE("activation layer applies the function elementwise") {
  Activation<float> act(ActivationKind::Softplus);
  Parameters<float> p;
  Tensor3<float> x("x", 2, 3, 4);
  fill_normal(x, 8);
  const auto y = host(act.forward(p, x));
  const auto xh = host(x);
  for (size_t i = 0; i < xh.size(); ++i)
    CHECK(y[i] == doctest::Approx(std::log1p(std::exp(xh[i]))).epsilon(1e-6));
}

namespace {
template <class Real> void check_linear(long batch, long c_in, long c_out, long points, bool bias) {
  PointwiseLinear<Real> lin(c_in, c_out, "lin", bias);
  Parameters<Real> p;
  lin.reserve(p);
  p.allocate();
  lin.init(p, CounterRng(1, purpose_id("init")));
  Tensor3<Real> x("x", batch, c_in, points);
  fill_normal(x, 9);
  const auto y = host(lin.forward(p, x));
  const auto xh = host(x), w = host(p.value(lin.weight_block()));
  const std::vector<double> bh = bias ? host(p.value(lin.bias_block())) : std::vector<double>();
  const double tol = std::is_same_v<Real, float> ? 1e-5 : 1e-13;
  for (long b = 0; b < batch; ++b)
    for (long o = 0; o < c_out; ++o)
      for (long q = 0; q < points; ++q) {
        double s = bias ? bh[size_t(o)] : 0.0;
        for (long i = 0; i < c_in; ++i)
          s += w[size_t(o * c_in + i)] * xh[size_t((b * c_in + i) * points + q)];
        CHECK(std::abs(y[size_t((b * c_out + o) * points + q)] - s) < tol);
      }
}
} // namespace

TEST_CASE("pointwise linear against a naive loop") {
  check_linear<double>(3, 4, 5, 7, true);
  check_linear<double>(2, 3, 2, 6, false);
  check_linear<double>(6, 4, 3, 1, true); // one point per item: the single-GEMM path
  check_linear<float>(3, 8, 5, 33, true);
  check_linear<float>(5, 3, 4, 1, false);
}

TEST_CASE("pointwise linear rejects a wrong channel count, naming the shape") {
  PointwiseLinear<double> lin(3, 2, "lin");
  Parameters<double> p;
  lin.reserve(p);
  p.allocate();
  Tensor3<double> x("x", 2, 4, 5);
  CHECK_THROWS_WITH_AS(lin.forward(p, x),
                       doctest::Contains("input [2][4][5] but [2][3][5] expected"), UsageError);
}

TEST_CASE("pointwise linear: the accumulating forms add what forward and backward return") {
  for (long points : {1L, 7L}) {
    PointwiseLinear<double> lin(4, 3, "lin");
    Parameters<double> p;
    lin.reserve(p);
    p.allocate();
    lin.init(p, CounterRng(2, purpose_id("init")));
    Tensor3<double> x("x", 2, 4, points), acc("acc", 2, 3, points), g("g", 2, 3, points),
        gacc("gacc", 2, 4, points);
    fill_normal(x, 1);
    fill_normal(acc, 2);
    fill_normal(g, 3);
    fill_normal(gacc, 4);
    const auto acc0 = host(acc), gacc0 = host(gacc);
    p.zero_grad();
    const auto y = host(lin.forward(p, x));
    const auto gx = host(lin.backward(p, g));
    const auto grads = host(p.grads());
    p.zero_grad();
    const auto y_add = host(lin.forward_add(p, x, acc));
    const auto gx_add = host(lin.backward_add(p, g, gacc));
    for (size_t i = 0; i < y.size(); ++i)
      CHECK(y_add[i] == doctest::Approx(acc0[i] + y[i]).epsilon(1e-14));
    for (size_t i = 0; i < gx.size(); ++i)
      CHECK(gx_add[i] == doctest::Approx(gacc0[i] + gx[i]).epsilon(1e-14));
    const auto grads_add = host(p.grads());
    for (size_t i = 0; i < grads.size(); ++i)
      CHECK(grads_add[i] == doctest::Approx(grads[i]).epsilon(1e-14));
    Tensor3<double> wrong("wrong", 2, 2, points);
    CHECK_THROWS_AS(lin.forward_add(p, x, wrong), UsageError);
  }
}

TEST_CASE("bias layer adds the per-channel bias") {
  Bias<double> bias(3, 4, "b");
  Parameters<double> p;
  bias.reserve(p);
  p.allocate();
  bias.init(p, CounterRng(2, purpose_id("init")));
  Tensor3<double> x("x", 2, 3, 5);
  fill_normal(x, 10);
  const auto y = host(bias.forward(p, x));
  const auto xh = host(x), bh = host(p.value(0));
  for (size_t i = 0; i < y.size(); ++i)
    CHECK(y[i] == xh[i] + bh[(i / 5) % 3]);
}

TEST_CASE("initialisation: PyTorch bounds, independent of block order") {
  Parameters<double> p1, p2;
  PointwiseLinear<double> a(16, 8, "a"), b(4, 4, "b"), a2(16, 8, "a"), b2(4, 4, "b");
  a.reserve(p1);
  b.reserve(p1);
  b2.reserve(p2); // the other order: different offsets, same values per block
  a2.reserve(p2);
  p1.allocate();
  p2.allocate();
  const CounterRng rng(5, purpose_id("init"));
  a.init(p1, rng);
  b.init(p1, rng);
  b2.init(p2, rng);
  a2.init(p2, rng);
  CHECK(p1.blocks()[size_t(a.weight_block())].offset !=
        p2.blocks()[size_t(a2.weight_block())].offset);
  CHECK(host(p1.value(a.weight_block())) == host(p2.value(a2.weight_block())));
  CHECK(host(p1.value(b.bias_block())) == host(p2.value(b2.bias_block())));
  const auto w = host(p1.value(a.weight_block()));
  double lo = 1, hi = -1;
  for (double v : w) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  CHECK(lo >= -0.25); // 1 / sqrt(16)
  CHECK(hi <= 0.25);
  CHECK(lo < -0.2); // 128 draws fill the interval
  CHECK(hi > 0.2);
  CHECK(host(p1.value(a.weight_block())) != host(p1.value(b.weight_block())));
}

TEST_CASE("time embedding: sinusoids then linear - SiLU - linear") {
  const long dim = 6, hidden = 5, out = 3, batch = 4;
  TimeEmbedding<double> emb(dim, hidden, out, "time");
  Parameters<double> p;
  emb.reserve(p);
  p.allocate();
  emb.init(p, CounterRng(3, purpose_id("init")));
  Vector<double> t("t", batch);
  auto th = Kokkos::create_mirror_view(t);
  for (long b = 0; b < batch; ++b)
    th(b) = 250.0 * double(b) + 1.5;
  Kokkos::deep_copy(t, th);
  const auto y = host(emb.forward(p, t));
  // Blocks in reservation order: mlp1.weight, mlp1.bias, mlp2.weight, mlp2.bias.
  const auto w1 = host(p.value(0)), b1 = host(p.value(1)), w2 = host(p.value(2)),
             b2 = host(p.value(3));
  for (long b = 0; b < batch; ++b) {
    std::vector<double> e(static_cast<size_t>(dim)), h(static_cast<size_t>(hidden));
    for (long k = 0; k < dim / 2; ++k) {
      const double f = std::exp(-std::log(10000.0) * double(k) / double(dim / 2));
      e[size_t(k)] = std::sin(th(b) * f);
      e[size_t(dim / 2 + k)] = std::cos(th(b) * f);
    }
    for (long j = 0; j < hidden; ++j) {
      double s = b1[size_t(j)];
      for (long k = 0; k < dim; ++k)
        s += w1[size_t(j * dim + k)] * e[size_t(k)];
      h[size_t(j)] = s / (1 + std::exp(-s));
    }
    for (long o = 0; o < out; ++o) {
      double s = b2[size_t(o)];
      for (long j = 0; j < hidden; ++j)
        s += w2[size_t(o * hidden + j)] * h[size_t(j)];
      CHECK(y[size_t(b * out + o)] == doctest::Approx(s).epsilon(1e-12));
    }
  }
}
