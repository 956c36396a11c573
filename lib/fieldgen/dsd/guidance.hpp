// Classifier-free guidance of the learnt reverse rates (Nisonoff et al., "Unlocking Guidance for
// Discrete State-Space Diffusion and Flow Models", 2024, Sec. 3): the guided rate of every jump is
// the geometric interpolation, extrapolated for w > 0,
//   rho_w = rho_cond^(1 + w) * rho_uncond^(-w),
// of the rates with the class label and with the unconditional (dropped) label of one network
// trained with label dropout. w = 0 gives rho_cond exactly; w > 0 sharpens the class-specific
// moves. A zero conditional rate stays zero; a zero unconditional rate under a positive conditional
// one (not reached by the network's positive rate links) keeps the conditional rate.
#pragma once

#include "fieldgen/dsd/forward_sampler.hpp"

namespace fieldgen::dsd {

// rates = the guided rates of cond and uncond (all three of one shape; rates may alias cond).
template <class Real>
void guided_rates(const RateView<Real>& cond, const RateView<Real>& uncond, double w,
                  const RateView<Real>& rates);

} // namespace fieldgen::dsd
