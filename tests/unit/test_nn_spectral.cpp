// Spectral transform and SpectralConv against independent references: FFTW (r2c for the forward
// modes, complex DFT + c2r for the inverse with torch.fft.irfft semantics), a direct O(N K) DFT
// implementation of the reference FNO's SpectralConv1d / SpectralConv2d, and the block property
// that partial mode sums of a split field add up to the transform of the whole field.
#include <doctest/doctest.h>

#include "test_views.hpp"

#include "fieldgen/nn/fno.hpp"
#include "fieldgen/nn/spectral_conv.hpp"

#include <fftw3.h>

#include <cmath>
#include <complex>
#include <vector>

using namespace fieldgen;
using namespace fieldgen::nn;
using fieldgen::testing::fill_normal;
using fieldgen::testing::host;
using cplx = std::complex<double>;

namespace {

// A fresh copy of a tensor (layer outputs are buffers reused by the layer's next call).
Tensor3<double> copy_of(const Tensor3<double>& t) {
  Tensor3<double> c("copy", t.extent(0), t.extent(1), t.extent(2));
  Kokkos::deep_copy(c, t);
  return c;
}

double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
  REQUIRE(a.size() == b.size());
  double m = 0;
  for (size_t i = 0; i < a.size(); ++i)
    m = std::max(m, std::abs(a[i] - b[i]));
  return m;
}

// torch.fft.irfft(half, n) on one row: Hermitian completion of the half spectrum (imaginary
// parts of k = 0 and of the Nyquist mode dropped), then the plain inverse DFT.
std::vector<double> irfft_direct(std::vector<cplx> half, long n) {
  half.resize(size_t(n / 2 + 1), 0.0);
  half[0] = half[0].real();
  if (n % 2 == 0)
    half[size_t(n / 2)] = half[size_t(n / 2)].real();
  std::vector<cplx> full(static_cast<size_t>(n));
  for (long k = 0; k <= n / 2; ++k) {
    full[size_t(k)] = half[size_t(k)];
    if (k > 0 && n - k > n / 2)
      full[size_t(n - k)] = std::conj(half[size_t(k)]);
  }
  std::vector<double> y(static_cast<size_t>(n));
  for (long j = 0; j < n; ++j) {
    cplx s = 0;
    for (long k = 0; k < n; ++k)
      s += full[size_t(k)] * std::polar(1.0, 2 * M_PI * double(k * j % n) / double(n));
    y[size_t(j)] = s.real() / double(n);
  }
  return y;
}

cplx weight(const std::vector<double>& w, long at) {
  return {w[size_t(at)], w[size_t(at + 1)]};
}

} // namespace

TEST_CASE("spectral transform: modes equal FFTW r2c (1-D, Nyquist kept)") {
  const long n = 12, k = 7, rows = 6;
  SpectralTransform<double> t(FieldBlock::whole({n}), {k});
  Tensor3<double> x("x", 2, 3, n), c("c", k, 2, rows);
  fill_normal(x, 1);
  t.analyse(x, c);
  const auto xh = host(x), ch = host(c);
  std::vector<double> in(static_cast<size_t>(n));
  std::vector<fftw_complex> out(size_t(n / 2 + 1));
  fftw_plan plan = fftw_plan_dft_r2c_1d(int(n), in.data(), out.data(), FFTW_ESTIMATE);
  double err = 0;
  for (long r = 0; r < rows; ++r) {
    std::copy(xh.begin() + r * n, xh.begin() + (r + 1) * n, in.begin());
    fftw_execute(plan);
    for (long m = 0; m < k; ++m) {
      err = std::max(err, std::abs(ch[size_t((m * 2 + 0) * rows + r)] - out[size_t(m)][0]));
      err = std::max(err, std::abs(ch[size_t((m * 2 + 1) * rows + r)] - out[size_t(m)][1]));
    }
  }
  fftw_destroy_plan(plan);
  CHECK(err < 1e-12);
}

