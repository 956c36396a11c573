// Synthetic two-phase microstructures (data.kind = microstructure): a Gaussian random field
// (data/gaussian_random_field.hpp) thresholded at the Gaussian quantile of a target porosity,
//   pore (count 1) where u < sigma Phi^{-1}(phi),  solid (count 0) elsewhere,
// the "level-cut Gaussian field" model of random porous media (Berk 1987; Roberts & Teubner
// 1995). sigma^2 is the grid's mean discrete pointwise variance (GaussianRandomField::
// mean_pointwise_variance), so on an all-periodic grid every site is a pore with probability
// exactly phi and E[porosity] = phi; the porosity of one sample spreads around phi (the field's
// correlation length sets by how much), which is what mass-conditioned sampling needs. On
// reflecting axes the pointwise variance rises towards the walls, so sites near a wall are pores
// with a probability further from 1/2 than phi (a small boundary bias of the mean).
// Sample i thresholds GRF sample i of the same seed: the microstructures of a seed are the level
// cuts of its grf dataset, identical for any rank count.
#pragma once

#include "fieldgen/data/gaussian_random_field.hpp"

#include <cstdint>

namespace fieldgen::data {

// Phi^{-1}(p) for 0 < p < 1 (the standard normal quantile), to double precision: bisection on
// Phi(x) = erfc(-x / sqrt 2) / 2, which is monotone and exact in the tails.
double normal_quantile(double p);

class Microstructure {
public:
  // UsageError unless 0 < porosity < 1 (and GaussianRandomField's checks).
  Microstructure(const Grid& grid, const GrfParams& params, double porosity, std::uint64_t seed);

  long points() const { return field_.points(); }
  double threshold() const { return threshold_; }
  // Samples [first, first + count) into phase[count][points]: 1 = pore, 0 = solid.
  void generate(long first, long count, std::uint8_t* phase) const;

private:
  GaussianRandomField field_;
  double threshold_;
};

} // namespace fieldgen::data
