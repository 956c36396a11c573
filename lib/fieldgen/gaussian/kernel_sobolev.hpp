// The Sobolev (H1) quadratic form of the kernel-Gram family on sorted 1-D points, exactly as the
// reference code builds it (diffusion/loss.py, DiscreteSobolevLoss; util/tools.py,
// make_ddx_operator):
//   D  = first-derivative matrix: central differences (u_{j+1} - u_{j-1}) / (x_{j+1} - x_{j-1})
//        inside, one-sided differences in the first and last rows;
//   C  = K + jitter I (the reference omits the jitter here; fieldgen uses the Gram matrix that
//        samples are drawn from), C'_ij = d/dx' k(x_i, x_j);
//   Q  = (I + D^T D)(C + C' D)^{-1}   (H1 inner product times the inverse of the covariance
//        operator acting on H1: (C + C' D) u ~ int k(x, x') u(x') + d/dx' k(x, x') u'(x') dx');
//   Q_s = (Q + Q^T) / 2,  Q_+ = V max(Lambda, floor) V^T  with Q_s = V Lambda V^T
//        (projection onto the matrices with eigenvalues >= floor; the reference's floor is 1e-5).
// The loss is L(d) = 1/2 d^T Q_+ d (no quadrature weight, as the reference), dL/dd = Q_+ d.
#pragma once

#include "fieldgen/gaussian/dense.hpp"
#include "fieldgen/gaussian/kernels.hpp"

#include <vector>

namespace fieldgen::gaussian {

// The reference's derivative matrix D for strictly increasing points x (at least 3).
DenseMatrix ddx_operator(const std::vector<double>& x);

struct SobolevForm {
  DenseMatrix q;      // Q_+ (symmetric, both triangles filled)
  long floored = 0;   // eigenvalues of Q_s raised to the floor
  double min_eig = 0; // smallest eigenvalue of Q_s before the projection
};

SobolevForm kernel_sobolev_form(const KernelParams& p, const std::vector<double>& x, double floor);

} // namespace fieldgen::gaussian
