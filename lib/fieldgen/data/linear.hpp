// Linear: the random lines of Kerrigan, Ley & Smyth (AISTATS 2023; functional_diffusion,
// data/synthetic.py, sample_linear_fxns with grid_x=True): u(x) = a x + b on the grid
// x_j = j / (n - 1) of [0, 1], slope a ~ N(2, 0.25) and bias b ~ N(-1, 0.07), where the second
// parameter is the standard deviation (torch.distributions.Normal(mean, sigma)), not the
// variance. Randomness: CounterRng(seed, "data.linear"); (z_a, z_b) = normal2(i, 0, 0) for
// sample i, so sample i is the same for any rank count.
#pragma once

#include <cstdint>

namespace fieldgen::data {

struct LinearParams {
  double slope_mean = 2.0, slope_std = 0.25;
  double bias_mean = -1.0, bias_std = 0.07;
};

// Samples [first, first + count) on `points` grid points (points >= 2): values[count][points].
void generate_linear(std::uint64_t seed, long points, long first, long count, double* values,
                     const LinearParams& params = {});

} // namespace fieldgen::data
