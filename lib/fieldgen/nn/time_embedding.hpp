// TimeEmbedding: diffusion time t (one per batch item) -> [batch][out_dim] features.
// Sinusoidal features as in DDPM / the Transformer's positional encoding, with half = dim / 2,
//   f_k = exp(-ln(max_period) k / half), k = 0 .. half-1,  e(t) = [sin(t f_k)..., cos(t f_k)...],
// followed by an MLP linear(dim -> hidden) - SiLU - linear(hidden -> out_dim). Its own small
// interface because the input is one number per item, not a field.
#pragma once

#include "fieldgen/nn/activation.hpp"
#include "fieldgen/nn/linear.hpp"

#include <string>

namespace fieldgen::nn {

template <class Real> class TimeEmbedding {
public:
  TimeEmbedding(long dim, long hidden, long out_dim, std::string name, double max_period = 10000.0);

  void reserve(Parameters<Real>& p);
  void init(const Parameters<Real>& p, const CounterRng& rng);
  // t [batch] -> [batch][out_dim] (a buffer reused across calls). t must stay unchanged until
  // backward.
  Tensor2<Real> forward(const Parameters<Real>& p, const Vector<Real>& t);
  // grad_out [batch][out_dim]; adds the MLP's parameter gradients and returns d loss / d t.
  Vector<Real> backward(const Parameters<Real>& p, const Tensor2<Real>& grad_out);

  long out_dim() const { return out_dim_; }

private:
  long dim_, out_dim_;
  double max_period_;
  PointwiseLinear<Real> first_, second_;
  Activation<Real> act_;
  Vector<Real> t_, grad_t_;
  Tensor3<Real> features_; // [batch][dim][1]
};

} // namespace fieldgen::nn