TEST_CASE("spectral transform: modes equal FFTW r2c 2-D on both k1 corner blocks") {
  const long n1 = 8, n2 = 10, k1 = 3, k2 = 6, rows = 2;
  SpectralTransform<double> t(FieldBlock::whole({n1, n2}), {k1, k2});
  REQUIRE(t.modes() == 2 * k1 * k2);
  Tensor3<double> x("x", 1, rows, n1 * n2), c("c", t.modes(), 2, rows);
  fill_normal(x, 2);
  t.analyse(x, c);
  const auto xh = host(x), ch = host(c);
  std::vector<double> in(static_cast<size_t>(n1 * n2));
  std::vector<fftw_complex> out(size_t(n1 * (n2 / 2 + 1)));
  fftw_plan plan = fftw_plan_dft_r2c_2d(int(n1), int(n2), in.data(), out.data(), FFTW_ESTIMATE);
  double err = 0;
  for (long r = 0; r < rows; ++r) {
    std::copy(xh.begin() + r * n1 * n2, xh.begin() + (r + 1) * n1 * n2, in.begin());
    fftw_execute(plan);
    for (long m = 0; m < t.modes(); ++m) {
      const long a = t.wavenumber(m, 0), b = t.wavenumber(m, 1);
      const auto& f = out[size_t(a * (n2 / 2 + 1) + b)];
      err = std::max(err, std::abs(ch[size_t((m * 2 + 0) * rows + r)] - f[0]));
      err = std::max(err, std::abs(ch[size_t((m * 2 + 1) * rows + r)] - f[1]));
    }
  }
  fftw_destroy_plan(plan);
  CHECK(err < 1e-12);
  CHECK(t.wavenumber(0, 0) == 0);
  CHECK(t.wavenumber(2 * k1 - 1, 0) == n1 - 1);
  CHECK(t.wavenumber(k1, 0) == n1 - k1);
  CHECK(t.wavenumber(2 * k1, 1) == 1);
}

TEST_CASE("spectral transform: weighted synthesis is the irfft of the kept modes (FFTW)") {
  // 1-D: FFTW c2r on the zero-padded half spectrum (imaginary parts of DC and Nyquist set to 0
  // for FFTW, which assumes Hermitian input; the synthesis must ignore them by itself).
  for (long n : {10L, 11L}) {
    const long k = n / 2 + 1, rows = 3;
    SpectralTransform<double> t(FieldBlock::whole({n}), {k});
    Tensor3<double> c("c", k, 2, rows), y("y", 1, rows, n);
    fill_normal(c, 3);
    auto ch = Kokkos::create_mirror_view(c);
    Kokkos::deep_copy(ch, c);
    const auto w = host(t.inverse_weights());
    for (long m = 0; m < k; ++m)
      for (int p = 0; p < 2; ++p)
        for (long r = 0; r < rows; ++r)
          ch(m, p, r) *= w[size_t(m)];
    Kokkos::deep_copy(c, ch);
    t.synthesise(c, y);
    const auto yh = host(y);
    fill_normal(c, 3); // the unweighted coefficients again
    const auto raw = host(c);
    std::vector<fftw_complex> in(size_t(n / 2 + 1));
    std::vector<double> out(static_cast<size_t>(n));
    fftw_plan plan = fftw_plan_dft_c2r_1d(int(n), in.data(), out.data(), FFTW_ESTIMATE);
    double err = 0;
    for (long r = 0; r < rows; ++r) {
      for (long m = 0; m <= n / 2; ++m) {
        in[size_t(m)][0] = raw[size_t((m * 2) * rows + r)];
        in[size_t(m)][1] = (m == 0 || 2 * m == n) ? 0.0 : raw[size_t((m * 2 + 1) * rows + r)];
      }
      fftw_execute(plan);
      for (long j = 0; j < n; ++j)
        err = std::max(err, std::abs(yh[size_t(r * n + j)] - out[size_t(j)] / double(n)));
    }
    fftw_destroy_plan(plan);
    CHECK(err < 1e-13);
  }
}

