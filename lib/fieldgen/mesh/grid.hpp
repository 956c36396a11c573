// Grid: a box [lo, hi] in 1-3 dimensions with n_a points per axis and per-axis periodic flags.
// Periodic axis: x_i = lo + i h, h = (hi - lo) / n (the point at hi is the image of lo).
// Non-periodic axis: x_i = lo + i h, h = (hi - lo) / (n - 1) (both ends are grid points, as
// numpy.linspace, which the reference code uses). Points are flattened row-major (last axis
// fastest).
#pragma once

#include <array>
#include <string>
#include <vector>

namespace fieldgen {

class Grid {
public:
  static constexpr int max_dim = 3;

  Grid() = default;
  Grid(std::vector<long> shape, std::vector<double> lo, std::vector<double> hi,
       std::vector<bool> periodic);
  // Unit box [0, 1]^d, non-periodic.
  static Grid unit(std::vector<long> shape);

  int dim() const { return dim_; }
  long n(int axis) const { return n_[axis]; }
  double lo(int axis) const { return lo_[axis]; }
  double hi(int axis) const { return hi_[axis]; }
  bool periodic(int axis) const { return periodic_[axis]; }
  double h(int axis) const;
  double coord(int axis, long i) const { return lo_[axis] + double(i) * h(axis); }
  long size() const;          // total number of points
  double cell_volume() const; // quadrature weight prod_a h_a
  std::vector<long> shape() const { return {n_.begin(), n_.begin() + dim_}; }
  std::string describe() const; // e.g. "64x64 on [0,1]x[0,1] (periodic: no,no)"

  bool operator==(const Grid& o) const;
  bool operator!=(const Grid& o) const { return !(*this == o); }

private:
  int dim_ = 0;
  std::array<long, max_dim> n_{1, 1, 1};
  std::array<double, max_dim> lo_{0, 0, 0}, hi_{1, 1, 1};
  std::array<bool, max_dim> periodic_{false, false, false};
};

} // namespace fieldgen
