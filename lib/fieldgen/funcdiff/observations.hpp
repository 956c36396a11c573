// Observations for conditional sampling: (x, y) pairs of a 1-D curve, read from a CSV file (two
// columns x,y with a header line) or an HDF5 file (1-D float datasets /x and /y of equal length),
// and matched to grid points: the FNO sees the field only at grid points, so every x must be a
// point of the sampling grid (to within 1e-6 of the spacing), else DataError naming the point.
// The GNO runs on any point set, so off-grid observations are added to the sampling points
// instead (place_observations; issue "observations ... off-grid points allowed for GNO").
#pragma once

#include "fieldgen/core/comm.hpp"
#include "fieldgen/gaussian/kernel_measure.hpp"
#include "fieldgen/mesh/grid.hpp"

#include <string>
#include <vector>

namespace fieldgen::funcdiff {

struct Observations {
  std::vector<long> index;   // grid point of each observation (distinct)
  std::vector<double> value; // observed y
  long size() const { return long(index.size()); }
};

// Collective (rank 0 parses CSV, errors are reported once; HDF5 is read by every rank).
// Format by extension: .h5 / .hdf5 -> HDF5, anything else CSV.
void read_xy(const std::string& path, const Comm& comm, std::vector<double>& x,
             std::vector<double>& y);

// Matches x to the points of a 1-D grid; `what` names the source in errors.
Observations match_to_grid(const Grid& grid, const std::vector<double>& x,
                           const std::vector<double>& y, const std::string& what);

// Matches x to the points of a 1-D point set (to within 1e-6 of its mean spacing) and inserts
// every x that is not one of them; points stays sorted ascending if it was (grids, random_points)
// and the returned indices refer to the new set. DataError on two observations at one point.
Observations place_observations(gaussian::Coordinates& points, const std::vector<double>& x,
                                const std::vector<double>& y, const std::string& what);

} // namespace fieldgen::funcdiff
