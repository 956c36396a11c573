// SpdeMeasure: the Whittle-Matern (SPDE) family, the scalable covariance for 1-D/2-D/3-D grids
// with millions of points, distributed over the ranks of a Decomposition:
//   C = s^2 (kappa^2 I - L_h)^{-a} = s^2 A^{-a},  a integer > d/2,  nu = a - d/2,
// with A, L_h and the boundary treatment of spde_system.hpp (periodic axes wrap; non-periodic
// axes are reflecting: the no-flux Laplacian -D^T D, first-order at the boundary rows).
//
// Discrete measure. On the grid with inner product <u, v>_h = h^d sum_i u_i v_i (h^d = the
// cell volume prod_a h_a, every node weighted alike), C_h = s^2 A^{-a}; the covariance matrix of
// the node values is S = s^2 h^{-d} A^{-a}.
//   sample: u = s A^{-a/2} W, W discrete white noise of variance h^{-d} per node: a/2 CG solves
//     for even a; for odd a, z = kappa W1 + D^T W2 (W2 white noise of variance h^{-d} per grid
//     edge, so Cov(z) = h^{-d} (kappa^2 I + D^T D) = h^{-d} A) and u = s A^{-(a+1)/2} z with
//     (a+1)/2 solves. Noise streams: W1 sub-stream 0 at node g, W2 of the edge from node g along
//     axis a sub-stream 1 + a at node g (the edge's low end), so no halo is needed.
//   L2 loss: L(d) = 1/2 ||d||^2_CM = 1/2 s^{-2} <d, A^a d>_h = 1/2 d^T S^{-1} d,
//     dL/dd = s^{-2} h^d A^a d: stencil applications only (ceil(a/2) for the loss, a for the
//     gradient), no solve.
//   H1 loss: the H1_h inner product of d and C_h^{-1} d,
//     L(d) = 1/2 s^{-2} (<d, A^a d>_h + <D d, D A^a d>_h) = 1/2 s^{-2} h^d d^T (I + D^T D) A^a d,
//     dL/dd = s^{-2} h^d (I - L_h) A^a d ((I - L_h) and A commute, so the form is symmetric).
//
// Parameters: kappa = sqrt(2 nu) / length_scale (matern.hpp). Variance: s is set from the
// continuum closed form, s^2 = variance / sigma^2(kappa), so the measure is the same on every
// grid (discretisation-invariant) and the pointwise variance tends to the requested one as
// h -> 0. On a periodic grid the discrete pointwise variance is
//   s^2 h^{-d} (1/N) sum_j (kappa^2 + lambda_j)^{-a},  lambda_j = sum_a (2/h_a sin(pi j_a/n_a))^2;
// the discrete eigenvalues lie below |xi|^2, so it is slightly above the target, by O((kappa h)^2)
// (minus the truncated spectral tail). Measured ratios (test_gaussian_spde.cpp): 1-D a=2 1.0006
// at l = 25.6 h and 1.021 at l = 4 h, 1-D a=1 0.9999 at l = 25.6 h, 2-D a=2 1.009 and a=3 1.003
// at l = 12.8 h. Reflecting walls raise the variance near the boundary (the continuum Neumann
// field has twice the variance at a wall).
//
// One SpdeSystem (DMDA, matrix, AMG hierarchy) per object: build once per grid and reuse. The
// PETSc work vectors make sample/cm_norm2/cm_grad non-reentrant (one call at a time per object).
#pragma once

#include "fieldgen/gaussian/measure.hpp"
#include "fieldgen/gaussian/petsc_handle.hpp"
#include "fieldgen/gaussian/spde_system.hpp"
#include "fieldgen/mesh/block_index.hpp"

#include <memory>

namespace fieldgen::gaussian {

struct SpdeParams {
  int order = 2;             // a
  double variance = 1.0;     // target pointwise variance of the continuum field
  double length_scale = 0.1; // Matern length scale l
  double rtol = 1e-12;       // CG relative (unpreconditioned) residual per solve
  int max_iterations = 1000; // CG iteration limit per solve
};

template <class Real> class SpdeMeasure final : public GaussianMeasure<Real> {
public:
  // Collective over dec.comm(); builds the DMDA, matrix and solver.
  SpdeMeasure(const Decomposition& dec, const SpdeParams& params, LossSpace space = LossSpace::L2);
  SpdeMeasure(const SpdeMeasure&) = delete;
  SpdeMeasure& operator=(const SpdeMeasure&) = delete;

  long local_points() const override { return index_.size(); }
  long global_points() const override { return grid_.size(); }
  void sample(const Tensor3<Real>& out, const CounterRng& rng, std::uint32_t step,
              std::uint64_t first_sample = 0) const override;
  std::vector<double> cm_norm2(const Tensor3<Real>& d) const override;
  std::vector<double> cm_grad(const Tensor3<Real>& d, const Tensor3<Real>& grad) const override;
  std::string describe() const override;

  double kappa() const { return system_->kappa(); }
  double scale() const { return scale_; } // s
  const SpdeSystem& system() const { return *system_; }

private:
  // w = the right-hand side of the first solve for sample number m (W, or z for odd a).
  void fill_noise(Vec w, const CounterRng& rng, std::uint32_t step, std::uint64_t m) const;
  // y = A^power x using the work vectors (x and y must be distinct from them).
  void apply_power(Vec x, Vec y, int power) const;
  // <x, y> over this rank's points only.
  static double local_dot(Vec x, Vec y);

  Grid grid_;
  BlockIndex index_;
  SpdeParams params_;
  LossSpace space_;
  double scale_ = 1;
  std::unique_ptr<SpdeSystem> system_;
  PetscHandle<Vec, VecDestroy> work_[3];
};

} // namespace fieldgen::gaussian
