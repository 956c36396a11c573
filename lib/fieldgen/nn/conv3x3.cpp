// Conv3x3: direct stencil kernels for the forward pass, the input gradient (a gather over the
// padded block, no atomics) and the weight/bias gradients, around a width-1 halo exchange.
#include "fieldgen/nn/conv3x3.hpp"

#include "fieldgen/nn/tensor_buffer.hpp"

#include <cmath>

namespace fieldgen::nn {

namespace {

// Extents copied by value into kernels (slot 2 is the unit-stride axis).
struct Stencil {
  long n0, n1, n2; // interior points per slot
  long k0, k1, k2; // taps per slot (3, or 1 on unused slots)
  long q0, q1, q2; // padded points per slot
  long h0, h1, h2; // ghost width per slot (1, or 0 on unused slots)
  long taps() const { return k0 * k1 * k2; }
  long rows() const { return n0 * n1; }
  long padded_rows() const { return q0 * q1; }
  long interior() const { return n0 * n1 * n2; }
  long padded() const { return q0 * q1 * q2; }
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

} // namespace

template <class Real>
Conv3x3<Real>::Conv3x3(const Decomposition& dec, int c_in, int c_out, std::string name)
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
}

template <class Real> void Conv3x3<Real>::reserve(Parameters<Real>& p) {
  weight_block_ = p.reserve(name_ + ".weight", weight_size());
  bias_block_ = p.reserve(name_ + ".bias", c_out_);
}

template <class Real> void Conv3x3<Real>::init(const Parameters<Real>& p, const CounterRng& rng) {
  require(weight_block_ >= 0, "Conv3x3 '", name_, "': init() before reserve()");
  const Real bound = Real(1.0 / std::sqrt(double(c_in_ * taps())));
  const auto w = p.value(weight_block_);
  const auto b = p.value(bias_block_);
  // Counter = (entry index, 0 for weights / 1 for biases): independent of the rank count.
  Kokkos::parallel_for(
      "fieldgen::nn::conv3x3_init_weight", Kokkos::RangePolicy<ExecSpace>(0, w.extent(0)),
      KOKKOS_LAMBDA(const long i) { w(i) = bound * Real(2 * rng.uniform(i, 0) - 1); });
  Kokkos::parallel_for(
      "fieldgen::nn::conv3x3_init_bias", Kokkos::RangePolicy<ExecSpace>(0, b.extent(0)),
      KOKKOS_LAMBDA(const long i) { b(i) = bound * Real(2 * rng.uniform(i, 1) - 1); });
}

template <class Real>
Tensor3<Real> Conv3x3<Real>::forward(const Parameters<Real>& p, const Tensor3<Real>& in) {
  const Stencil s = stencil(n_, k_, q_);
  require(long(in.extent(1)) == c_in_ && long(in.extent(2)) == s.interior(), "Conv3x3 '", name_,
          "': input is [", in.extent(0), "][", in.extent(1), "][", in.extent(2), "], expected [*][",
          c_in_, "][", s.interior(), "]");
  const long batch = long(in.extent(0)), cin = c_in_, cout = c_out_, taps = s.taps();
  reuse_buffer(padded_in_, "fieldgen::nn::conv3x3_padded_in", batch, cin, s.padded());
  reuse_buffer(out_, "fieldgen::nn::conv3x3_out", batch, cout, s.interior());
  pad_input(s, in, padded_in_);
  halo_.exchange(padded_in_);

  const auto w = p.value(weight_block_);
  const auto bias = p.value(bias_block_);
  const auto x = padded_in_;
  const auto out = out_;
  const long rows = s.rows();
  Kokkos::parallel_for(
      "fieldgen::nn::conv3x3_forward", Kokkos::RangePolicy<ExecSpace>(0, batch * cout * rows),
      KOKKOS_LAMBDA(const long idx) {
        const long r = idx % rows, bc = idx / rows, co = bc % cout, b = bc / cout;
        const long i0 = r / s.n1, i1 = r % s.n1;
        Real* KOKKOS_RESTRICT o = &out(b, co, r * s.n2);
        for (long j = 0; j < s.n2; ++j)
          o[j] = bias(co);
        for (long ci = 0; ci < cin; ++ci) {
          long t = (co * cin + ci) * taps;
          for (long t0 = 0; t0 < s.k0; ++t0)
            for (long t1 = 0; t1 < s.k1; ++t1) {
              const Real* KOKKOS_RESTRICT src = &x(b, ci, ((i0 + t0) * s.q1 + i1 + t1) * s.q2);
              for (long t2 = 0; t2 < s.k2; ++t2, ++t) {
                const Real wt = w(t);
                for (long j = 0; j < s.n2; ++j)
                  o[j] += wt * src[j + t2];
              }
            }
        }
      });
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
  const long batch = long(grad_out.extent(0)), cin = c_in_, cout = c_out_, taps = s.taps();
  const auto w = p.value(weight_block_);
  const auto gw = p.grad(weight_block_);
  const auto gb = p.grad(bias_block_);
  const auto x = padded_in_;
  const auto g = grad_out;
  const long rows = s.rows();

  // d w[co][ci][t] += sum_{b, x} g[b][co][x] in_padded[b][ci][x + t]; one item per weight.
  Kokkos::parallel_for(
      "fieldgen::nn::conv3x3_grad_weight", Kokkos::RangePolicy<ExecSpace>(0, cout * cin * taps),
      KOKKOS_LAMBDA(const long idx) {
        const long t = idx % taps, cc = idx / taps, ci = cc % cin, co = cc / cin;
        const long t2 = t % s.k2, t1 = (t / s.k2) % s.k1, t0 = t / (s.k2 * s.k1);
        Real acc = 0;
        for (long b = 0; b < batch; ++b)
          for (long r = 0; r < rows; ++r) {
            const long i0 = r / s.n1, i1 = r % s.n1;
            const Real* src = &x(b, ci, ((i0 + t0) * s.q1 + i1 + t1) * s.q2 + t2);
            const Real* go = &g(b, co, r * s.n2);
            for (long j = 0; j < s.n2; ++j)
              acc += go[j] * src[j];
          }
        gw(idx) += acc;
      });
  const long interior = s.interior();
  Kokkos::parallel_for(
      "fieldgen::nn::conv3x3_grad_bias", Kokkos::RangePolicy<ExecSpace>(0, cout),
      KOKKOS_LAMBDA(const long co) {
        Real acc = 0;
        for (long b = 0; b < batch; ++b)
          for (long i = 0; i < interior; ++i)
            acc += g(b, co, i);
        gb(co) += acc;
      });

  // Input gradient on the padded block: gp[b][ci][q] = sum_{co, t} w[co][ci][t] g[b][co][q - t]
  // over the interior points q - t; one item per padded row.
  reuse_buffer(padded_grad_, "fieldgen::nn::conv3x3_padded_grad", batch, cin, s.padded());
  const auto gp = padded_grad_;
  const long prows = s.padded_rows();
  Kokkos::parallel_for(
      "fieldgen::nn::conv3x3_grad_input", Kokkos::RangePolicy<ExecSpace>(0, batch * cin * prows),
      KOKKOS_LAMBDA(const long idx) {
        const long r = idx % prows, bc = idx / prows, ci = bc % cin, b = bc / cin;
        const long p0 = r / s.q1, p1 = r % s.q1;
        Real* KOKKOS_RESTRICT dst = &gp(b, ci, r * s.q2);
        for (long j = 0; j < s.q2; ++j)
          dst[j] = Real(0);
        for (long co = 0; co < cout; ++co)
          for (long t0 = 0; t0 < s.k0; ++t0) {
            const long i0 = p0 - t0;
            if (i0 < 0 || i0 >= s.n0)
              continue;
            for (long t1 = 0; t1 < s.k1; ++t1) {
              const long i1 = p1 - t1;
              if (i1 < 0 || i1 >= s.n1)
                continue;
              const Real* KOKKOS_RESTRICT go = &g(b, co, (i0 * s.n1 + i1) * s.n2);
              const long t = ((co * cin + ci) * s.k0 + t0) * s.k1 * s.k2 + t1 * s.k2;
              for (long t2 = 0; t2 < s.k2; ++t2) {
                const Real wt = w(t + t2);
                for (long j = 0; j < s.n2; ++j)
                  dst[j + t2] += wt * go[j];
              }
            }
          }
      });
  halo_.sum_scatter(padded_grad_);
  reuse_buffer(grad_in_, "fieldgen::nn::conv3x3_grad_in", batch, cin, interior);
  unpad_grad(s, padded_grad_, grad_in_);
  return grad_in_;
}

template class Conv3x3<float>;
template class Conv3x3<double>;

} // namespace fieldgen::nn
