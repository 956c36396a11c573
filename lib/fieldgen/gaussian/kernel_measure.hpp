// KernelMeasure: the kernel-Gram family, N(0, K + jitter I) on a point set held whole by the
// calling rank (curves of up to a few thousand points; O(n^3) setup, done once in the
// constructor, so keep one object per grid and reuse it; setup on one core: n = 2000 0.1 s
// (L2) / 3.5 s (H1 form), n = 4000 0.8 s / 32 s).
//   Covariance of the node values:  S = K + jitter I,  K_ij = k(x_i, x_j)  (kernels.hpp).
//   sample: u = L z, z ~ N(0, I), S = L L^T (dpotrf once; one dtrmm for the whole batch).
//   L2 loss (reference DiscreteLoss): L(d) = 1/2 d^T S^{-1} d (= 1/2 ||L^{-1} d||^2, one dtrsm
//     for the batch), dL/dd = S^{-1} d (dpotrs for the batch). The reference inverts K without
//     the jitter; fieldgen uses the same S as the sampler, so L is the exact discrete KL.
//   H1 loss (reference DiscreteSobolevLoss, 1-D sorted points only): L(d) = 1/2 d^T Q_+ d,
//     dL/dd = Q_+ d, with Q_+ the projected form of kernel_sobolev.hpp; sampling is unchanged.
// No quadrature weights anywhere (as the reference). Distances are Euclidean: a Grid's periodic
// flags are ignored (the kernel is not wrapped). No communication.
#pragma once

#include "fieldgen/gaussian/dense.hpp"
#include "fieldgen/gaussian/kernels.hpp"
#include "fieldgen/gaussian/measure.hpp"
#include "fieldgen/mesh/grid.hpp"

#include <Kokkos_Core.hpp>

namespace fieldgen::gaussian {

// Point coordinates [point][dim] on the host.
using Coordinates = Kokkos::View<double**, Kokkos::LayoutRight, Kokkos::HostSpace>;
// Every point of grid, in its row-major point order.
Coordinates grid_coordinates(const Grid& grid);

template <class Real> class KernelMeasure final : public GaussianMeasure<Real> {
public:
  // sobolev_floor: the eigenvalue floor of the H1 form (reference: 1e-5); unused for L2.
  KernelMeasure(const KernelParams& params, const Coordinates& points,
                LossSpace space = LossSpace::L2, double sobolev_floor = 1e-5);

  long local_points() const override { return n_; }
  long global_points() const override { return n_; }
  void sample(const Tensor3<Real>& out, const CounterRng& rng, std::uint32_t step,
              std::uint64_t first_sample = 0) const override;
  std::vector<double> cm_norm2(const Tensor3<Real>& d) const override;
  std::vector<double> cm_grad(const Tensor3<Real>& d, const Tensor3<Real>& grad) const override;
  std::string describe() const override;

  // H1 only: how many eigenvalues of the symmetrised form were raised to the floor.
  long sobolev_floored() const { return floored_; }

private:
  KernelParams params_;
  LossSpace space_;
  long n_ = 0;
  DenseMatrix factor_; // L, S = L L^T (lower triangle)
  DenseMatrix form_;   // Q_+ (H1 only)
  long floored_ = 0;
};

} // namespace fieldgen::gaussian
