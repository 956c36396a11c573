// Grid geometry.
#include "fieldgen/mesh/grid.hpp"

#include "fieldgen/core/error.hpp"

#include <sstream>

namespace fieldgen {

Grid::Grid(std::vector<long> shape, std::vector<double> lo, std::vector<double> hi,
           std::vector<bool> periodic)
    : dim_(int(shape.size())) {
  require(dim_ >= 1 && dim_ <= max_dim, "Grid: dimension must be 1, 2 or 3 (got ", dim_, ")");
  require(lo.size() == shape.size() && hi.size() == shape.size() && periodic.size() == shape.size(),
          "Grid: shape, lo, hi and periodic must have the same length");
  for (int a = 0; a < dim_; ++a) {
    require(shape[a] >= 1, "Grid: axis ", a, " has ", shape[a], " points");
    require(hi[a] > lo[a], "Grid: axis ", a, " has hi <= lo");
    require(periodic[a] || shape[a] >= 2, "Grid: non-periodic axis ", a, " needs >= 2 points");
    n_[a] = shape[a];
    lo_[a] = lo[a];
    hi_[a] = hi[a];
    periodic_[a] = periodic[a];
  }
}

Grid Grid::unit(std::vector<long> shape) {
  const size_t d = shape.size();
  return Grid(std::move(shape), std::vector<double>(d, 0.0), std::vector<double>(d, 1.0),
              std::vector<bool>(d, false));
}

double Grid::h(int axis) const {
  const double len = hi_[axis] - lo_[axis];
  return periodic_[axis] ? len / double(n_[axis]) : len / double(n_[axis] - 1);
}

long Grid::size() const {
  long s = 1;
  for (int a = 0; a < dim_; ++a)
    s *= n_[a];
  return s;
}

double Grid::cell_volume() const {
  double v = 1;
  for (int a = 0; a < dim_; ++a)
    v *= h(a);
  return v;
}

std::string Grid::describe() const {
  std::ostringstream s;
  for (int a = 0; a < dim_; ++a)
    s << (a ? "x" : "") << n_[a];
  s << " on ";
  for (int a = 0; a < dim_; ++a)
    s << (a ? "x" : "") << "[" << lo_[a] << "," << hi_[a] << "]";
  s << " (periodic: ";
  for (int a = 0; a < dim_; ++a)
    s << (a ? "," : "") << (periodic_[a] ? "yes" : "no");
  s << ")";
  return s.str();
}

bool Grid::operator==(const Grid& o) const {
  if (dim_ != o.dim_)
    return false;
  for (int a = 0; a < dim_; ++a)
    if (n_[a] != o.n_[a] || lo_[a] != o.lo_[a] || hi_[a] != o.hi_[a] ||
        periodic_[a] != o.periodic_[a])
      return false;
  return true;
}

} // namespace fieldgen
