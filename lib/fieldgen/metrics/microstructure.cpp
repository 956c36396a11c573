// Count-field metrics (see microstructure.hpp).
#include "fieldgen/metrics/microstructure.hpp"

#include "fieldgen/core/error.hpp"

#include <Kokkos_Core.hpp>
#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace fieldgen::metrics {
namespace {

// Every grid line along one axis: the flat index of its first site and the stride between sites.
struct Lines {
  long length = 0, stride = 1;
  std::vector<long> starts;
};

Lines lines_along(const Grid& g, int axis) {
  Lines l;
  l.length = g.n(axis);
  for (int b = axis + 1; b < g.dim(); ++b)
    l.stride *= g.n(b);
  for (long i = 0; i < g.size(); ++i)
    if ((i / l.stride) % l.length == 0)
      l.starts.push_back(i);
  return l;
}

void check_channel(const CountFields& f, long channel) {
  require(channel >= 0 && channel < f.channels, "count metrics: channel ", channel, " of ",
          f.channels);
  require(long(f.values.size()) == f.n * f.channels * f.points(),
          "count metrics: ", f.values.size(), " values for ", f.n, " x ", f.channels, " x ",
          f.points());
}

// FFTW buffers and plans, released on scope exit.
struct FftwReal {
  explicit FftwReal(long n) : p(fftw_alloc_real(size_t(n))) {
    require(p != nullptr, "two_point: cannot allocate ", n, " doubles");
  }
  ~FftwReal() { fftw_free(p); }
  FftwReal(const FftwReal&) = delete;
  FftwReal& operator=(const FftwReal&) = delete;
  double* p;
};

struct FftwComplex {
  explicit FftwComplex(long n) : p(fftw_alloc_complex(size_t(n))) {
    require(p != nullptr, "two_point: cannot allocate ", n, " complex values");
  }
  ~FftwComplex() { fftw_free(p); }
  FftwComplex(const FftwComplex&) = delete;
  FftwComplex& operator=(const FftwComplex&) = delete;
  fftw_complex* p;
};

struct FftwPlan {
  explicit FftwPlan(fftw_plan p) : plan(p) {
    require(p != nullptr, "two_point: FFTW planning failed");
  }
  ~FftwPlan() { fftw_destroy_plan(plan); }
  FftwPlan(const FftwPlan&) = delete;
  FftwPlan& operator=(const FftwPlan&) = delete;
  fftw_plan plan;
};

} // namespace

std::vector<double> sample_masses(const CountFields& f, long channel) {
  check_channel(f, channel);
  std::vector<double> m(size_t(f.n), 0.0);
  for (long s = 0; s < f.n; ++s) {
    const float* u = f.field(s, channel);
    for (long i = 0; i < f.points(); ++i)
      m[size_t(s)] += double(u[i]);
  }
  return m;
}

MassCheck check_mass(const CountFields& f, const std::vector<double>& requested) {
  require(long(requested.size()) == f.n * f.channels, "check_mass: ", requested.size(),
          " requested masses for ", f.n, " samples x ", f.channels, " channels");
  MassCheck c;
  for (long ch = 0; ch < f.channels; ++ch) {
    const std::vector<double> m = sample_masses(f, ch);
    for (long s = 0; s < f.n; ++s) {
      const double e = std::abs(m[size_t(s)] - requested[size_t(s * f.channels + ch)]);
      ++c.checked;
      c.max_abs_error = std::max(c.max_abs_error, e);
      if (e != 0) {
        ++c.violations;
        if (c.first_sample < 0 || s < c.first_sample) {
          c.first_sample = s;
          c.first_channel = ch;
        }
      }
    }
  }
  return c;
}

std::vector<std::vector<double>> two_point(const CountFields& f, long channel, long max_lag,
                                           double threshold) {
  check_channel(f, channel);
  std::vector<std::vector<double>> s2;
  for (int a = 0; a < f.grid.dim(); ++a) {
    const Lines l = lines_along(f.grid, a);
    const long n = l.length;
    const bool wrap = f.grid.periodic(a);
    require(max_lag >= 0 && max_lag < n, "two_point: max_lag = ", max_lag, " must lie in [0, ",
            n - 1, "] (axis ", a, ")");
    // Circular correlation of length len: len = n wraps the line (periodic); zero padding to
    // len = n + max_lag leaves only the pairs inside the box for lags up to max_lag.
    const long len = wrap ? n : n + max_lag, bins = len / 2 + 1;
    FftwReal line(len);
    FftwComplex spectrum(bins);
    std::vector<double> power(size_t(bins), 0.0);
    {
      const FftwPlan forward(fftw_plan_dft_r2c_1d(int(len), line.p, spectrum.p, FFTW_ESTIMATE));
      std::fill(line.p, line.p + len, 0.0);
      for (long s = 0; s < f.n; ++s) {
        const float* u = f.field(s, channel);
        for (long start : l.starts) {
          for (long j = 0; j < n; ++j)
            line.p[j] = u[start + j * l.stride] >= threshold ? 1.0 : 0.0;
          fftw_execute(forward.plan);
          for (long k = 0; k < bins; ++k)
            power[size_t(k)] +=
                spectrum.p[k][0] * spectrum.p[k][0] + spectrum.p[k][1] * spectrum.p[k][1];
        }
      }
    }
    for (long k = 0; k < bins; ++k) {
      spectrum.p[k][0] = power[size_t(k)];
      spectrum.p[k][1] = 0;
    }
    const FftwPlan backward(fftw_plan_dft_c2r_1d(int(len), spectrum.p, line.p, FFTW_ESTIMATE));
    fftw_execute(backward.plan); // unnormalised: len times the summed correlations
    const double lines = double(l.starts.size()) * double(f.n);
    std::vector<double> sum(size_t(max_lag + 1));
    for (long r = 0; r <= max_lag; ++r)
      sum[size_t(r)] = line.p[r] / double(len) / (lines * double(wrap ? n : n - r));
    s2.push_back(sum);
  }
  return s2;
}

