// Training losses of the DSD rate network (DESIGN.md "Discrete spatial diffusion"): with n the
// counts at time t_k, R the exact reverse-rate targets (forward_sampler.hpp) and rho the
// network's per-unit rates, site rate s = n rho, per batch item b
//   Poisson (the paper's Poisson-process likelihood of the reverse jumps, k uniform):
//     L_b = (t_k - t_{k-1}) sum_{c, y, v} (s - R log s)
//   L1 rate matching:
//     L_b = (t_k - t_{k-1}) sum_{c, y, v} |s - R|
// and the loss is the mean over this rank's batch items (the data-parallel convention of
// nn::DataParallel::average_gradients). The same (t_k - t_{k-1}) weight is used for both: the
// interval over which the rates act, i.e. a Riemann sum over the time grid of the integrated
// rate mismatch.
//
// Reported Poisson value: sum (s - R - R log(s / R)) (terms with R = 0: s), the generalised KL
// divergence between Poisson intensities. It differs from s - R log s by sum (R log R - R), which
// does not depend on the network, so gradients are identical; it is >= 0 and 0 exactly at the
// optimum s = R, which makes curves comparable across runs.
//
// Sites with n = 0 contribute nothing (no unit can jump out of them; R is 0 there by
// construction, and an R > 0 at n = 0 is reported as a DataError). Directions across a
// no-flux edge (non-periodic axis) are skipped: the sampler never uses them and their targets
// are 0. log s is evaluated at max(s, tiny) (tiny the smallest normal Real) so that a softplus
// that underflowed to 0 gives a large finite loss, not -inf (a NaN rate stays NaN, so the
// trainer's NaN stop sees it).
#pragma once

#include "fieldgen/dsd/forward_sampler.hpp"
#include "fieldgen/mesh/grid.hpp"
#include "fieldgen/nn/tensor.hpp"

#include <string>
#include <vector>

namespace fieldgen::dsd {

enum class RateLossKind { Poisson, L1 };
RateLossKind parse_rate_loss(const std::string& name); // "poisson" | "l1"; ConfigError otherwise
const char* rate_loss_name(RateLossKind kind);

template <class Real> class RateLoss {
public:
  // grid: the whole lattice the counts live on (shape and boundaries).
  RateLoss(const Grid& grid, RateLossKind kind);

  // n [batch][C][points], target [batch][C][2d][points], rho [batch][C * 2d][points] (UFno's
  // layout), dt [batch] = the time weight per item (t_k - t_{k-1}, or TimeIndexSampler's weight).
  // Returns the batch-mean loss and writes its gradient with respect to rho into grad.
  double value_and_grad(const CountView& n, const RateView<Real>& target, const Tensor3<Real>& rho,
                        const std::vector<double>& dt, const Tensor3<Real>& grad);

  RateLossKind kind() const { return kind_; }

private:
  Grid grid_;
  RateLossKind kind_;
  Vector<double> dt_;
};

extern template class RateLoss<float>;
extern template class RateLoss<double>;

} // namespace fieldgen::dsd
