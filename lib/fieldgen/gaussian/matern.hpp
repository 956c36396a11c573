// Whittle-Matern relations used by the SPDE family. The field u = s (kappa^2 - Laplacian)^{-a/2} W
// on R^d (W unit white noise) is a Matern field of smoothness nu = a - d/2 whose correlation is
// the Matern kernel of length scale l when
//   kappa = sqrt(2 nu) / l,
// the convention of the kernel family (a = 2 in 1-D gives matern32, a = 3 in 1-D matern52). Its
// pointwise variance for s = 1 is
//   sigma^2 = Gamma(nu) / (Gamma(nu + d/2) (4 pi)^{d/2} kappa^{2 nu})
// (Lindgren, Rue, Lindstrom 2011, eq. 2), so s^2 = variance / sigma^2 gives the requested variance.
#pragma once

namespace fieldgen::gaussian {

// nu = a - d/2; UsageError unless a is an integer > d/2 and 1 <= d <= 3.
double matern_smoothness(int order, int dim);
double matern_kappa(int order, int dim, double length_scale);
// sigma^2 of the field with s = 1.
double matern_unit_variance(int order, int dim, double kappa);

} // namespace fieldgen::gaussian
