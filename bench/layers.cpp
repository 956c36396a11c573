// Benchmark section "layers": throughput of the pointwise linear and spectral layers next to
// baselines measured in the same run on the same buffers:
//   pointwise: GFLOP/s of forward and forward+backward vs the raw cblas GEMMs of exactly the
//     same shapes (one per batch item; the requirement is layer >= 70% of raw);
//   spectral: GFLOP/s of forward+backward vs the raw cblas GEMMs of its transform and mixing
//     shapes, and its transform time (analysis + synthesis) vs FFTW r2c + c2r of the same rows;
//   with several ranks, the 2-D spectral layer on a field split over all ranks.
// Each figure is the median of repetitions after a warm-up; float and double. Rank 0 measures
// the single-process rows while the other ranks wait.
#include "common.hpp"
#include "sections.hpp"

#include "fieldgen/mesh/decomposition.hpp"
#include "fieldgen/nn/gemm.hpp"
#include "fieldgen/nn/linear.hpp"
#include "fieldgen/nn/spectral_conv.hpp"

#include <fftw3.h>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace fieldgen::bench {

namespace {

using nn::FieldBlock;
using nn::Parameters;
using nn::Tensor3;

constexpr long batch = 64, width = 64;

template <class Layer, class Real> Parameters<Real> parameters(Layer& layer) {
  Parameters<Real> p;
  layer.reserve(p);
  p.allocate();
  layer.init(p, CounterRng(1, purpose_id("bench.init")));
  return p;
}

template <class Real> void pointwise_row(long points) {
  nn::PointwiseLinear<Real> layer(width, width, "bench.pointwise");
  Parameters<Real> p = parameters<decltype(layer), Real>(layer);
  Tensor3<Real> x("x", batch, width, points), g("g", batch, width, points);
  Tensor3<Real> y("y", batch, width, points), gx("gx", batch, width, points);
  fill(x, 1);
  fill(g, 2);
  const long s = width * points;
  const Real* w = p.value(layer.weight_block()).data();
  Real* gw = p.grad(layer.weight_block()).data();
  auto raw_forward = [&] {
    for (long b = 0; b < batch; ++b)
      raw(N, N, width, points, width, Real(1), w, width, x.data() + b * s, points, Real(0),
          y.data() + b * s, points);
  };
  auto raw_backward = [&] {
    for (long b = 0; b < batch; ++b)
      raw(N, T, width, width, points, Real(1), g.data() + b * s, points, x.data() + b * s, points,
          Real(1), gw, width);
    for (long b = 0; b < batch; ++b)
      raw(T, N, width, points, width, Real(1), w, width, g.data() + b * s, points, Real(0),
          gx.data() + b * s, points);
  };
  const double flops = nn::gemm_flops(width, points, width) * double(batch);
  const auto fwd = medians({[&] { layer.forward(p, x); }, raw_forward});
  const auto both = medians({[&] {
                               layer.forward(p, x);
                               layer.backward(p, g);
                             },
                             [&] {
                               raw_forward();
                               raw_backward();
                             }});
  const double t_fwd = fwd[0], t_raw_fwd = fwd[1], t_both = both[0], t_raw_both = both[1];
  std::printf("  %-6s %6ld %9.1f %9.1f %6.0f%% %9.1f %9.1f %6.0f%%\n", precision<Real>(), points,
              flops / t_fwd * 1e-9, flops / t_raw_fwd * 1e-9, 100 * t_raw_fwd / t_fwd,
              3 * flops / t_both * 1e-9, 3 * flops / t_raw_both * 1e-9, 100 * t_raw_both / t_both);
}

// FFTW r2c of `rows` fields then c2r back (all modes, unnormalised): the reference transform.
double fftw_seconds(const std::vector<long>& n, long rows) {
  long points = 1, half = 1;
  for (size_t a = 0; a < n.size(); ++a) {
    points *= n[a];
    half *= a + 1 == n.size() ? n[a] / 2 + 1 : n[a];
  }
  std::vector<int> dims(n.begin(), n.end());
  double* in = fftw_alloc_real(size_t(rows * points));
  fftw_complex* out = fftw_alloc_complex(size_t(rows * half));
  std::fill(in, in + rows * points, 1.0);
  fftw_plan fwd = fftw_plan_many_dft_r2c(int(n.size()), dims.data(), int(rows), in, nullptr, 1,
                                         int(points), out, nullptr, 1, int(half), FFTW_MEASURE);
  fftw_plan inv = fftw_plan_many_dft_c2r(int(n.size()), dims.data(), int(rows), out, nullptr, 1,
                                         int(half), in, nullptr, 1, int(points), FFTW_MEASURE);
  std::fill(in, in + rows * points, 1.0);
  const double t = medians({[&] {
    fftw_execute(fwd);
    fftw_execute(inv);
  }})[0];
  fftw_destroy_plan(fwd);
  fftw_destroy_plan(inv);
  fftw_free(in);
  fftw_free(out);
  return t;
}

template <class Real> double spectral_row(std::vector<long> n, std::vector<long> k) {
  nn::SpectralConv<Real> layer(width, width, k, "bench.spectral");
  layer.set_block(FieldBlock::whole(n));
  Parameters<Real> p = parameters<decltype(layer), Real>(layer);
  const long points = FieldBlock::whole(n).local_size(), rows = batch * width;
  Tensor3<Real> x("x", batch, width, points), g("g", batch, width, points);
  Tensor3<Real> y("y", batch, width, points), c("c", layer.transform(points).modes(), 2, rows);
  fill(x, 3);
  fill(g, 4);
  nn::SpectralTransform<Real>& transform = layer.transform(points);
  const double mix = 8.0 * double(batch * width * width * transform.modes());
  const double flops = 2 * layer.forward_flops(batch, points) + mix; // backward: 2 mixings
  RawSpectral<Real> r(n, k, batch, width);
  const auto t = medians({[&] {
                            layer.forward(p, x);
                            layer.backward(p, g);
                          },
                          [&] {
                            r.analyse(x.data(), r.coeff.data());
                            r.mix(N, N);
                            r.synthesise(r.mixed.data(), y.data());
                            r.analyse(g.data(), r.coeff2.data());
                            r.mix(T, N);
                            r.mix(N, T);
                            r.synthesise(r.mixed.data(), y.data());
                          },
                          [&] {
                            transform.analyse(x, c);
                            transform.synthesise(c, y);
                          }});
  const double t_layer = t[0], t_raw = t[1], t_transform = t[2];
  char shape[32], modes[32], fftw[32] = "-";
  std::snprintf(shape, sizeof shape, n.size() == 1 ? "%ld" : "%ldx%ld", n[0], n.back());
  std::snprintf(modes, sizeof modes, k.size() == 1 ? "%ld" : "%ldx%ld", k[0], k.back());
  if (sizeof(Real) == 8) {
    const double t_fftw = fftw_seconds(n, rows);
    std::snprintf(fftw, sizeof fftw, "%.2f (%.2fx)", 1e3 * t_fftw, t_transform / t_fftw);
  }
  std::printf("  %-6s %7s %6s %9.1f %9.1f %6.0f%% %9.2f  %s\n", precision<Real>(), shape, modes,
              flops / t_layer * 1e-9, flops / t_raw * 1e-9, 100 * t_raw / t_layer,
              1e3 * t_transform, fftw);
  return t_layer;
}

// The 2-D layer on a field split over all ranks: forward + backward time per step.
void split_row(const Comm& comm, long n, long k, double t_single) {
  const Decomposition dec(Grid::unit({n, n}), comm.get());
  nn::SpectralConv<float> layer(width, width, {k, k}, "bench.spectral", dec.comm());
  layer.set_block(FieldBlock::of(dec));
  Parameters<float> p = parameters<decltype(layer), float>(layer);
  Tensor3<float> x("x", batch, width, dec.local_size()), g("g", batch, width, dec.local_size());
  fill(x, 5);
  fill(g, 6);
  double t = medians({[&] {
    layer.forward(p, x);
    layer.backward(p, g);
  }})[0];
  t = comm.max(t);
  if (comm.is_root())
    std::printf("  split float %ldx%ld modes %ldx%ld over %d ranks (%dx%d): forward+backward "
                "%.1f ms, %.2fx the single-rank layer (%.1f ms)\n",
                n, n, k, k, comm.size(), dec.ranks_along(0), dec.ranks_along(1), 1e3 * t,
                t_single / t, 1e3 * t_single);
}

} // namespace

