// Parameter initialisation drawn from the counter-based RNG: element i of block "name" gets the
// draw at counter (i, purpose_id(name)), so initial values depend only on the seed and the block
// name, never on the rank, the number of ranks or the order in which blocks were reserved.
#pragma once

#include "fieldgen/core/rng.hpp"
#include "fieldgen/nn/parameters.hpp"

namespace fieldgen::nn {

// Uniform on (lo, hi) for every element of the block.
template <class Real>
void init_uniform(const Parameters<Real>& p, int block, const CounterRng& rng, double lo,
                  double hi);

// PyTorch's default for nn.Linear / nn.Conv weights and biases: U(-1/sqrt(fan_in), 1/sqrt(fan_in))
// (kaiming_uniform with a = sqrt(5) reduces to this bound).
template <class Real>
void init_fan_in(const Parameters<Real>& p, int block, const CounterRng& rng, long fan_in);

} // namespace fieldgen::nn
