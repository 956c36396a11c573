// Per-channel bias: y[b][c][p] = x[b][c][p] + beta[c]. Bias is the stand-alone layer; the kernels
// below are shared with PointwiseLinear, which fuses its bias into the GEMM output.
#pragma once

#include "fieldgen/nn/layer.hpp"

#include <string>

namespace fieldgen::nn {

// out[b][c][p] = bias[c] (the GEMM then accumulates onto it with beta = 1).
template <class Real> void fill_channel_bias(const Vector<Real>& bias, const Tensor3<Real>& out);
// out[b][c][p] = in[b][c][p] + bias[c].
template <class Real>
void add_channel_bias(const Vector<Real>& bias, const Tensor3<Real>& in, const Tensor3<Real>& out);
// grad_bias[c] += sum over b, p of grad_out[b][c][p].
template <class Real>
void accumulate_bias_grad(const Tensor3<Real>& grad_out, const Vector<Real>& grad_bias);

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
};

} // namespace fieldgen::nn
