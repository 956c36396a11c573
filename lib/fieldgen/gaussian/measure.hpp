// GaussianMeasure: the interface of every covariance family of FuncDiff, a centred Gaussian
// measure N(0, C) discretised on a grid or point set. A batch of fields is a Tensor3
// [batch][channel][point] holding this rank's points; every channel is an independent draw of
// the same measure.
//
// Loss convention, identical for every family. Let S be the covariance matrix of the node
// values of one field (one channel) as sample() draws them. The loss term of a field d is
//   L(d) = 1/2 d^T S^{-1} d = 1/2 ||d||^2_CM,
// the Kullback-Leibler divergence KL(N(d, C) || N(0, C)) by Feldman-Hajek (reference: loss.py,
// DiscreteLoss), and its gradient is dL/dd = S^{-1} d. Each family documents S and the exact
// quadratic form; the H1 (Sobolev) variants replace S^{-1} by the family's H1 form Q (see the
// families) and keep the 1/2. The loss of a batch item is summed over its channels.
//
// Random numbers: channel c of batch item b is sample number m = (first_sample + b) * channels + c
// and its noise at global point g comes from the counter (m * global_points + g, step, stream),
// so a draw does not depend on how points or items are split over ranks (a data-parallel rank
// passes the global index of its first batch item as first_sample).
#pragma once

#include "fieldgen/core/rng.hpp"
#include "fieldgen/core/views.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace fieldgen::gaussian {

// Which quadratic form the loss uses: the Cameron-Martin norm of N(0, C) (L2) or the family's
// Sobolev H1 form (the paper's Sobolev case).
enum class LossSpace { L2, H1 };

template <class Real> class GaussianMeasure {
public:
  virtual ~GaussianMeasure() = default;

  // Points of one field held by this rank (extent 2 of every tensor passed in).
  virtual long local_points() const = 0;
  // Points of one field over all ranks (the counter stride of the noise).
  virtual long global_points() const = 0;
  // Fills out [batch][channel][local point] with independent draws from N(0, C). Collective over
  // the measure's communicator for distributed families.
  virtual void sample(const Tensor3<Real>& out, const CounterRng& rng, std::uint32_t step,
                      std::uint64_t first_sample = 0) const = 0;
  // The loss term L(d_b) of every batch item b (see above), in double, on every rank.
  virtual std::vector<double> cm_norm2(const Tensor3<Real>& d) const = 0;
  // Writes dL/dd into grad (same shape as d; may not alias d) and returns L(d_b) per item.
  virtual std::vector<double> cm_grad(const Tensor3<Real>& d, const Tensor3<Real>& grad) const = 0;
  // One line: family, parameters, loss space, solver where relevant.
  virtual std::string describe() const = 0;

protected:
  // Throws UsageError unless t is [batch][channels >= 1][local_points()].
  void check_shape(const Tensor3<Real>& t, const char* what) const;
};

} // namespace fieldgen::gaussian
