// WhiteNoise: the identity covariance, S = I on the node values (the finite-dimensional DDPM
// baseline; it is not a valid measure in infinite dimension and does not scale with the grid).
// sample: independent N(0, 1) per node. Loss (no quadrature weight, as the reference DDPM):
//   L(d) = 1/2 ||d||^2 = 1/2 sum_i d_i^2,  dL/dd = d.
// Either on a decomposed grid (loss summed over the ranks of the decomposition) or on a local
// point set (no communication).
#pragma once

#include "fieldgen/core/comm.hpp"
#include "fieldgen/gaussian/measure.hpp"
#include "fieldgen/mesh/block_index.hpp"

namespace fieldgen::gaussian {

template <class Real> class WhiteNoise final : public GaussianMeasure<Real> {
public:
  // This rank's block of a decomposed grid; collective over dec.comm() (duplicates it).
  explicit WhiteNoise(const Decomposition& dec);
  // A point set held whole by the calling rank (points >= 1).
  explicit WhiteNoise(long points);

  long local_points() const override { return index_.size(); }
  long global_points() const override {
    return index_.global_n[0] * index_.global_n[1] * index_.global_n[2];
  }
  void sample(const Tensor3<Real>& out, const CounterRng& rng, std::uint32_t step,
              std::uint64_t first_sample = 0) const override;
  std::vector<double> cm_norm2(const Tensor3<Real>& d) const override;
  std::vector<double> cm_grad(const Tensor3<Real>& d, const Tensor3<Real>& grad) const override;
  std::string describe() const override;

private:
  BlockIndex index_;
  Comm comm_;
};

} // namespace fieldgen::gaussian
