// Radius graph of a point cloud for the graph neural operator: for every target point x_i the
// source points x_j with |x_i - x_j| <= r (the reference's torch.cdist(x, x) <= r, so a point is
// its own neighbour), found with a cell list of cells of side >= r in 1-D, 2-D or 3-D (only the
// 3^d cells around a target's cell are searched: O(N) for a bounded density instead of O(N^2)).
// Axes may be periodic (minimum-image distance on a box [lo, hi)). The output is CSR: row i lists
// its sources in increasing index order, so sums over neighbours have a fixed order.
#pragma once

#include "fieldgen/nn/tensor.hpp"

#include <vector>

namespace fieldgen::nn {

using IndexView = Kokkos::View<long*, MemSpace>;

struct RadiusGraph {
  long targets = 0, sources = 0;
  IndexView offsets; // [targets + 1]: row i is columns[offsets[i] .. offsets[i+1])
  IndexView columns; // [edges]: source indices
  long edges() const { return long(columns.extent(0)); }
};

// Periodic axes of the domain: an axis a with periodic[a] wraps over [lo[a], hi[a]). Empty
// vectors (the default) mean no axis is periodic.
struct PeriodicBox {
  std::vector<bool> periodic;
  std::vector<double> lo, hi;
  bool any() const;
};

// targets [nt][d], sources [ns][d] (d = 1, 2 or 3); r > 0. Built on the host (through mirrors),
// once per point set.
template <class Real>
RadiusGraph radius_graph(const Tensor2<Real>& targets, const Tensor2<Real>& sources, double r,
                         const PeriodicBox& box = {});

// The same pairs by direct O(nt ns) search: the reference for tests.
template <class Real>
RadiusGraph radius_graph_brute_force(const Tensor2<Real>& targets, const Tensor2<Real>& sources,
                                     double r, const PeriodicBox& box = {});

// Transposed CSR: for every source j the edges (indices into columns) that end at j, increasing.
struct GraphTranspose {
  IndexView offsets; // [sources + 1]
  IndexView edges;   // [edges]
};
GraphTranspose transpose(const RadiusGraph& graph);

} // namespace fieldgen::nn
