// GEMM wrapper: shape checks, then OpenBLAS on host memory or KokkosBlas elsewhere.
#include "fieldgen/nn/gemm.hpp"

#include "fieldgen/core/error.hpp"

#include <KokkosBlas3_gemm.hpp>
#include <cblas.h>

#include <climits>
#include <ostream>

namespace fieldgen::nn {

namespace {

constexpr bool host_memory = Kokkos::SpaceAccessibility<Kokkos::HostSpace, MemSpace>::accessible;

template <class T> long op_rows(Op op, const Matrix<T>& m) {
  return op == Op::N ? m.rows : m.cols;
}
template <class T> long op_cols(Op op, const Matrix<T>& m) {
  return op == Op::N ? m.cols : m.rows;
}

// A matrix operand for error messages, formatted only when a check fails.
struct Operand {
  const char* name;
  Op op;
  long rows, cols, ld;
};
std::ostream& operator<<(std::ostream& s, const Operand& o) {
  return s << o.name << (o.op == Op::T ? "^T" : "") << " [" << o.rows << " x " << o.cols << ", ld "
           << o.ld << "]";
}
template <class T> Operand operand(const char* name, Op op, const Matrix<T>& m) {
  return {name, op, m.rows, m.cols, m.ld};
}

template <class Real>
void check_shapes(Op op_a, Op op_b, const Matrix<const Real>& a, const Matrix<const Real>& b,
                  const Matrix<Real>& c) {
  const bool ok = op_rows(op_a, a) == c.rows && op_cols(op_b, b) == c.cols &&
                  op_cols(op_a, a) == op_rows(op_b, b) && a.ld >= std::max(a.cols, 1L) &&
                  b.ld >= std::max(b.cols, 1L) && c.ld >= std::max(c.cols, 1L);
  require(ok, "gemm: shapes do not match: ", operand("A", op_a, a), " * ", operand("B", op_b, b),
          " -> ", operand("C", Op::N, c));
  require(c.rows < INT_MAX && c.cols < INT_MAX && op_cols(op_a, a) < INT_MAX &&
              std::max({a.ld, b.ld, c.ld}) < INT_MAX,
          "gemm: dimension beyond the BLAS int range: ", operand("C", Op::N, c));
}

CBLAS_TRANSPOSE cblas_op(Op op) {
  return op == Op::N ? CblasNoTrans : CblasTrans;
}

CBLAS_TRANSPOSE flip(Op op) {
  return op == Op::N ? CblasTrans : CblasNoTrans;
}

// The BLAS-3 / BLAS-2 routines by precision.
void blas_gemm(Op op_a, Op op_b, int m, int n, int k, float alpha, const float* a, int lda,
               const float* b, int ldb, float beta, float* c, int ldc) {
  cblas_sgemm(CblasRowMajor, cblas_op(op_a), cblas_op(op_b), m, n, k, alpha, a, lda, b, ldb, beta,
              c, ldc);
}
void blas_gemm(Op op_a, Op op_b, int m, int n, int k, double alpha, const double* a, int lda,
               const double* b, int ldb, double beta, double* c, int ldc) {
  cblas_dgemm(CblasRowMajor, cblas_op(op_a), cblas_op(op_b), m, n, k, alpha, a, lda, b, ldb, beta,
              c, ldc);
}
void blas_gemv(CBLAS_TRANSPOSE t, int m, int n, float alpha, const float* a, int lda,
               const float* x, int incx, float beta, float* y, int incy) {
  cblas_sgemv(CblasRowMajor, t, m, n, alpha, a, lda, x, incx, beta, y, incy);
}
void blas_gemv(CBLAS_TRANSPOSE t, int m, int n, double alpha, const double* a, int lda,
               const double* x, int incx, double beta, double* y, int incy) {
  cblas_dgemv(CblasRowMajor, t, m, n, alpha, a, lda, x, incx, beta, y, incy);
}
void blas_ger(int m, int n, float alpha, const float* x, int incx, const float* y, int incy,
              float* a, int lda) {
  cblas_sger(CblasRowMajor, m, n, alpha, x, incx, y, incy, a, lda);
}
void blas_ger(int m, int n, double alpha, const double* x, int incx, const double* y, int incy,
              double* a, int lda) {
  cblas_dger(CblasRowMajor, m, n, alpha, x, incx, y, incy, a, lda);
}

// Host product. OpenBLAS (0.3.21) runs every gemm through its packing kernels, which costs
// microseconds per call; a product with one column or row of C is a gemv and an outer product
// added to C is a ger, at a fraction of that (the per-channel bias of small layers).
template <class Real>
void host_gemm(Op op_a, Op op_b, Real alpha, const Matrix<const Real>& a,
               const Matrix<const Real>& b, Real beta, const Matrix<Real>& c) {
  const int m = int(c.rows), n = int(c.cols), k = int(op_cols(op_a, a));
  const int lda = int(a.ld), ldb = int(b.ld), ldc = int(c.ld);
  if (n == 1 && k > 0) // C[:, 0] = op(A) op(B)[:, 0]
    blas_gemv(cblas_op(op_a), int(a.rows), int(a.cols), alpha, a.data, lda, b.data,
              op_b == Op::N ? ldb : 1, beta, c.data, ldc);
  else if (m == 1 && k > 0) // C[0, :] = op(B)^T op(A)[0, :]
    blas_gemv(flip(op_b), int(b.rows), int(b.cols), alpha, b.data, ldb, a.data,
              op_a == Op::N ? 1 : lda, beta, c.data, 1);
  else if (k == 1 && beta == Real(1)) // C += alpha op(A)[:, 0] op(B)[0, :]
    blas_ger(m, n, alpha, a.data, op_a == Op::N ? lda : 1, b.data, op_b == Op::N ? 1 : ldb, c.data,
             ldc);
  else
    blas_gemm(op_a, op_b, m, n, k, alpha, a.data, lda, b.data, ldb, beta, c.data, ldc);
}

// One product without checks; the host branch is only compiled where MemSpace is host memory.
template <class Real>
void gemm_unchecked(Op op_a, Op op_b, Real alpha, const Matrix<const Real>& a,
                    const Matrix<const Real>& b, Real beta, const Matrix<Real>& c) {
  if (c.rows == 0 || c.cols == 0)
    return;
  if constexpr (host_memory)
    host_gemm(op_a, op_b, alpha, a, b, beta, c);
  else
    gemm_kokkos<Real>(op_a, op_b, alpha, a, b, beta, c);
}

} // namespace

template <class Real>
void gemm(Op op_a, Op op_b, Real alpha, Matrix<const NoDeduce<Real>> a,
          Matrix<const NoDeduce<Real>> b, Real beta, Matrix<Real> c) {
  check_shapes(op_a, op_b, a, b, c);
  gemm_unchecked(op_a, op_b, alpha, a, b, beta, c);
}

template <class Real>
void gemm_batched(Op op_a, Op op_b, Real alpha, Matrix<const NoDeduce<Real>> a, long stride_a,
                  Matrix<const NoDeduce<Real>> b, long stride_b, Real beta, Matrix<Real> c,
                  long stride_c, long count) {
  check_shapes(op_a, op_b, a, b, c);
  require(count >= 0 && stride_a >= 0 && stride_b >= 0 && stride_c >= 0,
          "gemm_batched: negative count or stride (count ", count, ", strides ", stride_a, ", ",
          stride_b, ", ", stride_c, ")");
  for (long i = 0; i < count; ++i) {
    Matrix<const Real> ai(a.data + i * stride_a, a.rows, a.cols, a.ld);
    Matrix<const Real> bi(b.data + i * stride_b, b.rows, b.cols, b.ld);
    Matrix<Real> ci(c.data + i * stride_c, c.rows, c.cols, c.ld);
    gemm_unchecked(op_a, op_b, alpha, ai, bi, beta, ci);
  }
}

template <class Real>
void gemm_kokkos(Op op_a, Op op_b, Real alpha, Matrix<const NoDeduce<Real>> a,
                 Matrix<const NoDeduce<Real>> b, Real beta, Matrix<Real> c) {
  check_shapes(op_a, op_b, a, b, c);
  using Unmanaged = Kokkos::MemoryTraits<Kokkos::Unmanaged>;
  using ConstView = Kokkos::View<const Real**, Kokkos::LayoutStride, MemSpace, Unmanaged>;
  using View = Kokkos::View<Real**, Kokkos::LayoutStride, MemSpace, Unmanaged>;
  auto layout = [](const auto& m) {
    return Kokkos::LayoutStride(size_t(m.rows), size_t(m.ld), size_t(m.cols), 1);
  };
  if (c.rows == 0 || c.cols == 0)
    return;
  const ConstView av(a.data, layout(a)), bv(b.data, layout(b));
  const View cv(c.data, layout(c));
  // KokkosBlas returns early when the inner dimension is empty; BLAS semantics scale C by beta.
  if (op_cols(op_a, a) == 0) {
    Kokkos::parallel_for(
        "fieldgen::nn::gemm_scale",
        Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<2>>({0, 0}, {c.rows, c.cols}),
        KOKKOS_LAMBDA(long i, long j) { cv(i, j) = beta == Real(0) ? Real(0) : beta * cv(i, j); });
    return;
  }
  KokkosBlas::gemm(op_a == Op::N ? "N" : "T", op_b == Op::N ? "N" : "T", alpha, av, bv, beta, cv);
}

#define FIELDGEN_INSTANTIATE(Real)                                                                 \
  template void gemm<Real>(Op, Op, Real, Matrix<const Real>, Matrix<const Real>, Real,             \
                           Matrix<Real>);                                                          \
  template void gemm_batched<Real>(Op, Op, Real, Matrix<const Real>, long, Matrix<const Real>,     \
                                   long, Real, Matrix<Real>, long, long);                          \
  template void gemm_kokkos<Real>(Op, Op, Real, Matrix<const Real>, Matrix<const Real>, Real,      \
                                  Matrix<Real>);
FIELDGEN_INSTANTIATE(float)
FIELDGEN_INSTANTIATE(double)
#undef FIELDGEN_INSTANTIATE

} // namespace fieldgen::nn
