// Whittle-Matern closed forms (see matern.hpp).
#include "fieldgen/gaussian/matern.hpp"

#include "fieldgen/core/error.hpp"

#include <cmath>

namespace fieldgen::gaussian {

double matern_smoothness(int order, int dim) {
  require(dim >= 1 && dim <= 3, "Whittle-Matern: dimension must be 1, 2 or 3 (got ", dim, ")");
  require(2 * order > dim, "Whittle-Matern: the order a must be an integer > d/2 (got a = ", order,
          " in ", dim, "-D)");
  return order - 0.5 * dim;
}

double matern_kappa(int order, int dim, double length_scale) {
  require(length_scale > 0, "Whittle-Matern: length scale must be > 0 (got ", length_scale, ")");
  return std::sqrt(2 * matern_smoothness(order, dim)) / length_scale;
}

double matern_unit_variance(int order, int dim, double kappa) {
  const double nu = matern_smoothness(order, dim), pi = 3.141592653589793238462643;
  return std::tgamma(nu) /
         (std::tgamma(double(order)) * std::pow(4 * pi, 0.5 * dim) * std::pow(kappa, 2 * nu));
}

} // namespace fieldgen::gaussian
