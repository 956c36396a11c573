// GEMM for row-major matrices held in Kokkos memory: the hot path of the pointwise and spectral
// layers. On host-accessible memory it calls OpenBLAS (cblas_sgemm / cblas_dgemm) directly, or
// its gemv / ger when C has one row or column or the inner dimension is 1 with beta = 1; on
// device memory it calls KokkosBlas::gemm on unmanaged strided views. A Matrix is a non-owning
// description of a row-major block (rows x cols, leading dimension ld >= cols) inside a View.
#pragma once

#include "fieldgen/nn/tensor.hpp"

#include <type_traits>

namespace fieldgen::nn {

enum class Op { N, T }; // op(X) = X or X^T

template <class T> struct Matrix {
  T* data = nullptr;
  long rows = 0, cols = 0, ld = 0;

  Matrix() = default;
  Matrix(T* d, long r, long c) : data(d), rows(r), cols(c), ld(c) {}
  Matrix(T* d, long r, long c, long l) : data(d), rows(r), cols(c), ld(l) {}
  // A read-only Matrix from a writable one.
  template <class U, class = std::enable_if_t<std::is_same_v<const U, T>>>
  Matrix(const Matrix<U>& o) : data(o.data), rows(o.rows), cols(o.cols), ld(o.ld) {}
};

template <class Real> Matrix<Real> matrix(const Tensor2<Real>& a) {
  return {a.data(), long(a.extent(0)), long(a.extent(1))};
}

template <class T> struct Identity { using type = T; };
template <class T> using NoDeduce = typename Identity<T>::type;

// C = alpha op(A) op(B) + beta C. Shapes are checked (UsageError naming them). With beta = 0 the
// old contents of C are ignored.
template <class Real>
void gemm(Op op_a, Op op_b, Real alpha, Matrix<const NoDeduce<Real>> a,
          Matrix<const NoDeduce<Real>> b, Real beta, Matrix<Real> c);

// For i = 0 .. count-1, in order: C_i = alpha op(A_i) op(B_i) + beta C_i, where X_i starts
// i * stride_x elements after X. A stride of 0 reuses one matrix; for C with beta = 1 that
// accumulates the whole batch into one result.
template <class Real>
void gemm_batched(Op op_a, Op op_b, Real alpha, Matrix<const NoDeduce<Real>> a, long stride_a,
                  Matrix<const NoDeduce<Real>> b, long stride_b, Real beta, Matrix<Real> c,
                  long stride_c, long count);

// The KokkosBlas::gemm path that gemm() takes on non-host memory. Callable on any memory space,
// so that host builds test what device builds run.
template <class Real>
void gemm_kokkos(Op op_a, Op op_b, Real alpha, Matrix<const NoDeduce<Real>> a,
                 Matrix<const NoDeduce<Real>> b, Real beta, Matrix<Real> c);

// Floating-point operations of one gemm: 2 m n k.
inline double gemm_flops(long m, long n, long k) {
  return 2.0 * double(m) * double(n) * double(k);
}

} // namespace fieldgen::nn