TEST_CASE("spectral transform: partial sums of a split field add up; synthesis per block") {
  SUBCASE("1-D") {
    const long n = 13, k = 5, rows = 4;
    Tensor3<double> x("x", 2, 2, n), whole_c("c", k, 2, rows), whole_y("y", 2, 2, n);
    fill_normal(x, 4);
    SpectralTransform<double> whole(FieldBlock::whole({n}), {k});
    whole.analyse(x, whole_c);
    whole.synthesise(whole_c, whole_y);
    const auto xh = host(x), yh = host(whole_y);
    std::vector<double> sum(static_cast<size_t>(k * 2 * rows), 0.0);
    double y_err = 0;
    for (auto [off, len] : {std::pair<long, long>{0, 4}, {4, 6}, {10, 3}}) {
      FieldBlock b{{n}, {off}, {len}};
      SpectralTransform<double> part(b, {k});
      Tensor3<double> xp("xp", 2, 2, len), cp("cp", k, 2, rows), yp("yp", 2, 2, len);
      auto xph = Kokkos::create_mirror_view(xp);
      for (long r = 0; r < rows; ++r)
        for (long j = 0; j < len; ++j)
          xph.data()[r * len + j] = xh[size_t(r * n + off + j)];
      Kokkos::deep_copy(xp, xph);
      part.analyse(xp, cp);
      const auto cph = host(cp);
      for (size_t i = 0; i < sum.size(); ++i)
        sum[i] += cph[i];
      part.synthesise(whole_c, yp);
      const auto yph = host(yp);
      for (long r = 0; r < rows; ++r)
        for (long j = 0; j < len; ++j)
          y_err = std::max(y_err, std::abs(yph[size_t(r * len + j)] - yh[size_t(r * n + off + j)]));
    }
    CHECK(max_abs_diff(sum, host(whole_c)) < 1e-12);
    CHECK(y_err < 1e-12);
  }
  SUBCASE("2-D, 2 x 2 blocks") {
    const long n1 = 7, n2 = 9, rows = 3;
    const std::vector<long> modes{2, 4};
    SpectralTransform<double> whole(FieldBlock::whole({n1, n2}), modes);
    Tensor3<double> x("x", 1, rows, n1 * n2), whole_c("c", whole.modes(), 2, rows),
        whole_y("y", 1, rows, n1 * n2);
    fill_normal(x, 5);
    whole.analyse(x, whole_c);
    whole.synthesise(whole_c, whole_y);
    const auto xh = host(x), yh = host(whole_y);
    std::vector<double> sum(host(whole_c).size(), 0.0);
    double y_err = 0;
    for (long o1 : {0L, 3L})
      for (long o2 : {0L, 5L}) {
        const long l1 = o1 == 0 ? 3 : 4, l2 = o2 == 0 ? 5 : 4;
        SpectralTransform<double> part(FieldBlock{{n1, n2}, {o1, o2}, {l1, l2}}, modes);
        Tensor3<double> xp("xp", 1, rows, l1 * l2), cp("cp", whole.modes(), 2, rows),
            yp("yp", 1, rows, l1 * l2);
        auto xph = Kokkos::create_mirror_view(xp);
        for (long r = 0; r < rows; ++r)
          for (long i = 0; i < l1; ++i)
            for (long j = 0; j < l2; ++j)
              xph(0, r, i * l2 + j) = xh[size_t(r * n1 * n2 + (o1 + i) * n2 + o2 + j)];
        Kokkos::deep_copy(xp, xph);
        part.analyse(xp, cp);
        const auto cph = host(cp);
        for (size_t i = 0; i < sum.size(); ++i)
          sum[i] += cph[i];
        part.synthesise(whole_c, yp);
        const auto yph = host(yp);
        for (long r = 0; r < rows; ++r)
          for (long i = 0; i < l1; ++i)
            for (long j = 0; j < l2; ++j)
              y_err = std::max(y_err, std::abs(yph[size_t(r * l1 * l2 + i * l2 + j)] -
                                               yh[size_t(r * n1 * n2 + (o1 + i) * n2 + o2 + j)]));
      }
    CHECK(max_abs_diff(sum, host(whole_c)) < 1e-12);
    CHECK(y_err < 1e-12);
  }
}

TEST_CASE("SpectralConv1d equals the reference (direct DFT, einsum, irfft) at two resolutions") {
  const long ci = 3, co = 2, k = 5, batch = 2;
  SpectralConv<double> layer(ci, co, {k}, "spec");
  Parameters<double> p;
  layer.reserve(p);
  p.allocate();
  layer.init(p, CounterRng(1, purpose_id("init")));
  const auto w = host(p.value(0)); // [ci][co][k][2]
  for (long n : {8L, 15L}) {
    Tensor3<double> x("x", batch, ci, n);
    fill_normal(x, 6 + n);
    const auto y = host(layer.forward(p, x));
    const auto xh = host(x);
    double err = 0;
    for (long b = 0; b < batch; ++b) {
      std::vector<std::vector<cplx>> xf(static_cast<size_t>(ci), std::vector<cplx>(size_t(k)));
      for (long i = 0; i < ci; ++i)
        for (long m = 0; m < k; ++m)
          for (long j = 0; j < n; ++j)
            xf[size_t(i)][size_t(m)] += xh[size_t((b * ci + i) * n + j)] *
                                        std::polar(1.0, -2 * M_PI * double(m * j % n) / double(n));
      for (long o = 0; o < co; ++o) {
        std::vector<cplx> yf(static_cast<size_t>(k));
        for (long m = 0; m < k; ++m)
          for (long i = 0; i < ci; ++i)
            yf[size_t(m)] += xf[size_t(i)][size_t(m)] * weight(w, ((i * co + o) * k + m) * 2);
        const auto ref = irfft_direct(yf, n);
        for (long j = 0; j < n; ++j)
          err = std::max(err, std::abs(y[size_t((b * co + o) * n + j)] - ref[size_t(j)]));
      }
    }
    CHECK(err < 1e-13);
  }
  CHECK(&layer.transform(8) == &layer.transform(8)); // bases built once per grid size
}

