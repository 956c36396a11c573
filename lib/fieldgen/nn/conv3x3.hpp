// Conv3x3: local convolution with a 3x3 (2-D) or 3x3x3 (3-D) stencil (3 taps in 1-D), C_in -> C_out
// channels plus a bias, on a field split over the ranks of a Decomposition:
//   out[b][co][x] = bias[co] + sum_{ci, t} w[co][ci][t] in[b][ci][x + t],  t in {-1, 0, 1}^d
// (cross-correlation, weight layout [co][ci][t_0]..[t_{d-1}] as torch.nn.Conv2d/Conv3d).
// Values outside the domain are zero on non-periodic axes and wrap on periodic ones; across
// ranks they come from the neighbours through a width-1 Halo exchange of the padded input.
// Backward gathers the input gradient onto the padded block (ghosts included) and sum-scatters
// the ghost part back to the owning ranks.
//
// The stencil runs as im2col + GEMM (nn/gemm: OpenBLAS on host memory, KokkosBlas on devices)
// over chunks of interior rows holding at most max_column_values values (default 2^20: 8 MiB
// in double per buffer, two per layer, while each GEMM still has >= ~1800 columns at 64 input
// channels in 2-D; at least one row per chunk). Measured on one core (64x64, batch 8, double, on a
// shared and loaded 2-core machine) against the direct Kokkos stencil kernel first written for
// this layer: forward 1x (4 channels) to 6x (64 channels), backward 2x to 8x faster; the direct
// kernel's weight-gradient reductions cannot vectorise under strict floating-point order.
//
// Parameter gradients are *partial* on each rank (sums over its own block only): the caller
// completes them with DataParallel::sum_gradients over the ranks that share the fields (spatial
// decomposition), in the same single allreduce as the rest of the gradient buffer. The input
// gradient is complete on return.
#pragma once

#include "fieldgen/mesh/halo.hpp"
#include "fieldgen/nn/layer.hpp"

#include <array>
#include <string>

namespace fieldgen::nn {

template <class Real> class Conv3x3 final : public Layer<Real> {
public:
  // Collective over dec.comm() (creates the Halo). Needs every block >= 1 point per axis.
  Conv3x3(const Decomposition& dec, int c_in, int c_out, std::string name = "conv3x3",
          long max_column_values = 1L << 20);

  void reserve(Parameters<Real>& p) override;
  // torch's default: weights and bias uniform in +-1/sqrt(c_in 3^d) (nn/init, keyed by block
  // name).
  void init(const Parameters<Real>& p, const CounterRng& rng) override;
  // [batch][c_in][local points] -> [batch][c_out][local points]. Collective (halo exchange).
  Tensor3<Real> forward(const Parameters<Real>& p, const Tensor3<Real>& in) override;
  // Collective (sum-scatter); adds the partial weight and bias gradients.
  Tensor3<Real> backward(const Parameters<Real>& p, const Tensor3<Real>& grad_out) override;

  int taps() const { return int(k_[0] * k_[1] * k_[2]); }
  long chunk_rows() const { return chunk_rows_; }
  long weight_size() const { return long(c_out_) * c_in_ * taps(); }

private:
  // Local block in 3 slots, unit axes in front: n_ interior points, k_ taps (3 or 1), q_ padded
  // points (n + k - 1) per slot.
  std::array<long, 3> n_{1, 1, 1}, k_{1, 1, 1}, q_{1, 1, 1};
  int c_in_, c_out_;
  std::string name_;
  Halo<Real> halo_;
  int weight_block_ = -1, bias_block_ = -1;
  long chunk_rows_ = 1; // interior rows (all axes but the last) per im2col chunk
  Tensor3<Real> padded_in_, out_, padded_grad_, grad_in_;
  Vector<Real> cols_, dcols_;
};

} // namespace fieldgen::nn
