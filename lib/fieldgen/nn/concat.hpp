// Concat: channel concatenation of two tensors [batch][Ca][points] and [batch][Cb][points] into
// [batch][Ca + Cb][points] (first a, then b), the skip connections of U-shaped networks. Two
// inputs, so not a Layer; backward splits the output gradient back into the two parts.
#pragma once

#include "fieldgen/nn/tensor.hpp"

#include <utility>

namespace fieldgen::nn {

template <class Real> class Concat {
public:
  // The returned view is a buffer reused across calls.
  Tensor3<Real> forward(const Tensor3<Real>& a, const Tensor3<Real>& b);
  // grad_out has the shape of the last forward's output; returns (d loss / d a, d loss / d b).
  std::pair<Tensor3<Real>, Tensor3<Real>> backward(const Tensor3<Real>& grad_out);

private:
  long channels_a_ = 0, channels_b_ = 0;
  Tensor3<Real> out_, grad_a_, grad_b_;
};

} // namespace fieldgen::nn
