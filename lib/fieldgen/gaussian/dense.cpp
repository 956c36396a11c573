// Dense linear algebra wrappers (see dense.hpp). LAPACK is called through its Fortran symbols,
// which OpenBLAS exports (Debian ships no lapacke.h); the trailing size_t arguments are the hidden
// lengths of character arguments that gfortran-compiled routines expect.
#include "fieldgen/gaussian/dense.hpp"

#include "fieldgen/core/error.hpp"

#include <cblas.h>

#include <cstddef>

extern "C" {
void dpotrf_(const char* uplo, const int* n, double* a, const int* lda, int* info, std::size_t);
void dpotrs_(const char* uplo, const int* n, const int* nrhs, const double* a, const int* lda,
             double* b, const int* ldb, int* info, std::size_t);
void dgetrf_(const int* m, const int* n, double* a, const int* lda, int* ipiv, int* info);
void dgetrs_(const char* trans, const int* n, const int* nrhs, const double* a, const int* lda,
             const int* ipiv, double* b, const int* ldb, int* info, std::size_t);
void dsyevd_(const char* jobz, const char* uplo, const int* n, double* a, const int* lda, double* w,
             double* work, const int* lwork, int* iwork, const int* liwork, int* info, std::size_t,
             std::size_t);
}

namespace fieldgen::gaussian {
namespace {

void check_info(int info, const char* routine, const char* meaning) {
  if (info < 0)
    throw UsageError(cat(routine, ": argument ", -info, " is invalid"));
  if (info > 0)
    throw NumericError(cat(routine, " failed (info = ", info, "): ", meaning));
}

void require_square_rhs(const DenseMatrix& m, const DenseMatrix& b, const char* what) {
  require(m.rows == m.cols && b.rows == m.rows, what, ": a ", m.rows, "x", m.cols,
          " matrix cannot act on ", b.rows, "x", b.cols);
}

} // namespace

void cholesky_lower(DenseMatrix& a) {
  require(a.rows == a.cols, "cholesky_lower: matrix is ", a.rows, "x", a.cols);
  const int n = int(a.rows);
  int info = 0;
  dpotrf_("L", &n, a.a.data(), &n, &info, 1);
  check_info(info, "dpotrf", "the matrix is not positive definite (increase the jitter)");
}

void lower_multiply(const DenseMatrix& l, DenseMatrix& b) {
  require_square_rhs(l, b, "lower_multiply");
  // One dtrmv per column instead of one dtrmm: a column's product must not depend on how many
  // columns share the call, so that a noise sample L z is bitwise the same in any batch or rank
  // split. OpenBLAS's dtrmm treats leftover columns with other kernels that round differently
  // on some CPUs (AMD EPYC: 3.3e-16 between an 8- and a 4-column call).
  for (long j = 0; j < b.cols; ++j)
    cblas_dtrmv(CblasColMajor, CblasLower, CblasNoTrans, CblasNonUnit, int(l.rows), l.a.data(),
                int(l.rows), b.a.data() + j * b.rows, 1);
}

void lower_solve(const DenseMatrix& l, DenseMatrix& b) {
  require_square_rhs(l, b, "lower_solve");
  cblas_dtrsm(CblasColMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, int(b.rows),
              int(b.cols), 1.0, l.a.data(), int(l.rows), b.a.data(), int(b.rows));
}

void cholesky_solve(const DenseMatrix& l, DenseMatrix& b) {
  require_square_rhs(l, b, "cholesky_solve");
  const int n = int(l.rows), nrhs = int(b.cols);
  int info = 0;
  dpotrs_("L", &n, &nrhs, l.a.data(), &n, b.a.data(), &n, &info, 1);
  check_info(info, "dpotrs", "unexpected");
}

void solve_transposed(DenseMatrix m, DenseMatrix& b) {
  require_square_rhs(m, b, "solve_transposed");
  const int n = int(m.rows), nrhs = int(b.cols);
  std::vector<int> pivots(static_cast<size_t>(n));
  int info = 0;
  dgetrf_(&n, &n, m.a.data(), &n, pivots.data(), &info);
  check_info(info, "dgetrf", "the matrix is singular");
  dgetrs_("T", &n, &nrhs, m.a.data(), &n, pivots.data(), b.a.data(), &n, &info, 1);
  check_info(info, "dgetrs", "unexpected");
}

std::vector<double> symmetric_eigen(DenseMatrix& a) {
  require(a.rows == a.cols, "symmetric_eigen: matrix is ", a.rows, "x", a.cols);
  const int n = int(a.rows);
  std::vector<double> w(static_cast<size_t>(n));
  int info = 0, lwork = -1, liwork = -1, iquery = 0;
  double query = 0;
  dsyevd_("V", "L", &n, a.a.data(), &n, w.data(), &query, &lwork, &iquery, &liwork, &info, 1, 1);
  check_info(info, "dsyevd (workspace query)", "unexpected");
  lwork = int(query);
  liwork = iquery;
  std::vector<double> work(static_cast<size_t>(lwork));
  std::vector<int> iwork(static_cast<size_t>(liwork));
  dsyevd_("V", "L", &n, a.a.data(), &n, w.data(), work.data(), &lwork, iwork.data(), &liwork, &info,
          1, 1);
  check_info(info, "dsyevd", "the eigenvalue iteration did not converge");
  return w;
}

DenseMatrix symmetric_multiply(const DenseMatrix& s, const DenseMatrix& b) {
  require_square_rhs(s, b, "symmetric_multiply");
  DenseMatrix c(b.rows, b.cols);
  cblas_dsymm(CblasColMajor, CblasLeft, CblasLower, int(b.rows), int(b.cols), 1.0, s.a.data(),
              int(s.rows), b.a.data(), int(b.rows), 0.0, c.a.data(), int(c.rows));
  return c;
}

DenseMatrix multiply_transposed(const DenseMatrix& a, const DenseMatrix& b) {
  require(a.cols == b.cols, "multiply_transposed: inner dimensions ", a.cols, " and ", b.cols,
          " differ");
  DenseMatrix c(a.rows, b.rows);
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, int(a.rows), int(b.rows), int(a.cols), 1.0,
              a.a.data(), int(a.rows), b.a.data(), int(b.rows), 0.0, c.a.data(), int(c.rows));
  return c;
}

} // namespace fieldgen::gaussian
