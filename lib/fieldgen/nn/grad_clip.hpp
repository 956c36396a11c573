// Gradient-norm clipping over the whole gradient buffer, as torch.nn.utils.clip_grad_norm_ with
// norm_type 2 over all parameters of a model. Call it after the data-parallel gradient allreduce:
// every rank then holds the same gradient, computes the same norm and clips identically.
#pragma once

#include "fieldgen/nn/parameters.hpp"

namespace fieldgen::nn {

// Global L2 norm of params.grads() (accumulated in double whatever Real is).
template <class Real> double grad_norm(const Parameters<Real>& params);

// Scales params.grads() by max_norm / (norm + 1e-6) when that factor is below 1 (torch's 1e-6
// guards a zero norm) and returns the norm before clipping.
template <class Real> double clip_grad_norm(const Parameters<Real>& params, double max_norm);

} // namespace fieldgen::nn
