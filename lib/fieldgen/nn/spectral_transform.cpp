// SpectralTransform: basis matrices and the GEMM sequences of analyse / synthesise.
#include "fieldgen/nn/spectral_transform.hpp"

#include "fieldgen/core/error.hpp"
#include "fieldgen/nn/gemm.hpp"
#include "fieldgen/nn/workspace.hpp"

#include <cmath>

namespace fieldgen::nn {

namespace {

constexpr double two_pi = 6.283185307179586476925;

// 2 pi k j / n with k j reduced mod n in integers, so the angle is exact before the cos/sin.
double angle(long k, long j, long n) {
  return two_pi * double((k * j) % n) / double(n);
}

std::string modes_text(const std::vector<long>& k) {
  std::string s;
  for (size_t a = 0; a < k.size(); ++a)
    s += (a ? " x " : "") + std::to_string(k[a]);
  return s;
}

} // namespace

template <class Real>
SpectralTransform<Real>::SpectralTransform(const FieldBlock& block, std::vector<long> modes)
    : block_(block), k_(std::move(modes)) {
  const int d = block.dim();
  require(d == 1 || d == 2, "SpectralTransform: ", d, "-D field (1-D or 2-D only)");
  require(int(k_.size()) == d && int(block.offset.size()) == d && int(block.local.size()) == d,
          "SpectralTransform: modes ", modes_text(k_), " for block ", block);
  for (int a = 0; a < d; ++a)
    require(block.local[a] >= 1 && block.offset[a] >= 0 &&
                block.offset[a] + block.local[a] <= block.global[a],
            "SpectralTransform: block ", block, " is not inside the grid");
  const long n_last = block.global[d - 1], k_last = k_.back();
  require(k_last >= 1 && k_last <= n_last / 2 + 1, "SpectralTransform: ", k_last,
          " modes on the last axis of ", n_last, " points (at most n/2 + 1)");
  if (d == 2)
    require(k_[0] >= 1 && 2 * k_[0] <= block.global[0], "SpectralTransform: ", k_[0],
            " modes on the first axis of ", block.global[0], " points (2 K1 <= n1)");
  n_modes_ = d == 1 ? k_last : 2 * k_[0] * k_last;

  // Last axis: rows (k, 0) = cos, (k, 1) = -sin at the block's global indices.
  const long off = block.offset[d - 1], nl = block.local[d - 1];
  last_ = Tensor2<Real>("fieldgen::nn::spectral_basis_last", size_t(2 * k_last), size_t(nl));
  auto last_h = Kokkos::create_mirror_view(last_);
  for (long k = 0; k < k_last; ++k)
    for (long j = 0; j < nl; ++j) {
      const double t = angle(k, off + j, n_last);
      last_h(2 * k, j) = Real(std::cos(t));
      last_h(2 * k + 1, j) = Real(-std::sin(t));
    }
  Kokkos::deep_copy(last_, last_h);

  // First axis (2-D): multiplication by e^{-i theta} in real 2x2 form
  // [re; im] <- [[cos, sin], [-sin, cos]] [re; im].
  if (d == 2) {
    const long k1 = k_[0], n1 = block.global[0], off1 = block.offset[0], nl1 = block.local[0];
    first_ = Tensor2<Real>("fieldgen::nn::spectral_basis_first", size_t(4 * k1), size_t(2 * nl1));
    auto first_h = Kokkos::create_mirror_view(first_);
    for (long a = 0; a < 2 * k1; ++a)
      for (long j = 0; j < nl1; ++j) {
        const double t = angle(wavenumber(a, 0), off1 + j, n1);
        const Real c = Real(std::cos(t)), s = Real(std::sin(t));
        first_h(2 * a, j) = c;
        first_h(2 * a, nl1 + j) = s;
        first_h(2 * a + 1, j) = -s;
        first_h(2 * a + 1, nl1 + j) = c;
      }
    Kokkos::deep_copy(first_, first_h);
  }

  // Inverse weights c_k / prod(n): the Hermitian pair of every mode on the last axis except
  // k = 0 and the Nyquist mode k = n/2 (n even) contributes the conjugate term, hence 2.
  double volume = 1;
  for (long n : block.global)
    volume *= double(n);
  inverse_weights_ = Vector<Real>("fieldgen::nn::spectral_inverse_weights", size_t(n_modes_));
  auto w_h = Kokkos::create_mirror_view(inverse_weights_);
  for (long m = 0; m < n_modes_; ++m) {
    const long k = wavenumber(m, d - 1);
    w_h(m) = Real((k == 0 || 2 * k == n_last ? 1.0 : 2.0) / volume);
  }
  Kokkos::deep_copy(inverse_weights_, w_h);
}

template <class Real> long SpectralTransform<Real>::wavenumber(long m, int axis) const {
  if (block_.dim() == 1)
    return m;
  const long k1 = k_[0];
  if (axis == 1)
    return m / (2 * k1);
  const long a = m % (2 * k1);
  return a < k1 ? a : block_.global[0] - 2 * k1 + a;
}

template <class Real>
void SpectralTransform<Real>::analyse(const Tensor3<Real>& x, const Tensor3<Real>& c) {
  const long rows = long(x.extent(0) * x.extent(1)), points = long(x.extent(2));
  require(points == block_.local_size() && long(c.extent(0)) == n_modes_ && c.extent(1) == 2 &&
              long(c.extent(2)) == rows,
          "SpectralTransform::analyse: input [", x.extent(0), "][", x.extent(1), "][", points,
          "] and output [", c.extent(0), "][", c.extent(1), "][", c.extent(2), "] for ", n_modes_,
          " modes on block ", block_);
  const long kl = k_.back(), nl = block_.local.back();
  const Matrix<const Real> basis(last_.data(), 2 * kl, nl);
  if (block_.dim() == 1) { // c [(k, re|im)][row] = F [(k, re|im)][j] x[row][j]^T
    gemm(Op::N, Op::T, Real(1), basis, Matrix<const Real>(x.data(), rows, nl), Real(0),
         Matrix<Real>(c.data(), 2 * kl, rows));
    return;
  }
  const long k1 = k_[0], nl1 = block_.local[0];
  ensure(work_, "fieldgen::nn::spectral_work", 2 * kl, nl1, rows);
  // Last axis, one GEMM per row j1: work[(k2, re|im)][j1][row] = sum_j2 F[.][j2] x[row][j1][j2].
  gemm_batched(Op::N, Op::T, Real(1), basis, 0, Matrix<const Real>(x.data(), rows, nl, nl1 * nl),
               nl, Real(0), Matrix<Real>(work_.data(), 2 * kl, rows, nl1 * rows), rows, nl1);
  // First axis, one GEMM per k2: c[k2][(a1, re|im)][row] = G [(a1, re|im)][(re|im, j1)] work[k2].
  gemm_batched(Op::N, Op::N, Real(1), Matrix<const Real>(first_.data(), 4 * k1, 2 * nl1), 0,
               Matrix<const Real>(work_.data(), 2 * nl1, rows), 2 * nl1 * rows, Real(0),
               Matrix<Real>(c.data(), 4 * k1, rows), 4 * k1 * rows, kl);
}

template <class Real>
void SpectralTransform<Real>::synthesise(const Tensor3<Real>& c, const Tensor3<Real>& y) {
  const long rows = long(y.extent(0) * y.extent(1)), points = long(y.extent(2));
  require(points == block_.local_size() && long(c.extent(0)) == n_modes_ && c.extent(1) == 2 &&
              long(c.extent(2)) == rows,
          "SpectralTransform::synthesise: input [", c.extent(0), "][", c.extent(1), "][",
          c.extent(2), "] and output [", y.extent(0), "][", y.extent(1), "][", points, "] for ",
          n_modes_, " modes on block ", block_);
  const long kl = k_.back(), nl = block_.local.back();
  const Matrix<const Real> basis(last_.data(), 2 * kl, nl);
  if (block_.dim() == 1) { // y [row][j] = c^T [row][(k, re|im)] F [(k, re|im)][j]
    gemm(Op::T, Op::N, Real(1), Matrix<const Real>(c.data(), 2 * kl, rows), basis, Real(0),
         Matrix<Real>(y.data(), rows, nl));
    return;
  }
  const long k1 = k_[0], nl1 = block_.local[0];
  ensure(work_, "fieldgen::nn::spectral_work", 2 * kl, nl1, rows);
  // Transpose of the first-axis step, per k2: work[k2] = G^T c[k2].
  gemm_batched(Op::T, Op::N, Real(1), Matrix<const Real>(first_.data(), 4 * k1, 2 * nl1), 0,
               Matrix<const Real>(c.data(), 4 * k1, rows), 4 * k1 * rows, Real(0),
               Matrix<Real>(work_.data(), 2 * nl1, rows), 2 * nl1 * rows, kl);
  // Transpose of the last-axis step, per j1: y[row][j1][.] = work[.][j1][row]^T F.
  gemm_batched(Op::T, Op::N, Real(1), Matrix<const Real>(work_.data(), 2 * kl, rows, nl1 * rows),
               rows, basis, 0, Real(0), Matrix<Real>(y.data(), rows, nl, nl1 * nl), nl, nl1);
}

template <class Real> double SpectralTransform<Real>::flops(long rows) const {
  const long kl = k_.back(), nl = block_.local.back();
  if (block_.dim() == 1)
    return gemm_flops(2 * kl, rows, nl);
  const long k1 = k_[0], nl1 = block_.local[0];
  return double(nl1) * gemm_flops(2 * kl, rows, nl) +
         double(kl) * gemm_flops(4 * k1, rows, 2 * nl1);
}

template class SpectralTransform<float>;
template class SpectralTransform<double>;

} // namespace fieldgen::nn
