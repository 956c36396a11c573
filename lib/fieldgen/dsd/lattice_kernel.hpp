// One-dimensional lattice kernels of discrete spatial diffusion (Santos et al., NeurIPS 2025):
// a unit does a continuous-time random walk with rate r per direction on L sites, generator G
// (tridiagonal, periodic or reflecting = no-flux), and K_t = exp(t r G) is its transition matrix.
//
// Both boundary kinds are translation-structured, so K_t is stored as one displacement
// distribution g on a ring of M sites instead of L rows:
//   periodic   (M = L):  K_t(i, j) = g((j - i) mod L)
//   reflecting (M = 2L): K_t(i, j) = g((j - i) mod 2L) + g((2L - 1 - j - i) mod 2L)
// The reflecting case is the method of images: the no-flux walk on {0..L-1} is the walk on a ring
// of 2L sites folded at the ends (ring site z maps to z < L ? z : 2L-1-z; a hop from L-1 to its
// image L is a hop onto itself, i.e. a suppressed move), whose eigenvalues -2(1 - cos(pi k / L))
// are exactly the cosine-mode eigenvalues of the reflecting generator. Each time index therefore
// costs O(M) memory and O(M^2) work, and every row's inverse CDF is the displacement CDF shifted.
#pragma once

#include "fieldgen/core/views.hpp"
#include "fieldgen/mesh/grid.hpp"

#include <Kokkos_Core.hpp>

#include <cstddef>
#include <map>
#include <vector>

namespace fieldgen::dsd {

enum class Boundary { Periodic, Reflecting };

// Diffusion times t_0 = 0 < t_1 < ... < t_T (physical time; the rate r multiplies it).
class TimeGrid {
public:
  // Paper eq. 2 ("blackout"-style logit schedule), written for indices k = 1..T:
  //   t_k = -(1/tau2) log sigmoid( logit(1 - e^-tau1)
  //                                + (k - 1)/(T - 1) [logit(e^-tau1) - logit(1 - e^-tau2)] ),
  // so t_1 = -log(1 - e^-tau1)/tau2 (~2.2e-4 for the defaults) and t_T = 1 exactly. This is the
  // reference code's tc2tp with tc = k'/T', k' = 1..T'-1 and T = T' - 1.
  static TimeGrid logit(int steps, double tau1 = 7.5, double tau2 = 2.5);
  // t_k = t_end (k/T)^p.
  static TimeGrid power(int steps, double p, double t_end = 1.0);

  int steps() const { return int(t_.size()) - 1; }
  double t(int k) const; // k in [0, steps]

private:
  explicit TimeGrid(std::vector<double> t) : t_(std::move(t)) {}
  std::vector<double> t_;
};

// Device-side view of one K_t: displacement pmf g and its running sum on a ring of `ring` sites
// for a lattice of n sites (ring == n: periodic; ring == 2n: reflecting).
struct Kernel1d {
  const double* pmf = nullptr;
  const double* cdf = nullptr;
  int n = 0;
  int ring = 0;

  // K_t(i -> j) for i, j in [0, n). No integer division on this hot path: j - i lies in
  // (-n, n), and the image displacement 2n - 1 - j - i already lies in [0, 2n).
  KOKKOS_INLINE_FUNCTION double operator()(int i, int j) const {
    int d = j - i;
    d += d < 0 ? ring : 0;
    if (ring == n)
      return pmf[d];
    return pmf[d] + pmf[2 * n - 1 - j - i];
  }
  // Destination of a unit at i in [0, n) for a uniform u in (0, 1): inverse CDF of the
  // displacement (the first m with cdf[m] > u, so pmf[m] > 0), then the shift and, for
  // reflecting, the fold.
  KOKKOS_INLINE_FUNCTION int sample(int i, double u) const {
    int lo = 0, hi = ring - 1;
    while (lo < hi) {
      const int mid = (lo + hi) / 2;
      if (cdf[mid] > u)
        hi = mid;
      else
        lo = mid + 1;
    }
    int z = i + lo;
    z -= z >= ring ? ring : 0;
    return z < n ? z : ring - 1 - z;
  }
};

// Displacement pmf of the rate-1-per-direction walk on a ring of m sites after time s = r t
// (host, double). s <= 25: uniformisation series e^{-2s} sum_n s^n/n! (S + S^-1)^n delta, all
// terms positive, so tail entries keep full relative accuracy; otherwise the Fourier sum
// g(d) = (1/m) sum_k cos(2 pi k d/m) exp(-2 s (1 - cos(2 pi k/m))), negative round-off clamped
// to 0. Normalised to sum 1.
std::vector<double> ring_displacement_pmf(int m, double s);

// K^a_{t_k} for every axis of a lattice, computed on first request of a time index and kept.
// Axes with the same side and boundary share their kernels.
class KernelCache {
public:
  KernelCache(std::vector<int> sides, std::vector<Boundary> boundaries, double rate,
              TimeGrid times);
  // Sides and boundaries of a Grid (periodic flag -> Periodic, else Reflecting).
  KernelCache(const Grid& grid, double rate, TimeGrid times);

  int dim() const { return int(sides_.size()); }
  int side(int axis) const { return sides_[size_t(axis)]; }
  Boundary boundary(int axis) const { return boundaries_[size_t(axis)]; }
  double rate() const { return rate_; }
  const TimeGrid& times() const { return times_; }

  // K^axis_{t_k}, k in [1, T]; computes it on first use. The pointers stay valid for the
  // lifetime of the cache.
  Kernel1d kernel(int axis, int k);
  // Host copy of K^axis_{t_k} as a dense row-major side x side matrix (tests, small L).
  std::vector<double> dense(int axis, int k);

  long cached_kernels() const; // distinct (side, boundary, k) computed so far
  std::size_t bytes() const;   // bytes of the stored pmf and CDF arrays

private:
  struct Stored {
    Kokkos::View<double*, MemSpace> pmf, cdf;
  };
  int family(int axis) const { return family_[size_t(axis)]; }

  std::vector<int> sides_;
  std::vector<Boundary> boundaries_;
  std::vector<int> family_;                   // axis -> index of its (side, boundary) family
  std::vector<int> ring_;                     // family -> ring size
  std::vector<std::map<int, Stored>> stored_; // family -> k -> arrays
  double rate_;
  TimeGrid times_;
};

} // namespace fieldgen::dsd
