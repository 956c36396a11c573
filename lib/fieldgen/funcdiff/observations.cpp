// Observations: CSV/HDF5 readers of (x, y) pairs, matched to grid points or placed in point sets.
#include "fieldgen/funcdiff/observations.hpp"

#include "fieldgen/core/error.hpp"
#include "fieldgen/io/hdf5.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <numeric>
#include <set>

namespace fieldgen::funcdiff {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

double parse_cell(const std::string& cell, const std::string& path, long line) {
  const char* begin = cell.c_str();
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(begin, &end);
  while (end && (*end == ' ' || *end == '\t' || *end == '\r'))
    ++end;
  if (end == begin || *end != '\0' || errno == ERANGE || !std::isfinite(v))
    throw DataError(cat(path, ":", line, ": '", cell, "' is not a finite number"),
                    ErrorScope::Collective);
  return v;
}

void read_csv(const std::string& path, std::vector<double>& x, std::vector<double>& y) {
  std::ifstream in(path);
  if (!in)
    throw IoError(cat(path, ": cannot open the observations file"), ErrorScope::Collective);
  std::string line;
  long number = 0;
  std::getline(in, line); // header "x,y"
  ++number;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos)
      continue;
    const size_t comma = line.find(',');
    if (comma == std::string::npos || line.find(',', comma + 1) != std::string::npos)
      throw DataError(cat(path, ":", number, ": expected two columns x,y, got '", line, "'"),
                      ErrorScope::Collective);
    x.push_back(parse_cell(line.substr(0, comma), path, number));
    y.push_back(parse_cell(line.substr(comma + 1), path, number));
  }
  if (x.empty())
    throw DataError(cat(path, ": no observations (expected a header line and rows x,y)"),
                    ErrorScope::Collective);
}

void read_hdf5(const std::string& path, const Comm& comm, std::vector<double>& x,
               std::vector<double>& y) {
  io::H5File f(path, io::H5File::Mode::Read, comm);
  const io::DatasetInfo ix = f.dataset_info("/x"), iy = f.dataset_info("/y");
  if (!ix.floating || !iy.floating || ix.dims.size() != 1 || ix.dims != iy.dims || ix.dims[0] < 1)
    throw DataError(cat(path, ": /x ", ix.shape_text(), " and /y ", iy.shape_text(),
                        " must be non-empty 1-D float datasets of equal length"),
                    ErrorScope::Collective);
  x.resize(size_t(ix.dims[0]));
  y.resize(size_t(ix.dims[0]));
  f.read("/x", {0}, {ix.dims[0]}, x.data());
  f.read("/y", {0}, {ix.dims[0]}, y.data());
}

} // namespace

void read_xy(const std::string& path, const Comm& comm, std::vector<double>& x,
             std::vector<double>& y) {
  x.clear();
  y.clear();
  if (ends_with(path, ".h5") || ends_with(path, ".hdf5")) {
    read_hdf5(path, comm, x, y);
    return;
  }
  comm.root_try([&] { read_csv(path, x, y); });
  long n = long(x.size());
  comm.broadcast(&n, 1);
  x.resize(size_t(n));
  y.resize(size_t(n));
  comm.broadcast(x.data(), n);
  comm.broadcast(y.data(), n);
}

Observations match_to_grid(const Grid& grid, const std::vector<double>& x,
                           const std::vector<double>& y, const std::string& what) {
  if (grid.dim() != 1)
    throw ConfigError(
        cat(what, ": conditioning needs a 1-D grid, the sampling grid is ", grid.describe()));
  require(x.size() == y.size(), "match_to_grid: ", x.size(), " x but ", y.size(), " y values");
  Observations obs;
  std::set<long> seen;
  const double h = grid.h(0);
  for (size_t k = 0; k < x.size(); ++k) {
    const long i = std::lround((x[k] - grid.lo(0)) / h);
    const bool on_grid = i >= 0 && i < grid.n(0) && std::abs(grid.coord(0, i) - x[k]) <= 1e-6 * h;
    if (!on_grid)
      throw DataError(cat(what, ": observation x = ", x[k], " is not a point of the sampling grid ",
                          grid.describe(), " (spacing ", h, ")"),
                      ErrorScope::Collective);
    if (!seen.insert(i).second)
      throw DataError(cat(what, ": two observations at x = ", x[k]), ErrorScope::Collective);
    obs.index.push_back(i);
    obs.value.push_back(y[k]);
  }
  return obs;
}

Observations place_observations(gaussian::Coordinates& points, const std::vector<double>& x,
                                const std::vector<double>& y, const std::string& what) {
  if (points.extent(1) != 1)
    throw ConfigError(cat(what, ": conditioning needs 1-D points, the sampling points have ",
                          points.extent(1), " coordinates"));
  require(x.size() == y.size(), "place_observations: ", x.size(), " x but ", y.size(), " y values");
  const long n = long(points.extent(0));
  std::vector<double> all(points.data(), points.data() + n);
  const auto [lo, hi] = std::minmax_element(all.begin(), all.end());
  const double tol = 1e-6 * (n > 1 ? (*hi - *lo) / double(n - 1) : 1.0);
  std::vector<long> index;
  std::set<long> seen;
  for (size_t k = 0; k < x.size(); ++k) {
    long i = -1;
    for (long j = 0; j < long(all.size()) && i < 0; ++j)
      if (std::abs(all[size_t(j)] - x[k]) <= tol)
        i = j;
    if (i < 0) {
      i = long(all.size());
      all.push_back(x[k]);
    }
    if (!seen.insert(i).second)
      throw DataError(cat(what, ": two observations at x = ", x[k]), ErrorScope::Collective);
    index.push_back(i);
  }
  // Sort the extended set (a stable order keeps an already sorted set as it was).
  std::vector<long> order(all.size()), rank(all.size());
  std::iota(order.begin(), order.end(), 0L);
  std::stable_sort(order.begin(), order.end(),
                   [&](long a, long b) { return all[size_t(a)] < all[size_t(b)]; });
  gaussian::Coordinates sorted("fieldgen::funcdiff::sampling_points", all.size(), 1);
  for (size_t r = 0; r < order.size(); ++r) {
    sorted(r, 0) = all[size_t(order[r])];
    rank[size_t(order[r])] = long(r);
  }
  Observations obs;
  for (size_t k = 0; k < x.size(); ++k) {
    obs.index.push_back(rank[size_t(index[k])]);
    obs.value.push_back(y[k]);
  }
  points = sorted;
  return obs;
}

} // namespace fieldgen::funcdiff
