// SpectralConv: the Fourier layer of the FNO (Li et al. 2021; SpectralConv1d / SpectralConv2d of
// the reference code): truncated Fourier transform, complex channel mixing per kept mode,
//   Y[b][o][k] = sum_i X[b][i][k] W[i][o][k]   (complex, no conjugation: einsum "bix,iox->box"),
// and the irfft back to the grid (modes beyond the kept ones are zero). Weights are complex and
// stored as (re, im) pairs in torch's view_as_real layout: 1-D block "<name>.weights" [c_in][c_out]
// [K][2]; 2-D blocks "<name>.weights1" (k1 = 0..K1-1) and "<name>.weights2" (k1 = n1-K1..n1-1),
// each [c_in][c_out][K1][K2][2]. Initial values (1 / (c_in c_out)) U[0, 1) for re and im, as the
// reference's scale * torch.rand(cdouble).
//
// Domain decomposition: a rank holding a block of the field (set_block) transforms its points
// into partial mode sums; one MPI_Allreduce of [modes][2][batch x c_in] over the layer's
// communicator completes the transform, and each rank synthesises only its own points. Backward
// is the adjoint: the partial mode sums of grad_out are all-reduced (non-blocking, overlapped with
// the weight-gradient GEMMs) before the input gradient is synthesised. The weight gradients a rank
// adds are its points' share (like those of any pointwise layer on a split field): sum the
// gradient buffer over the ranks of the split (e.g. in the data-parallel all-reduce) to get the
// full gradient. On one rank (the default MPI_COMM_SELF) it is the plain layer.
#pragma once

#include "fieldgen/core/comm.hpp"
#include "fieldgen/nn/layer.hpp"
#include "fieldgen/nn/spectral_transform.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace fieldgen::nn {

template <class Real> class SpectralConv : public Layer<Real> {
public:
  // modes: {K} (1-D) or {K1, K2} (2-D). comm: the ranks over which fields are split (duplicated).
  SpectralConv(long c_in, long c_out, std::vector<long> modes, std::string name,
               MPI_Comm comm = MPI_COMM_SELF);

  // This rank's block of the grid. Required in 2-D and for a split field; a 1-D layer without a
  // block treats each input as a whole field of extent(2) points. Bases are built once per block
  // and kept, so alternating resolutions costs nothing after the first call of each.
  void set_block(const FieldBlock& block);

  void reserve(Parameters<Real>& p) override;
  void init(const Parameters<Real>& p, const CounterRng& rng) override;
  // Keeps its own transform of in (in itself is not referenced after forward returns).
  Tensor3<Real> forward(const Parameters<Real>& p, const Tensor3<Real>& in) override;
  Tensor3<Real> backward(const Parameters<Real>& p, const Tensor3<Real>& grad_out) override;

  long c_in() const { return c_in_; }
  long c_out() const { return c_out_; }
  const std::vector<long>& modes() const { return k_; }
  const Comm& comm() const { return comm_; }
  // The transform used for inputs of `points` points per field (built on first use).
  SpectralTransform<Real>& transform(long points);
  // Floating-point operations of forward (3 terms: analysis, mixing, synthesis) for a batch.
  double forward_flops(long batch, long points);

private:
  // recv = sum over the layer's ranks of send, started before and finished after other work.
  class ModeSum {
  public:
    void start(const Comm& comm, const Tensor3<Real>& send, const Tensor3<Real>& recv);
    void finish();

  private:
    MPI_Request request_ = MPI_REQUEST_NULL;
    typename Tensor3<Real>::HostMirror send_host_, recv_host_;
    Tensor3<Real> recv_;
  };

  void pack_weights(const Parameters<Real>& p, const Vector<Real>& scale);
  void add_weight_grads(const Parameters<Real>& p, const Vector<Real>& scale);

  long c_in_, c_out_;
  std::vector<long> k_;
  std::string name_;
  Comm comm_;
  int blocks_[2] = {-1, -1};
  long weight_block_size_ = 0;
  bool has_block_ = false;
  FieldBlock block_;
  std::map<FieldBlock, std::unique_ptr<SpectralTransform<Real>>> transforms_;
  SpectralTransform<Real>* current_ = nullptr; // transform of the last forward
  ModeSum sum_;
  // [modes][2][batch x c]: transforms (re rows then im rows, batch-major within each).
  Tensor3<Real> x_part_, x_hat_, y_hat_, gy_part_, gy_hat_, gx_hat_;
  Tensor3<Real> w_re_, w_im_, gw_re_, gw_im_; // [modes][c_in][c_out]
  Tensor3<Real> out_, grad_in_;
  long batch_ = 0;
};

} // namespace fieldgen::nn
