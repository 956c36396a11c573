// Decomposition: a Grid split into MPI_Cart blocks, one per rank. Owns its Cartesian
// communicator (a duplicate, never MPI_COMM_WORLD itself). Block sizes differ by at most one
// point per axis; rank r's block along axis a starts at global index offset(a).
#pragma once

#include "fieldgen/core/comm.hpp"
#include "fieldgen/mesh/grid.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <vector>

namespace fieldgen {

class Decomposition {
public:
  // dims: ranks per axis (0 = let MPI_Dims_create choose); its product must equal the size of
  // parent. Periodic axes of the grid are periodic in the Cartesian topology.
  Decomposition(const Grid& grid, MPI_Comm parent, std::vector<int> dims = {});
  ~Decomposition();
  Decomposition(const Decomposition&) = delete;
  Decomposition& operator=(const Decomposition&) = delete;

  const Grid& grid() const { return grid_; }
  int dim() const { return grid_.dim(); }
  MPI_Comm comm() const { return cart_; }
  int rank() const { return rank_; }
  int size() const { return size_; }
  int ranks_along(int axis) const { return dims_[axis]; }
  int coord(int axis) const { return coords_[axis]; }

  long local_n(int axis) const { return local_n_[axis]; }
  long offset(int axis) const { return offset_[axis]; }
  long local_size() const;
  // Block of another rank (by its Cartesian coordinates) along one axis.
  long block_n(int axis, int block) const;
  long block_offset(int axis, int block) const;
  // Rank of the neighbour in direction dir (-1 or +1) along axis, MPI_PROC_NULL at a
  // non-periodic boundary.
  int neighbour(int axis, int dir) const;

private:
  Grid grid_;
  MPI_Comm cart_ = MPI_COMM_NULL;
  int rank_ = 0, size_ = 1;
  std::array<int, Grid::max_dim> dims_{1, 1, 1}, coords_{0, 0, 0};
  std::array<long, Grid::max_dim> local_n_{1, 1, 1}, offset_{0, 0, 0};
  std::array<std::array<int, 2>, Grid::max_dim> neighbours_{};
};

} // namespace fieldgen
