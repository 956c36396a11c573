// Time grids and 1-D lattice kernels of discrete spatial diffusion (see lattice_kernel.hpp).
#include "fieldgen/dsd/lattice_kernel.hpp"

#include "fieldgen/core/error.hpp"

#include <cmath>
#include <utility>

namespace fieldgen::dsd {

namespace {

double logit_of(double p) {
  return std::log(p / (1.0 - p));
}
double sigmoid(double x) {
  return 1.0 / (1.0 + std::exp(-x));
}

// Uniformisation (Poisson-weighted powers of the jump chain): with lambda = 2s total jump rate
// and the jump chain (S + S^-1)/2, g = sum_n Pois(n; lambda) ((S + S^-1)/2)^n delta. Stopping at
// n > lambda + 12 sqrt(lambda) + 40 leaves a Poisson tail below 1e-25 for lambda <= 50.
std::vector<double> uniformisation_pmf(int m, double s) {
  const double lambda = 2.0 * s;
  const int n_max = int(lambda + 12.0 * std::sqrt(lambda) + 40.0);
  std::vector<double> term(static_cast<size_t>(m), 0.0), g(static_cast<size_t>(m), 0.0);
  std::vector<double> next(static_cast<size_t>(m), 0.0);
  term[0] = std::exp(-lambda);
  for (int n = 0;; ++n) {
    for (int d = 0; d < m; ++d)
      g[size_t(d)] += term[size_t(d)];
    if (n == n_max)
      break;
    const double w = lambda / double(n + 1) * 0.5;
    for (int d = 0; d < m; ++d)
      next[size_t(d)] = w * (term[size_t((d + 1) % m)] + term[size_t((d + m - 1) % m)]);
    std::swap(term, next);
  }
  return g;
}

// Fourier sum on the ring: eigenvalues -2(1 - cos(2 pi k/m)) with plane-wave eigenvectors.
// cos(2 pi k d/m) is read from a table of m values at (k d) mod m, so the work is m^2/2 FMAs.
std::vector<double> fourier_pmf(int m, double s) {
  const double two_pi = 6.283185307179586476925;
  std::vector<double> c(static_cast<size_t>(m)), decay(static_cast<size_t>(m)),
      g(static_cast<size_t>(m));
  for (int k = 0; k < m; ++k) {
    c[size_t(k)] = std::cos(two_pi * double(k) / double(m));
    decay[size_t(k)] = std::exp(-2.0 * s * (1.0 - c[size_t(k)]));
  }
  for (int d = 0; d <= m / 2; ++d) {
    double sum = 0;
    long idx = 0; // (k d) mod m
    for (int k = 0; k < m; ++k) {
      sum += decay[size_t(k)] * c[size_t(idx)];
      idx += d;
      if (idx >= m)
        idx -= m;
    }
    const double v = std::max(sum / double(m), 0.0); // round-off below ~1e-16 can be negative
    g[size_t(d)] = v;
    g[size_t((m - d) % m)] = v; // g is even in d
  }
  return g;
}

} // namespace

TimeGrid TimeGrid::logit(int steps, double tau1, double tau2) {
  require(steps >= 2, "dsd::TimeGrid::logit: steps = ", steps, " (need >= 2)");
  require(tau1 > 0 && tau2 > 0, "dsd::TimeGrid::logit: tau1 = ", tau1, ", tau2 = ", tau2,
          " (need > 0)");
  const double a = logit_of(1.0 - std::exp(-tau1));
  const double b = logit_of(std::exp(-tau1)) - logit_of(1.0 - std::exp(-tau2));
  std::vector<double> t(size_t(steps) + 1, 0.0);
  for (int k = 1; k <= steps; ++k)
    t[size_t(k)] = -std::log(sigmoid(a + double(k - 1) / double(steps - 1) * b)) / tau2;
  return TimeGrid(std::move(t));
}

TimeGrid TimeGrid::power(int steps, double p, double t_end) {
  require(steps >= 1, "dsd::TimeGrid::power: steps = ", steps, " (need >= 1)");
  require(p > 0 && t_end > 0, "dsd::TimeGrid::power: p = ", p, ", t_end = ", t_end, " (need > 0)");
  std::vector<double> t(size_t(steps) + 1, 0.0);
  for (int k = 1; k <= steps; ++k)
    t[size_t(k)] = t_end * std::pow(double(k) / double(steps), p);
  return TimeGrid(std::move(t));
}

double TimeGrid::t(int k) const {
  require(k >= 0 && k <= steps(), "dsd::TimeGrid: time index ", k, " outside [0, ", steps(), "]");
  return t_[size_t(k)];
}

std::vector<double> ring_displacement_pmf(int m, double s) {
  require(m >= 1 && s >= 0, "dsd::ring_displacement_pmf: ring = ", m, ", r t = ", s);
  // Up to s = 25 the series costs (2s + 12 sqrt(2s) + 40) m <= 175 m flops, below m^2/2 for the
  // sides of interest, and is accurate in the tails; beyond it e^{-2s} nears underflow.
  std::vector<double> g = s <= 25.0 ? uniformisation_pmf(m, s) : fourier_pmf(m, s);
  double total = 0;
  for (double v : g)
    total += v;
  if (!(std::abs(total - 1.0) < 1e-10))
    throw NumericError(cat("dsd::ring_displacement_pmf: kernel mass ", total, " for ring ", m,
                           ", r t = ", s, " (expected 1)"));
  for (double& v : g)
    v /= total;
  return g;
}

KernelCache::KernelCache(std::vector<int> sides, std::vector<Boundary> boundaries, double rate,
                         TimeGrid times)
    : sides_(std::move(sides)), boundaries_(std::move(boundaries)), rate_(rate),
      times_(std::move(times)) {
  require(!sides_.empty() && sides_.size() <= 3 && sides_.size() == boundaries_.size(),
          "dsd::KernelCache: ", sides_.size(), " sides and ", boundaries_.size(),
          " boundaries (need 1-3 of each)");
  require(rate_ > 0, "dsd::KernelCache: rate = ", rate_, " (need > 0)");
  std::vector<std::pair<int, Boundary>> families;
  for (size_t a = 0; a < sides_.size(); ++a) {
    require(sides_[a] >= 1, "dsd::KernelCache: side ", sides_[a], " of axis ", a);
    const std::pair<int, Boundary> key{sides_[a], boundaries_[a]};
    size_t f = 0;
    while (f < families.size() && families[f] != key)
      ++f;
    if (f == families.size()) {
      families.push_back(key);
      ring_.push_back(key.second == Boundary::Periodic ? key.first : 2 * key.first);
    }
    family_.push_back(int(f));
  }
  stored_.resize(families.size());
}

namespace {
std::vector<int> grid_sides(const Grid& g) {
  std::vector<int> s;
  for (int a = 0; a < g.dim(); ++a)
    s.push_back(int(g.n(a)));
  return s;
}
std::vector<Boundary> grid_boundaries(const Grid& g) {
  std::vector<Boundary> b;
  for (int a = 0; a < g.dim(); ++a)
    b.push_back(g.periodic(a) ? Boundary::Periodic : Boundary::Reflecting);
  return b;
}
} // namespace

KernelCache::KernelCache(const Grid& grid, double rate, TimeGrid times)
    : KernelCache(grid_sides(grid), grid_boundaries(grid), rate, std::move(times)) {}

Kernel1d KernelCache::kernel(int axis, int k) {
  require(axis >= 0 && axis < dim(), "dsd::KernelCache: axis ", axis, " of a ", dim(),
          "-D lattice");
  require(k >= 1 && k <= times_.steps(), "dsd::KernelCache: time index ", k, " outside [1, ",
          times_.steps(), "]");
  const int f = family(axis);
  const int m = ring_[size_t(f)];
  auto it = stored_[size_t(f)].find(k);
  if (it == stored_[size_t(f)].end()) {
    const std::vector<double> g = ring_displacement_pmf(m, rate_ * times_.t(k));
    Stored s{Kokkos::View<double*, MemSpace>("fieldgen::dsd::kernel_pmf", size_t(m)),
             Kokkos::View<double*, MemSpace>("fieldgen::dsd::kernel_cdf", size_t(m))};
    auto pmf = Kokkos::create_mirror_view(s.pmf);
    auto cdf = Kokkos::create_mirror_view(s.cdf);
    double run = 0;
    for (int d = 0; d < m; ++d) {
      pmf(d) = g[size_t(d)];
      run += g[size_t(d)];
      cdf(d) = run;
    }
    cdf(m - 1) = 1.0; // u < 1 always finds a displacement
    Kokkos::deep_copy(s.pmf, pmf);
    Kokkos::deep_copy(s.cdf, cdf);
    it = stored_[size_t(f)].emplace(k, s).first;
  }
  return Kernel1d{it->second.pmf.data(), it->second.cdf.data(), side(axis), m};
}

std::vector<double> KernelCache::dense(int axis, int k) {
  const Kernel1d kd = kernel(axis, k);
  const int f = family(axis);
  auto pmf = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), stored_[size_t(f)][k].pmf);
  Kernel1d host = kd;
  host.pmf = pmf.data();
  const int n = kd.n;
  std::vector<double> out(size_t(n) * size_t(n));
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      out[size_t(i) * size_t(n) + size_t(j)] = host(i, j);
  return out;
}

long KernelCache::cached_kernels() const {
  long c = 0;
  for (const auto& s : stored_)
    c += long(s.size());
  return c;
}

std::size_t KernelCache::bytes() const {
  std::size_t b = 0;
  for (size_t f = 0; f < stored_.size(); ++f)
    b += stored_[f].size() * 2 * size_t(ring_[f]) * sizeof(double);
  return b;
}

} // namespace fieldgen::dsd