void layers(const Comm& comm) {
  double t_split_reference = 0;
  if (comm.is_root()) {
    std::printf("layers: pointwise linear, batch %ld, %ld -> %ld channels, GFLOP/s (median)\n",
                batch, width, width);
    std::printf("  %-6s %6s %9s %9s %7s %9s %9s %7s\n", "", "points", "forward", "raw GEMM",
                "ratio", "fwd+bwd", "raw GEMM", "ratio");
    for (long n : {64L, 256L, 4096L}) {
      pointwise_row<float>(n);
      pointwise_row<double>(n);
    }
    std::printf("layers: spectral conv, batch %ld, width %ld; fwd+bwd GFLOP/s vs raw GEMMs of "
                "the same shapes; transform = analysis + synthesis of %ld rows vs FFTW r2c + c2r\n",
                batch, width, batch * width);
    std::printf("  %-6s %7s %6s %9s %9s %7s %9s  %s\n", "", "grid", "modes", "fwd+bwd", "raw GEMM",
                "ratio", "transf ms", "FFTW ms (ratio)");
    for (long n : {64L, 256L, 4096L}) {
      spectral_row<float>({n}, {16});
      spectral_row<double>({n}, {16});
    }
    t_split_reference = spectral_row<float>({64, 64}, {12, 12});
    spectral_row<double>({64, 64}, {12, 12});
  }
  quiet_barrier(comm);
  comm.broadcast(&t_split_reference, 1);
  if (comm.size() > 1)
    split_row(comm, 64, 12, t_split_reference);
}

} // namespace fieldgen::bench
