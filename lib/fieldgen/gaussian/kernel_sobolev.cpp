// Assembly of the reference's projected H1 form for the kernel-Gram family (see
// kernel_sobolev.hpp).
#include "fieldgen/gaussian/kernel_sobolev.hpp"

#include "fieldgen/core/error.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace fieldgen::gaussian {

DenseMatrix ddx_operator(const std::vector<double>& x) {
  const long n = long(x.size());
  require(n >= 3, "ddx_operator: needs at least 3 points (got ", n, ")");
  for (long j = 1; j < n; ++j)
    require(x[size_t(j)] > x[size_t(j - 1)], "ddx_operator: points must be strictly increasing");
  DenseMatrix d(n, n);
  // Forward difference in the first row, backward difference in the last.
  d(0, 0) = -1 / (x[1] - x[0]);
  d(0, 1) = 1 / (x[1] - x[0]);
  d(n - 1, n - 2) = -1 / (x[size_t(n - 1)] - x[size_t(n - 2)]);
  d(n - 1, n - 1) = 1 / (x[size_t(n - 1)] - x[size_t(n - 2)]);
  // Central differences over the two neighbouring intervals inside.
  for (long j = 1; j < n - 1; ++j) {
    const double span = x[size_t(j + 1)] - x[size_t(j - 1)];
    d(j, j - 1) = -1 / span;
    d(j, j + 1) = 1 / span;
  }
  return d;
}

SobolevForm kernel_sobolev_form(const KernelParams& p, const std::vector<double>& x, double floor) {
  check_kernel_params(p);
  require(floor > 0, "kernel Sobolev form: the eigenvalue floor must be > 0 (got ", floor, ")");
  const long n = long(x.size());
  const DenseMatrix d = ddx_operator(x);
  // M = C + C' D and B = I + D^T D.
  DenseMatrix cprime(n, n), m(n, n), b(n, n);
  for (long j = 0; j < n; ++j)
    for (long i = 0; i < n; ++i) {
      cprime(i, j) = kernel_dxprime(p, x[size_t(i)], x[size_t(j)]);
      m(i, j) = kernel_value(p, std::abs(x[size_t(i)] - x[size_t(j)])) + (i == j ? p.jitter : 0.0);
    }
  // D has at most two nonzeros per row, so C'D and D^T D cost O(n^2), not a dense O(n^3) GEMM:
  // (C'D)(:, j) += C'(:, k) D(k, j) and (D^T D)(i, j) += D(k, i) D(k, j) over the nonzeros of row
  // k.
  for (long k = 0; k < n; ++k) {
    long nz[2] = {0, 0}, count = 0;
    for (long j = std::max(0L, k - 1); j <= std::min(n - 1, k + 1); ++j)
      if (d(k, j) != 0)
        nz[count++] = j;
    for (long e = 0; e < count; ++e) {
      const long j = nz[e];
      for (long i = 0; i < n; ++i)
        m(i, j) += cprime(i, k) * d(k, j);
      for (long q = 0; q < count; ++q)
        b(nz[q], j) += d(k, nz[q]) * d(k, j);
    }
  }
  for (long j = 0; j < n; ++j)
    b(j, j) += 1;
  // Q^T = M^{-T} B^T = M^{-T} B (B is symmetric), then Q_s = (Q + Q^T) / 2.
  solve_transposed(m, b);
  SobolevForm form;
  DenseMatrix qs(n, n);
  for (long j = 0; j < n; ++j)
    for (long i = 0; i < n; ++i)
      qs(i, j) = 0.5 * (b(i, j) + b(j, i));
  const std::vector<double> lambda = symmetric_eigen(qs); // qs now holds the eigenvectors V
  form.min_eig = lambda.front();
  // Q_+ = (V max(Lambda, floor)) V^T.
  DenseMatrix scaled = qs;
  for (long k = 0; k < n; ++k) {
    const double l = std::max(lambda[size_t(k)], floor);
    form.floored += lambda[size_t(k)] < floor;
    for (long i = 0; i < n; ++i)
      scaled(i, k) *= l;
  }
  form.q = multiply_transposed(scaled, qs);
  return form;
}

} // namespace fieldgen::gaussian
