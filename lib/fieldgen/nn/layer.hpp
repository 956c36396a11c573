// Layer: the interface of every single-input neural-network layer. Forward keeps what backward
// needs; backward returns the gradient with respect to the input and *adds* the parameter
// gradients into Parameters::grads() (so gradients of a shared layer accumulate). Layers that
// take several inputs (concatenation, time conditioning) have their own small interfaces.
#pragma once

#include "fieldgen/core/rng.hpp"
#include "fieldgen/nn/parameters.hpp"
#include "fieldgen/nn/tensor.hpp"

namespace fieldgen::nn {

template <class Real> class Layer {
public:
  virtual ~Layer() = default;
  // Reserves this layer's parameter blocks; called once before Parameters::allocate().
  virtual void reserve(Parameters<Real>&) {}
  // Sets initial parameter values after allocate(); deterministic in rng (rank-independent).
  virtual void init(const Parameters<Real>&, const CounterRng&) {}
  // in: [batch][channel][point]. The returned view may be a buffer reused across calls.
  virtual Tensor3<Real> forward(const Parameters<Real>& p, const Tensor3<Real>& in) = 0;
  // grad_out has the shape of the last forward's output; returns d loss / d in.
  virtual Tensor3<Real> backward(const Parameters<Real>& p, const Tensor3<Real>& grad_out) = 0;
};

} // namespace fieldgen::nn
