// Conv3x3 as im2col + GEMM: for each batch item and chunk of interior rows, the 3^d shifted
// copies of every input channel are gathered from the halo-padded block into a column matrix
// cols [c_in 3^d][chunk points] and the stencil becomes out = W cols (W [c_out][c_in 3^d]).
// Backward recomputes cols (cheaper than keeping batch x 3^d x input) for dW += dY cols^T, and
// forms dcols = W^T dY, which col2im gathers onto the padded block (no atomics) before the halo
// sum-scatter returns ghost contributions to their owners.
#include "fieldgen/nn/conv3x3.hpp"

#include "fieldgen/nn/gemm.hpp"
#include "fieldgen/nn/init.hpp"
#include "fieldgen/nn/workspace.hpp"

#include <algorithm>

namespace fieldgen::nn {

namespace {

// Extents copied by value into kernels (slot 2 is the unit-stride axis).
struct Stencil {
  long n0, n1, n2; // interior points per slot
  long k0, k1, k2; // taps per slot (3, or 1 on unused slots)
  long q0, q1, q2; // padded points per slot (n + k - 1)
  long h0, h1, h2; // ghost width per slot (1, or 0 on unused slots)
  long taps() const { return k0 * k1 * k2; }
  long rows() const { return n0 * n1; }
  long padded_rows() const { return q0 * q1; }
  long interior() const { return n0 * n1 * n2; }
  long padded() const { return q0 * q1 * q2; }
  // Padded row (slot 0, 1) of interior row r shifted by taps (t0, t1).
  long padded_row(long r, long t0, long t1) const { return (r / n1 + t0) * q1 + r % n1 + t1; }
};

Stencil stencil(const std::array<long, 3>& n, const std::array<long, 3>& k,
                const std::array<long, 3>& q) {
  return {n[0], n[1], n[2], k[0],           k[1],           k[2],
          q[0], q[1], q[2], (k[0] - 1) / 2, (k[1] - 1) / 2, (k[2] - 1) / 2};
}

// padded = interior with zero ghosts; one work item per padded row.
template <class Real>
void pad_input(const Stencil& s, const Tensor3<Real>& in, const Tensor3<Real>& padded) {
  const long channels = long(in.extent(1)), prow = s.padded_rows();
  Kokkos::parallel_for(
      "fieldgen::nn::conv3x3_pad",
      Kokkos::RangePolicy<ExecSpace>(0, long(in.extent(0)) * channels * prow),
      KOKKOS_LAMBDA(const long idx) {
        const long r = idx % prow, bc = idx / prow, c = bc % channels, b = bc / channels;
        const long p0 = r / s.q1 - s.h0, p1 = r % s.q1 - s.h1;
        Real* dst = &padded(b, c, r * s.q2);
        if (p0 < 0 || p0 >= s.n0 || p1 < 0 || p1 >= s.n1) {
          for (long j = 0; j < s.q2; ++j)
            dst[j] = Real(0);
          return;
        }
        const Real* src = &in(b, c, (p0 * s.n1 + p1) * s.n2);
        for (long j = 0; j < s.h2; ++j) {
          dst[j] = Real(0);
          dst[s.q2 - 1 - j] = Real(0);
        }
        for (long j = 0; j < s.n2; ++j)
          dst[s.h2 + j] = src[j];
      });
}

// interior = interior part of padded; one work item per interior row.
template <class Real>
void unpad_grad(const Stencil& s, const Tensor3<Real>& padded, const Tensor3<Real>& interior) {
  const long channels = long(interior.extent(1)), rows = s.rows();
  Kokkos::parallel_for(
      "fieldgen::nn::conv3x3_unpad",
      Kokkos::RangePolicy<ExecSpace>(0, long(interior.extent(0)) * channels * rows),
      KOKKOS_LAMBDA(const long idx) {
        const long r = idx % rows, bc = idx / rows, c = bc % channels, b = bc / channels;
        const long i0 = r / s.n1, i1 = r % s.n1;
        const Real* src = &padded(b, c, ((i0 + s.h0) * s.q1 + i1 + s.h1) * s.q2 + s.h2);
        Real* dst = &interior(b, c, r * s.n2);
        for (long j = 0; j < s.n2; ++j)
          dst[j] = src[j];
      });
}

// cols[ci 3^d + t][(r - r0) n2 + j] = padded[b][ci][interior point (r, j) shifted by tap t] for
// interior rows r0 <= r < r1; one work item per (channel, tap row, interior row).
template <class Real>
void im2col(const Stencil& s, const Tensor3<Real>& x, long b, long r0, long r1,
            const Vector<Real>& cols) {
  const long nrows = r1 - r0, k01 = s.k0 * s.k1, nc = nrows * s.n2, taps = s.taps();
  Kokkos::parallel_for(
      "fieldgen::nn::conv3x3_im2col",
      Kokkos::RangePolicy<ExecSpace>(0, long(x.extent(1)) * k01 * nrows),
      KOKKOS_LAMBDA(const long idx) {
        const long r = r0 + idx % nrows, rest = idx / nrows, t01 = rest % k01, ci = rest / k01;
        const long i0 = r / s.n1, i1 = r % s.n1, t0 = t01 / s.k1, t1 = t01 % s.k1;
        const Real* src = &x(b, ci, ((i0 + t0) * s.q1 + i1 + t1) * s.q2);
        for (long t2 = 0; t2 < s.k2; ++t2) {
          Real* dst = &cols(((ci * taps) + t01 * s.k2 + t2) * nc + (r - r0) * s.n2);
          for (long j = 0; j < s.n2; ++j)
            dst[j] = src[j + t2];
        }
      });
}

// The adjoint of im2col, accumulated: gp[b][ci][q] += sum_t dcols[ci 3^d + t][q - t] over the
// chunk's interior points q - t. One work item per (channel, padded row the chunk touches), so
// no two items write the same value.
template <class Real>
void col2im(const Stencil& s, const Vector<Real>& dcols, long b, long r0, long r1,
            const Tensor3<Real>& gp) {
  const long nc = (r1 - r0) * s.n2, taps = s.taps();
  const long pr0 = s.padded_row(r0, 0, 0), pr1 = s.padded_row(r1 - 1, s.k0 - 1, s.k1 - 1) + 1;
  const long npr = pr1 - pr0;
  Kokkos::parallel_for(
      "fieldgen::nn::conv3x3_col2im", Kokkos::RangePolicy<ExecSpace>(0, long(gp.extent(1)) * npr),
      KOKKOS_LAMBDA(const long idx) {
        const long pr = pr0 + idx % npr, ci = idx / npr;
        const long p0 = pr / s.q1, p1 = pr % s.q1;
        Real* dst = &gp(b, ci, pr * s.q2);
        for (long t0 = 0; t0 < s.k0; ++t0) {
          const long i0 = p0 - t0;
          if (i0 < 0 || i0 >= s.n0)
            continue;
          for (long t1 = 0; t1 < s.k1; ++t1) {
            const long i1 = p1 - t1, r = i0 * s.n1 + i1;
            if (i1 < 0 || i1 >= s.n1 || r < r0 || r >= r1)
              continue;
            for (long t2 = 0; t2 < s.k2; ++t2) {
              const Real* src =
                  &dcols((ci * taps + (t0 * s.k1 + t1) * s.k2 + t2) * nc + (r - r0) * s.n2);
              for (long j = 0; j < s.n2; ++j)
                dst[j + t2] += src[j];
            }
          }
        }
      });
}

} // namespace

template <class Real>
Conv3x3<Real>::Conv3x3(const Decomposition& dec, int c_in, int c_out, std::string name,
                       long max_column_values)
    : c_in_(c_in), c_out_(c_out), name_(std::move(name)), halo_(dec, 1) {
  require(c_in >= 1 && c_out >= 1, "Conv3x3 '", name_, "': channels must be >= 1 (got ", c_in,
          " -> ", c_out, ")");
  const int d = dec.dim();
  for (int a = 0; a < d; ++a) {
    const int slot = 3 - d + a;
    n_[slot] = dec.local_n(a);
    k_[slot] = 3;
    q_[slot] = n_[slot] + 2;
  }
  const long row_values = long(c_in_) * taps() * n_[2];
  chunk_rows_ = std::clamp(max_column_values / row_values, 1L, n_[0] * n_[1]);
}

template <class Real> void Conv3x3<Real>::reserve(Parameters<Real>& p) {
  weight_block_ = p.reserve(name_ + ".weight", weight_size());
  bias_block_ = p.reserve(name_ + ".bias", c_out_);
}

template <class Real> void Conv3x3<Real>::init(const Parameters<Real>& p, const CounterRng& rng) {
  require(weight_block_ >= 0, "Conv3x3 '", name_, "': init() before reserve()");
  init_fan_in(p, weight_block_, rng, long(c_in_) * taps());
  init_fan_in(p, bias_block_, rng, long(c_in_) * taps());
}

template <class Real>
Tensor3<Real> Conv3x3<Real>::forward(const Parameters<Real>& p, const Tensor3<Real>& in) {
  const Stencil s = stencil(n_, k_, q_);
  require(long(in.extent(1)) == c_in_ && long(in.extent(2)) == s.interior(), "Conv3x3 '", name_,
          "': input is [", in.extent(0), "][", in.extent(1), "][", in.extent(2), "], expected [*][",
          c_in_, "][", s.interior(), "]");
  const long batch = long(in.extent(0)), n = s.interior(), k = long(c_in_) * taps();
  ensure(padded_in_, "fieldgen::nn::conv3x3_padded_in", batch, c_in_, s.padded());
  ensure(out_, "fieldgen::nn::conv3x3_out", batch, c_out_, n);
  ensure(cols_, "fieldgen::nn::conv3x3_cols", chunk_rows_ * s.n2 * k);
  pad_input(s, in, padded_in_);
  halo_.exchange(padded_in_);

  const auto bias = p.value(bias_block_);
  const auto out = out_;
  const long cout = c_out_;
  Kokkos::parallel_for(
      "fieldgen::nn::conv3x3_bias", Kokkos::RangePolicy<ExecSpace>(0, batch * cout * n),
      KOKKOS_LAMBDA(const long i) { out.data()[i] = bias((i / n) % cout); });
  const Matrix<const Real> w(p.value(weight_block_).data(), c_out_, k);
  for (long b = 0; b < batch; ++b)
    for (long r0 = 0; r0 < s.rows(); r0 += chunk_rows_) {
      const long r1 = std::min(r0 + chunk_rows_, s.rows()), nc = (r1 - r0) * s.n2;
      im2col(s, padded_in_, b, r0, r1, cols_);
      gemm(Op::N, Op::N, Real(1), w, Matrix<const Real>(cols_.data(), k, nc), Real(1),
           Matrix<Real>(out_.data() + b * out_.stride(0) + r0 * s.n2, c_out_, nc,
                        long(out_.stride(1))));
    }
  return out_;
}

template <class Real>
Tensor3<Real> Conv3x3<Real>::backward(const Parameters<Real>& p, const Tensor3<Real>& grad_out) {
  const Stencil s = stencil(n_, k_, q_);
  require(grad_out.extent(0) == padded_in_.extent(0) && long(grad_out.extent(1)) == c_out_ &&
              long(grad_out.extent(2)) == s.interior(),
          "Conv3x3 '", name_, "': output gradient is [", grad_out.extent(0), "][",
          grad_out.extent(1), "][", grad_out.extent(2), "], the last forward gave [",
          padded_in_.extent(0), "][", c_out_, "][", s.interior(), "]");
  const long batch = long(grad_out.extent(0)), n = s.interior(), k = long(c_in_) * taps();
  const auto gb = p.grad(bias_block_);
  const auto g = grad_out;
  Kokkos::parallel_for(
      "fieldgen::nn::conv3x3_grad_bias", Kokkos::RangePolicy<ExecSpace>(0, long(c_out_)),
      KOKKOS_LAMBDA(const long co) {
        Real acc = 0;
        for (long b = 0; b < batch; ++b)
          for (long i = 0; i < n; ++i)
            acc += g(b, co, i);
        gb(co) += acc;
      });

  ensure(padded_grad_, "fieldgen::nn::conv3x3_padded_grad", batch, c_in_, s.padded());
  ensure(dcols_, "fieldgen::nn::conv3x3_dcols", chunk_rows_ * s.n2 * k);
  Kokkos::deep_copy(padded_grad_, Real(0));
  const Matrix<const Real> w(p.value(weight_block_).data(), c_out_, k);
  const Matrix<Real> gw(p.grad(weight_block_).data(), c_out_, k);
  for (long b = 0; b < batch; ++b)
    for (long r0 = 0; r0 < s.rows(); r0 += chunk_rows_) {
      const long r1 = std::min(r0 + chunk_rows_, s.rows()), nc = (r1 - r0) * s.n2;
      // Pointer arithmetic on the host: never dereference device memory here.
      const Matrix<const Real> gy(grad_out.data() + b * grad_out.stride(0) + r0 * s.n2, c_out_, nc,
                                  long(grad_out.stride(1)));
      im2col(s, padded_in_, b, r0, r1, cols_);
      gemm(Op::N, Op::T, Real(1), gy, Matrix<const Real>(cols_.data(), k, nc), Real(1), gw);
      gemm(Op::T, Op::N, Real(1), w, gy, Real(0), Matrix<Real>(dcols_.data(), k, nc));
      col2im(s, dcols_, b, r0, r1, padded_grad_);
    }
  halo_.sum_scatter(padded_grad_);
  ensure(grad_in_, "fieldgen::nn::conv3x3_grad_in", batch, c_in_, n);
  unpad_grad(s, padded_grad_, grad_in_);
  return grad_in_;
}

template class Conv3x3<float>;
template class Conv3x3<double>;

} // namespace fieldgen::nn