TEST_CASE("SpectralConv2d equals the reference (direct DFT, weights1/weights2, irfft2)") {
  const long ci = 2, co = 3, k1 = 2, k2 = 3, n1 = 6, n2 = 4, batch = 2; // k2 = 2 is Nyquist
  SpectralConv<double> layer(ci, co, {k1, k2}, "spec");
  layer.set_block(FieldBlock::whole({n1, n2}));
  Parameters<double> p;
  layer.reserve(p);
  p.allocate();
  layer.init(p, CounterRng(2, purpose_id("init")));
  const auto w1 = host(p.value(0)), w2 = host(p.value(1)); // [ci][co][k1][k2][2]
  Tensor3<double> x("x", batch, ci, n1 * n2);
  fill_normal(x, 7);
  const auto y = host(layer.forward(p, x));
  const auto xh = host(x);
  double err = 0;
  for (long b = 0; b < batch; ++b)
    for (long o = 0; o < co; ++o) {
      // out_ft[a][c] over the full k1 range and c = 0 .. n2/2, zero outside the two corners.
      std::vector<std::vector<cplx>> of(static_cast<size_t>(n1),
                                        std::vector<cplx>(size_t(n2 / 2 + 1)));
      for (long a = 0; a < n1; ++a) {
        const bool low = a < k1, high = a >= n1 - k1;
        if (!low && !high)
          continue;
        for (long c = 0; c < k2; ++c)
          for (long i = 0; i < ci; ++i) {
            cplx xf = 0;
            for (long j1 = 0; j1 < n1; ++j1)
              for (long j2 = 0; j2 < n2; ++j2)
                xf += xh[size_t((b * ci + i) * n1 * n2 + j1 * n2 + j2)] *
                      std::polar(1.0, -2 * M_PI *
                                          (double(a * j1 % n1) / double(n1) +
                                           double(c * j2 % n2) / double(n2)));
            const long at = (((i * co + o) * k1 + (low ? a : a - (n1 - k1))) * k2 + c) * 2;
            of[size_t(a)][size_t(c)] += xf * weight(low ? w1 : w2, at);
          }
      }
      // irfft2 = inverse DFT along the first axis, then irfft along the last.
      for (long j1 = 0; j1 < n1; ++j1) {
        std::vector<cplx> row(static_cast<size_t>(n2 / 2 + 1));
        for (long c = 0; c <= n2 / 2; ++c)
          for (long a = 0; a < n1; ++a)
            row[size_t(c)] += of[size_t(a)][size_t(c)] *
                              std::polar(1.0, 2 * M_PI * double(a * j1 % n1) / double(n1)) /
                              double(n1);
        const auto ref = irfft_direct(row, n2);
        for (long j2 = 0; j2 < n2; ++j2)
          err = std::max(
              err, std::abs(y[size_t((b * co + o) * n1 * n2 + j1 * n2 + j2)] - ref[size_t(j2)]));
      }
    }
  CHECK(err < 1e-13);
}

