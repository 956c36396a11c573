// PointwiseLinear: the same linear map over channels at every point, y[b] = W x[b] (+ bias),
// W [c_out][c_in], x[b] [c_in][points]: one GEMM per batch item (a 1x1 convolution, or
// nn.Linear applied along the channel axis). With one point per item ([batch][c][1], e.g. the
// time-embedding MLP) the whole batch is a single GEMM Y = X W^T.
#pragma once

#include "fieldgen/nn/layer.hpp"

#include <string>

namespace fieldgen::nn {

template <class Real> class PointwiseLinear : public Layer<Real> {
public:
  // Blocks "<name>.weight" [c_out][c_in] and, with bias, "<name>.bias" [c_out].
  PointwiseLinear(long c_in, long c_out, std::string name, bool bias = true);

  void reserve(Parameters<Real>& p) override;
  // PyTorch default: weight and bias U(-1/sqrt(c_in), 1/sqrt(c_in)).
  void init(const Parameters<Real>& p, const CounterRng& rng) override;
  // Keeps a reference to in (not a copy): in must stay unchanged until backward.
  Tensor3<Real> forward(const Parameters<Real>& p, const Tensor3<Real>& in) override;
  Tensor3<Real> backward(const Parameters<Real>& p, const Tensor3<Real>& grad_out) override;
  // Accumulating forms (GEMM beta = 1, no separate output pass): acc += W in (+ bias), returns
  // acc; backward_add adds the parameter gradients and acc += W^T grad_out, returns acc. The FNO
  // sums its spectral and pointwise branches this way.
  Tensor3<Real> forward_add(const Parameters<Real>& p, const Tensor3<Real>& in,
                            const Tensor3<Real>& acc);
  Tensor3<Real> backward_add(const Parameters<Real>& p, const Tensor3<Real>& grad_out,
                             const Tensor3<Real>& acc);

  long c_in() const { return c_in_; }
  long c_out() const { return c_out_; }
  int weight_block() const { return weight_; }
  int bias_block() const { return bias_; } // -1 without bias

private:
  // out = beta out + W in (+ bias); grad_in = beta grad_in + W^T grad_out (+ parameter grads).
  void apply(const Parameters<Real>& p, const Tensor3<Real>& in, const Tensor3<Real>& out,
             Real beta);
  void apply_backward(const Parameters<Real>& p, const Tensor3<Real>& grad_out,
                      const Tensor3<Real>& grad_in, Real beta);
  void check_shape(const Tensor3<Real>& t, long batch, long channels, long points,
                   const char* what) const;

  long c_in_, c_out_;
  std::string name_;
  bool has_bias_;
  int weight_ = -1, bias_ = -1;
  Tensor3<Real> in_, out_, grad_in_; // in_: the last forward's input
  Vector<Real> ones_;
};

} // namespace fieldgen::nn
