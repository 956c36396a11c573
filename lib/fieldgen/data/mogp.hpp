// MoGP: the mixture-of-Gaussian-processes curves of Kerrigan, Ley & Smyth (AISTATS 2023; their
// code: functional_diffusion, data/synthetic.py, sample_mixture_gps with grid_x=True). On the
// grid x_j = j / (n - 1), j = 0..n-1 of [0, 1] (numpy.linspace), a curve is
//   u = m_c(x) + L z,  c in {0, 1}, m_0(x) = 10 x - 5, m_1(x) = -10 x + 5,
// with L L^T = K + 1e-6 I, K_ij = 0.4 exp(-(x_i - x_j)^2 / (2 * 0.1^2)) (0.4 * RBF(0.1)).
// The reference draws N/2 curves of each component and shuffles them; here the two samples
// 2p, 2p + 1 of every pair get different components, which one by a coin flip per pair, so the
// components are exactly balanced (for even N) and each sample's component is known locally.
// Randomness: CounterRng(seed, "data.mogp"); coin of pair p = uniform(p, 0, 0) < 1/2, z_j of
// sample i = normal2(i, 1, j / 2)[j % 2]. Sample i is thus the same for any rank count.
#pragma once

#include <cstdint>
#include <vector>

namespace fieldgen::data {

struct MogpParams {
  double variance = 0.4;     // kernel amplitude (reference: var1 = var2 = 0.4)
  double length_scale = 0.1; // RBF length scale (reference: 0.1)
  // Added to the diagonal before Cholesky. The reference passes alpha = 1e-6 to sklearn's
  // GaussianProcessRegressor, whose prior sampler (sample_y) factorises by SVD instead.
  double jitter = 1e-6;
};

// Samples [first, first + count) on `points` grid points (points >= 2): values[count][points]
// and, if non-null, the mixture component of each sample in components[count].
void generate_mogp(std::uint64_t seed, long points, long first, long count, double* values,
                   std::int64_t* components, const MogpParams& params = {});

// The same curves at arbitrary points x_j (e.g. data::random_points): mean and kernel use x_j,
// and sample i draws the same coin and z as on a grid of as many points; on the grid points
// j / (n - 1) this is generate_mogp bit for bit.
void generate_mogp_at(std::uint64_t seed, const std::vector<double>& points, long first, long count,
                      double* values, std::int64_t* components, const MogpParams& params = {});

} // namespace fieldgen::data
