// Gaussian random fields: Whittle-Matern (SPDE) draws on a 1-D/2-D/3-D grid as a dataset
// (data.kind = grf), and the building block of the thresholded two-phase microstructures
// (data/microstructure.hpp). The covariance is gaussian/spde_measure.hpp's
//   C = s^2 (kappa^2 - L_h)^{-a},  kappa = sqrt(2 nu) / l,  nu = a - d/2,
// on the grid's boundary (periodic axes wrap, the others are reflecting / no-flux).
//
// Sharding. Each generator holds its own SpdeMeasure over MPI_COMM_SELF (one rank solves whole
// fields; the samples, not the grid, are split over ranks, as in apps/funcdiff_setup.cpp).
// Sample i is draw number i of CounterRng(seed, purpose_id("data.grf")) (the measure keys its
// noise by (i * points + global point, step 0)), so it is the same for any rank count and any
// split of [first, first + count).
#pragma once

#include "fieldgen/gaussian/spde_measure.hpp"
#include "fieldgen/mesh/decomposition.hpp"

#include <cstdint>
#include <memory>

namespace fieldgen::data {

struct GrfParams {
  int order = 2;             // SPDE exponent a (> d/2)
  double variance = 1.0;     // continuum pointwise variance (spde_measure.hpp)
  double length_scale = 0.1; // Matern length scale l, in domain units
};

class GaussianRandomField {
public:
  // UsageError for an order <= d/2 or a non-positive variance / length scale.
  GaussianRandomField(const Grid& grid, const GrfParams& params, std::uint64_t seed);

  const Grid& grid() const { return dec_->grid(); }
  long points() const { return grid().size(); }
  // Samples [first, first + count) into values[count][points] (row-major points).
  void generate(long first, long count, double* values) const;
  // Mean over the grid points of the discrete pointwise variance, trace(S) / N, from the
  // spectrum of A: S = s^2 h^-d A^-a and A's eigenvalues are kappa^2 + sum_a mu_a(j_a) with
  //   mu(j) = (2 / h sin(pi j / n))^2        on a periodic axis (Fourier modes),
  //   mu(j) = (2 / h sin(pi j / (2 n)))^2    on a reflecting axis (cosine modes of the path).
  // On an all-periodic grid every point has exactly this variance.
  double mean_pointwise_variance() const;
  std::string describe() const { return measure_->describe(); }

private:
  std::unique_ptr<Decomposition> dec_;
  std::unique_ptr<gaussian::SpdeMeasure<double>> measure_;
  GrfParams params_;
  std::uint64_t seed_;
};

} // namespace fieldgen::data
