// Dense double-precision linear algebra on the host for the kernel-Gram family: a column-major
// matrix and thin checked wrappers over OpenBLAS's BLAS (cblas) and LAPACK (Fortran symbols).
// A failed factorisation throws NumericError naming the routine and its info code.
#pragma once

#include <cstddef>
#include <vector>

namespace fieldgen::gaussian {

// rows x cols, column-major: entry (i, j) at a[j * rows + i]. A batch of fields is stored with
// one field per column.
struct DenseMatrix {
  long rows = 0, cols = 0;
  std::vector<double> a;

  DenseMatrix() = default;
  DenseMatrix(long r, long c) : rows(r), cols(c), a(size_t(r * c), 0.0) {}
  double& operator()(long i, long j) { return a[size_t(j * rows + i)]; }
  double operator()(long i, long j) const { return a[size_t(j * rows + i)]; }
};

// In place: the lower Cholesky factor L of the symmetric positive definite a = L L^T (the upper
// triangle is left as it was and never read again). dpotrf.
void cholesky_lower(DenseMatrix& a);
// b <- L b (dtrmv per column), b <- L^{-1} b (dtrsm), b <- (L L^T)^{-1} b (dpotrs), L from
// cholesky_lower.
void lower_multiply(const DenseMatrix& l, DenseMatrix& b);
void lower_solve(const DenseMatrix& l, DenseMatrix& b);
void cholesky_solve(const DenseMatrix& l, DenseMatrix& b);
// b <- m^{-T} b for a general square m (LU with partial pivoting, dgetrf + dgetrs 'T').
void solve_transposed(DenseMatrix m, DenseMatrix& b);
// In place: the columns of a become orthonormal eigenvectors of the symmetric a; returns the
// eigenvalues in ascending order (dsyevd, divide and conquer).
std::vector<double> symmetric_eigen(DenseMatrix& a);
// c = s b for symmetric s (dsymm, lower triangle of s read).
DenseMatrix symmetric_multiply(const DenseMatrix& s, const DenseMatrix& b);
// c = a b^T (dgemm).
DenseMatrix multiply_transposed(const DenseMatrix& a, const DenseMatrix& b);

} // namespace fieldgen::gaussian
