// Helpers shared by the benchmark sections: interleaved median timing, the raw row-major cblas
// GEMM baseline in either precision (and the raw GEMM shapes of a spectral layer), random fills
// and a sleeping barrier for ranks that wait while rank 0 measures.
#pragma once

#include "fieldgen/core/comm.hpp"
#include "fieldgen/core/rng.hpp"
#include "fieldgen/core/timer.hpp"

#include <Kokkos_Core.hpp>
#include <cblas.h>

#include <functional>
#include <vector>

namespace fieldgen::bench {

// Seconds of CPU time used by this process (all its threads; CLOCK_PROCESS_CPUTIME_ID). On a
// shared machine whose cores are time-sliced between jobs, CPU time measures the work done
// where wall time also counts the slices given to others, so ratios of CPU times between sizes
// stay meaningful under load (the machine's caches are still shared).
double cpu_seconds();

// Median times of the functions, measured interleaved (f0, f1, ..., f0, f1, ...) so that a
// kernel and its baseline see the same machine load; two warm-up rounds, then at least
// min_rounds rounds and 0.3 s of wall time (at most 200 rounds). Wall time, or CPU time
// (cpu_seconds) when cpu is true.
std::vector<double> medians(const std::vector<std::function<void()>>& fns, int min_rounds = 7,
                            bool cpu = false);

struct Times {
  double wall, cpu;
};
// The slowest rank's wall and CPU seconds of fn, started together after a barrier.
template <class F> Times timed(const Comm& comm, F&& fn) {
  comm.barrier();
  const Stopwatch sw;
  const double c = cpu_seconds();
  fn();
  const double cpu = cpu_seconds() - c, wall = sw.seconds();
  return {comm.max(wall), comm.max(cpu)};
}
// Median of the values (the upper one for an even count).
double median(std::vector<double> t);

template <class Real> const char* precision() {
  return sizeof(Real) == 4 ? "float" : "double";
}

// Standard normal values from CounterRng(seed, "bench.fill"), the same on every call.
template <class View> void fill(const View& v, std::uint64_t seed) {
  auto h = Kokkos::create_mirror_view(v);
  const CounterRng rng(seed, purpose_id("bench.fill"));
  for (size_t i = 0; i < h.size(); ++i)
    h.data()[i] = typename View::value_type(rng.normal(i, 0));
  Kokkos::deep_copy(v, h);
}

// Row-major cblas GEMM in either precision (the raw baseline).
void raw(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, long m, long n, long k, float alpha,
         const float* a, long lda, const float* b, long ldb, float beta, float* c, long ldc);
void raw(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, long m, long n, long k, double alpha,
         const double* a, long lda, const double* b, long ldb, double beta, double* c, long ldc);
constexpr CBLAS_TRANSPOSE N = CblasNoTrans, T = CblasTrans;

// Raw cblas GEMMs of the spectral layer's forward + backward shapes (SpectralTransform and
// SpectralConv) for `batch` fields of `width` channels on an n grid with k kept modes: analysis
// of x and of grad_out, synthesis of y and of grad_in, mixing in three directions (forward,
// input gradient, weight gradient; three GEMMs per mode each).
template <class Real> struct RawSpectral {
  std::vector<long> n, k;
  long batch, width, modes, rows;
  std::vector<Real> basis_last, basis_first, coeff, coeff2, mixed, weights, work;

  RawSpectral(std::vector<long> n_, std::vector<long> k_, long batch_, long width_)
      : n(n_), k(k_), batch(batch_), width(width_) {
    rows = batch * width;
    modes = n.size() == 1 ? k[0] : 2 * k[0] * k[1];
    basis_last.assign(size_t(2 * k.back() * n.back()), Real(0.5));
    if (n.size() == 2) {
      basis_first.assign(size_t(4 * k[0] * 2 * n[0]), Real(0.5));
      work.assign(size_t(2 * k[1] * n[0] * rows), Real(0));
    }
    coeff.assign(size_t(modes * 2 * rows), Real(0.1));
    coeff2 = coeff;
    mixed = coeff;
    weights.assign(size_t(modes * width * width), Real(0.01));
  }
  void analyse(const Real* x, Real* c) {
    const long kl = k.back(), nl = n.back();
    if (n.size() == 1)
      return raw(N, T, 2 * kl, rows, nl, Real(1), basis_last.data(), nl, x, nl, Real(0), c, rows);
    for (long j = 0; j < n[0]; ++j)
      raw(N, T, 2 * kl, rows, nl, Real(1), basis_last.data(), nl, x + j * nl, n[0] * nl, Real(0),
          work.data() + j * rows, n[0] * rows);
    for (long q = 0; q < kl; ++q)
      raw(N, N, 4 * k[0], rows, 2 * n[0], Real(1), basis_first.data(), 2 * n[0],
          work.data() + q * 2 * n[0] * rows, rows, Real(0), c + q * 4 * k[0] * rows, rows);
  }
  void synthesise(const Real* c, Real* y) {
    const long kl = k.back(), nl = n.back();
    if (n.size() == 1)
      return raw(T, N, rows, nl, 2 * kl, Real(1), c, rows, basis_last.data(), nl, Real(0), y, nl);
    for (long q = 0; q < kl; ++q)
      raw(T, N, 2 * n[0], rows, 4 * k[0], Real(1), basis_first.data(), 2 * n[0],
          c + q * 4 * k[0] * rows, rows, Real(0), work.data() + q * 2 * n[0] * rows, rows);
    for (long j = 0; j < n[0]; ++j)
      raw(T, N, rows, nl, 2 * kl, Real(1), work.data() + j * rows, n[0] * rows, basis_last.data(),
          nl, Real(0), y + j * nl, n[0] * nl);
  }
  // One mixing direction: three GEMMs per mode of the shapes of SpectralConv.
  void mix(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb) {
    const long b = batch, c = width;
    for (long m = 0; m < modes; ++m) {
      const Real* x = coeff.data() + m * 2 * b * c;
      const Real* w = weights.data() + m * c * c;
      Real* y = mixed.data() + m * 2 * b * c;
      if (ta == N && tb == N) { // forward / input gradient (with W^T)
        raw(N, N, 2 * b, c, c, Real(1), x, c, w, c, Real(0), y, c);
        raw(N, N, b, c, c, Real(-1), x + b * c, c, w, c, Real(1), y, c);
        raw(N, N, b, c, c, Real(1), x, c, w, c, Real(1), y + b * c, c);
      } else if (ta == T) { // weight gradient
        Real* gw = weights.data() + m * c * c;
        raw(T, N, c, c, 2 * b, Real(1), x, c, y, c, Real(0), gw, c);
        raw(T, N, c, c, b, Real(1), x, c, y + b * c, c, Real(0), gw, c);
        raw(T, N, c, c, b, Real(-1), x + b * c, c, y, c, Real(1), gw, c);
      } else {
        raw(N, T, 2 * b, c, c, Real(1), x, c, w, c, Real(0), y, c);
        raw(N, T, b, c, c, Real(1), x + b * c, c, w, c, Real(1), y, c);
        raw(N, T, b, c, c, Real(-1), x, c, w, c, Real(1), y + b * c, c);
      }
    }
  }
};

// Barrier that sleeps between polls: the ranks idle while rank 0 measures must not spin on a core.
void quiet_barrier(const Comm& comm);

} // namespace fieldgen::bench
