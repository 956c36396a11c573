// SpectralTransform: the truncated real Fourier transform of fields on (a block of) a regular
// 1-D or 2-D grid, as GEMMs against cos/sin basis matrices built once per (block, modes).
//   1-D, modes {K}:      k = 0 .. K-1 (the first K outputs of numpy/torch rfft).
//   2-D, modes {K1, K2}: k1 in {0..K1-1} then {n1-K1..n1-1} (index a1 = 0 .. 2K1-1),
//                        k2 = 0 .. K2-1 (the two corner blocks the reference FNO keeps of rfft2).
// Mode m is k in 1-D and (k2, a1) with m = k2 * 2K1 + a1 in 2-D.
// analyse() gives, for each row (batch item x channel) of x, the sums over *this block's* points
//   c[m][0][row] + i c[m][1][row] = sum_j x[row][j] exp(-2 pi i <k(m), j_global / n>),
// so on a field split over ranks the sum of the ranks' c is the transform of the whole field.
// synthesise() is its transpose, y[row][j] = sum_m Re((c[m][0] + i c[m][1]) e^{+2 pi i ...}),
// evaluated at this block's points only; synthesise(w .* c) with w = inverse_weights() equals
// torch.fft.irfft(n) / irfftn(s=(n1, n2)) of the kept modes (zero elsewhere): w = c_k / prod(n)
// with c_k = 2 for modes paired with their Hermitian image on the last axis, 1 for k_last = 0 and
// the Nyquist mode k_last = n_last / 2 (whose imaginary parts irfft ignores; sin = 0 there too).
// 2-D is separable: first the last axis (real -> complex, one GEMM per row j1 of the block), then
// the first axis (complex -> complex as a real GEMM with 2x2 rotation blocks, one per k2).
#pragma once

#include "fieldgen/nn/field_block.hpp"
#include "fieldgen/nn/tensor.hpp"

#include <vector>

namespace fieldgen::nn {

template <class Real> class SpectralTransform {
public:
  SpectralTransform(const FieldBlock& block, std::vector<long> modes);

  const FieldBlock& block() const { return block_; }
  long modes() const { return n_modes_; }
  // Wavenumber of mode m along axis (0 .. dim-1), in 0 .. n_axis - 1.
  long wavenumber(long m, int axis) const;
  // [modes]: see above.
  const Vector<Real>& inverse_weights() const { return inverse_weights_; }

  // x [batch][channels][block points] -> c [modes][2][batch * channels].
  void analyse(const Tensor3<Real>& x, const Tensor3<Real>& c);
  // c [modes][2][batch * channels] -> y [batch][channels][block points].
  void synthesise(const Tensor3<Real>& c, const Tensor3<Real>& y);
  // Floating-point operations of one analyse or synthesise of `rows` rows.
  double flops(long rows) const;

private:
  FieldBlock block_;
  std::vector<long> k_; // modes per axis as given
  long n_modes_ = 0;
  Tensor2<Real> last_;  // [2 K_last][n_last local]: rows (k, cos | -sin)
  Tensor2<Real> first_; // 2-D: [2K1 * 2][2 * n1 local]: rows (a1, re | im), cols (re | im, j1)
  Vector<Real> inverse_weights_;
  Tensor3<Real> work_; // 2-D: [2 K2][n1 local][rows], the last-axis transform
};

} // namespace fieldgen::nn