std::vector<double> interface_density(const CountFields& f, long channel, double threshold) {
  check_channel(f, channel);
  std::vector<double> sv(size_t(f.n), 0.0);
  for (int a = 0; a < f.grid.dim(); ++a) {
    const Lines l = lines_along(f.grid, a);
    const long pairs_per_line = f.grid.periodic(a) ? l.length : l.length - 1;
    const double weight = 1 / (f.grid.h(a) * double(f.points()));
    for (long s = 0; s < f.n; ++s) {
      const float* u = f.field(s, channel);
      long unlike = 0;
      for (long start : l.starts)
        for (long j = 0; j < pairs_per_line; ++j) {
          const bool p = u[start + j * l.stride] >= threshold;
          const bool q = u[start + ((j + 1) % l.length) * l.stride] >= threshold;
          unlike += p != q;
        }
      sv[size_t(s)] += double(unlike) * weight;
    }
  }
  return sv;
}

ChordHistogram chord_lengths(const CountFields& f, long channel, double threshold) {
  check_channel(f, channel);
  long longest = 0;
  for (int a = 0; a < f.grid.dim(); ++a)
    longest = std::max(longest, f.grid.n(a));
  ChordHistogram h;
  h.pore.assign(size_t(longest + 1), 0.0);
  h.solid.assign(size_t(longest + 1), 0.0);
  std::vector<bool> line;
  for (int a = 0; a < f.grid.dim(); ++a) {
    const Lines l = lines_along(f.grid, a);
    const long n = l.length;
    line.resize(size_t(n));
    for (long s = 0; s < f.n; ++s) {
      const float* u = f.field(s, channel);
      for (long start : l.starts) {
        for (long j = 0; j < n; ++j)
          line[size_t(j)] = u[start + j * l.stride] >= threshold;
        // First site of a run: on a periodic line start just after a phase change (if any), so
        // that no run is split by the seam; otherwise at the wall.
        long first = 0;
        if (f.grid.periodic(a)) {
          first = -1;
          for (long j = 0; j < n && first < 0; ++j)
            if (line[size_t(j)] != line[size_t((j + n - 1) % n)])
              first = j;
          if (first < 0) { // one phase along the whole line: one chord of length n
            (line[0] ? h.pore : h.solid)[size_t(n)] += 1;
            continue;
          }
        }
        const long end = f.grid.periodic(a) ? first + n : n;
        long run = 1;
        for (long j = first + 1; j <= end; ++j) {
          if (j < end && line[size_t(j % n)] == line[size_t((j - 1) % n)]) {
            ++run;
            continue;
          }
          (line[size_t((j - 1) % n)] ? h.pore : h.solid)[size_t(run)] += 1;
          run = 1;
        }
      }
    }
  }
  return h;
}

long max_count(const CountFields& f, long channel) {
  check_channel(f, channel);
  double m = 0;
  for (long s = 0; s < f.n; ++s) {
    const float* u = f.field(s, channel);
    for (long i = 0; i < f.points(); ++i)
      m = std::max(m, double(u[i]));
  }
  return long(std::lround(m));
}

std::vector<double> intensity_histogram(const CountFields& f, long channel, long max_bin) {
  check_channel(f, channel);
  require(max_bin >= 0, "intensity_histogram: max_bin = ", max_bin);
  std::vector<double> h(size_t(max_bin + 1), 0.0);
  for (long s = 0; s < f.n; ++s) {
    const float* u = f.field(s, channel);
    for (long i = 0; i < f.points(); ++i)
      h[size_t(std::clamp(long(std::lround(double(u[i]))), 0L, max_bin))] += 1;
  }
  return normalised(h);
}

std::vector<double> normalised(std::vector<double> p) {
  double total = 0;
  for (double v : p)
    total += v;
  if (total > 0)
    for (double& v : p)
      v /= total;
  return p;
}

double total_variation(const std::vector<double>& p, const std::vector<double>& q) {
  double d = 0;
  for (size_t i = 0; i < std::max(p.size(), q.size()); ++i)
    d += std::abs((i < p.size() ? p[i] : 0.0) - (i < q.size() ? q[i] : 0.0));
  return 0.5 * d;
}

std::vector<double> nearest_neighbour_distances(const CountFields& from, const CountFields& to) {
  require(from.grid == to.grid && from.channels == to.channels && to.n > 0,
          "nearest_neighbour_distances: sets on different grids/channels or an empty reference");
  const long size = from.channels * from.points();
  std::vector<double> d(size_t(from.n));
  const float* a = from.values.data();
  const float* b = to.values.data();
  double* out = d.data();
  const long m = to.n;
  Kokkos::parallel_for("fieldgen::metrics::nearest_neighbour",
                       Kokkos::RangePolicy<Kokkos::DefaultHostExecutionSpace>(0, from.n),
                       [=](const long s) {
                         double best = std::numeric_limits<double>::infinity();
                         for (long t = 0; t < m; ++t) {
                           double acc = 0;
                           for (long i = 0; i < size && acc < best; ++i) {
                             const double e = double(a[s * size + i]) - double(b[t * size + i]);
                             acc += e * e;
                           }
                           best = std::min(best, acc);
                         }
                         out[s] = std::sqrt(best);
                       });
  return d;
}

} // namespace fieldgen::metrics
