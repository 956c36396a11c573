// Per-channel bias: y[b][c][p] = x[b][c][p] + bias[c]. Bias is the stand-alone layer; the kernels
// below are shared with PointwiseLinear, which adds its bias to each batch item's GEMM output
// while that is still in cache.
#pragma once

#include "fieldgen/nn/layer.hpp"

#include <string>

namespace fieldgen::nn {

// The bias kernels are products with a vector of ones (one pass at BLAS speed on host and device
// alike; on host the GEMM wrapper runs them as ger / gemv): `ones` is a work vector resized and
// filled on demand.
// out[b][c][p] = bias[c] + beta out[b][c][p] (outer product bias x ones^T per batch item).
template <class Real>
void broadcast_channel_bias(const Vector<Real>& bias, Vector<Real>& ones, const Tensor3<Real>& out,
                            Real beta);
// grad_bias[c] += sum over b, p of grad_out[b][c][p] (GEMV grad_out[b] x ones per batch item).
template <class Real>
void accumulate_bias_grad(const Tensor3<Real>& grad_out, const Vector<Real>& grad_bias,
                          Vector<Real>& ones);

template <class Real> class Bias : public Layer<Real> {
public:
  // fan_in sets the PyTorch init bound 1/sqrt(fan_in) (that of the layer the bias belongs to).
  Bias(long channels, long fan_in, std::string name);

  void reserve(Parameters<Real>& p) override;
  void init(const Parameters<Real>& p, const CounterRng& rng) override;
  Tensor3<Real> forward(const Parameters<Real>& p, const Tensor3<Real>& in) override;
  // The input gradient is grad_out itself (returned, not copied).
  Tensor3<Real> backward(const Parameters<Real>& p, const Tensor3<Real>& grad_out) override;

private:
  long channels_, fan_in_;
  std::string name_;
  int block_ = -1;
  Tensor3<Real> out_;
  Vector<Real> ones_;
};

} // namespace fieldgen::nn