TEST_CASE("SpectralConv: float agrees with double; misuse is reported") {
  SpectralConv<float> f(2, 2, {3, 3}, "spec");
  SpectralConv<double> d(2, 2, {3, 3}, "spec");
  f.set_block(FieldBlock::whole({8, 8}));
  d.set_block(FieldBlock::whole({8, 8}));
  Parameters<float> pf;
  Parameters<double> pd;
  f.reserve(pf);
  d.reserve(pd);
  pf.allocate();
  pd.allocate();
  f.init(pf, CounterRng(3, purpose_id("init")));
  d.init(pd, CounterRng(3, purpose_id("init")));
  Tensor3<float> xf("xf", 2, 2, 64);
  Tensor3<double> xd("xd", 2, 2, 64);
  fill_normal(xf, 8);
  fill_normal(xd, 8);
  CHECK(max_abs_diff(host(f.forward(pf, xf)), host(d.forward(pd, xd))) < 1e-5);

  SpectralConv<double> no_block(2, 2, {3, 3}, "spec");
  Parameters<double> p;
  no_block.reserve(p);
  p.allocate();
  CHECK_THROWS_WITH_AS(no_block.forward(p, xd), doctest::Contains("needs set_block"), UsageError);
  no_block.set_block(FieldBlock::whole({4, 16}));
  CHECK_THROWS_WITH_AS(no_block.forward(p, xd), doctest::Contains("2 K1 <= n1"), UsageError);
  SpectralConv<double> too_many(2, 2, {6}, "spec");
  Parameters<double> p1;
  too_many.reserve(p1);
  p1.allocate();
  Tensor3<double> x8("x8", 1, 2, 8);
  CHECK_THROWS_WITH_AS(too_many.forward(p1, x8), doctest::Contains("at most n/2 + 1"), UsageError);
  CHECK_THROWS_WITH_AS(d.forward(pd, x8),
                       doctest::Contains("input of 8 points per field but the block"), UsageError);
}

TEST_CASE("FNO 1-D is the reference sequence: fc0 on (u, linspace(0,1), t/max_t), Fourier layers "
          "with GELU between, fc1-GELU-fc2") {
  FnoConfig config;
  config.modes = {3};
  config.width = 4;
  config.depth = 3;
  config.projection = 5;
  config.max_t = 1000;
  Fno<double> fno(config);
  Parameters<double> p;
  fno.reserve(p);
  p.allocate();
  fno.init(p, CounterRng(4, purpose_id("init")));
  // The same layers, reserved in the model's order, so that they read the same parameters.
  PointwiseLinear<double> fc0(3, 4, "fc0"), fc1(4, 5, "fc1"), fc2(5, 1, "fc2");
  std::vector<std::unique_ptr<SpectralConv<double>>> conv;
  std::vector<std::unique_ptr<PointwiseLinear<double>>> w;
  Parameters<double> q;
  fc0.reserve(q);
  for (int l = 0; l < 3; ++l) {
    conv.push_back(std::make_unique<SpectralConv<double>>(4, 4, std::vector<long>{3}, "conv"));
    w.push_back(std::make_unique<PointwiseLinear<double>>(4, 4, "w"));
    conv.back()->reserve(q);
    w.back()->reserve(q);
  }
  fc1.reserve(q);
  fc2.reserve(q);
  q.allocate();
  REQUIRE(q.size() == p.size());
  Kokkos::deep_copy(q.values(), p.values());
  Activation<double> gelu(ActivationKind::GELU), gelu_proj(ActivationKind::GELU);
  for (long n : {12L, 17L}) { // any resolution
    const long batch = 2;
    Tensor3<double> u("u", batch, 1, n), in("in", batch, 3, n);
    Vector<double> t("t", batch);
    fill_normal(u, 30 + n);
    auto th = Kokkos::create_mirror_view(t);
    th(0) = 3;
    th(1) = 999;
    Kokkos::deep_copy(t, th);
    auto inh = Kokkos::create_mirror_view(in);
    const auto uh = host(u);
    for (long b = 0; b < batch; ++b)
      for (long j = 0; j < n; ++j) {
        inh(b, 0, j) = uh[size_t(b * n + j)];
        inh(b, 1, j) = double(j) / double(n - 1);
        inh(b, 2, j) = th(b) / 1000.0;
      }
    Kokkos::deep_copy(in, inh);
    Tensor3<double> h = fc0.forward(q, in);
    for (int l = 0; l < 3; ++l) {
      const auto a = host(conv[l]->forward(q, h)), b = host(w[l]->forward(q, h));
      Tensor3<double> s("s", batch, 4, n);
      auto sh = Kokkos::create_mirror_view(s);
      for (size_t i = 0; i < a.size(); ++i)
        sh.data()[i] = a[i] + b[i];
      Kokkos::deep_copy(s, sh);
      h = l < 2 ? copy_of(gelu.forward(q, s)) : s;
    }
    const auto ref = host(fc2.forward(q, gelu_proj.forward(q, fc1.forward(q, h))));
    CHECK(max_abs_diff(host(fno.forward(p, u, t)), ref) < 1e-14);
  }
}
