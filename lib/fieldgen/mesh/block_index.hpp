// BlockIndex: index arithmetic of one rank's block of a decomposed Grid, as a small trivially
// copyable struct whose methods can run inside Kokkos kernels. Local points are flattened
// row-major over the block (last axis fastest), global points row-major over the whole grid.
// Axes beyond the grid's dimension have one point and offset 0, so every loop can be 3-D.
#pragma once

#include "fieldgen/mesh/decomposition.hpp"

#include <Kokkos_Core.hpp>

namespace fieldgen {

struct BlockIndex {
  int dim = 1;
  long n[Grid::max_dim] = {1, 1, 1};        // block points per axis
  long offset[Grid::max_dim] = {0, 0, 0};   // global index of the block's first point per axis
  long global_n[Grid::max_dim] = {1, 1, 1}; // grid points per axis

  // The block of the calling rank.
  static BlockIndex of(const Decomposition& dec) { return of_rank(dec, dec.rank()); }
  // The block of any rank of dec.comm() (its Cartesian coordinates come from MPI_Cart_coords).
  static BlockIndex of_rank(const Decomposition& dec, int rank) {
    int coords[Grid::max_dim] = {0, 0, 0};
    FIELDGEN_MPI_CHECK(MPI_Cart_coords(dec.comm(), rank, dec.dim(), coords));
    BlockIndex b;
    b.dim = dec.dim();
    for (int a = 0; a < b.dim; ++a) {
      b.n[a] = dec.block_n(a, coords[a]);
      b.offset[a] = dec.block_offset(a, coords[a]);
      b.global_n[a] = dec.grid().n(a);
    }
    return b;
  }

  KOKKOS_INLINE_FUNCTION long size() const { return n[0] * n[1] * n[2]; }
  // Local flat index -> global multi-index g[0..2].
  KOKKOS_INLINE_FUNCTION void global_multi(long local, long g[Grid::max_dim]) const {
    g[2] = offset[2] + local % n[2];
    local /= n[2];
    g[1] = offset[1] + local % n[1];
    g[0] = offset[0] + local / n[1];
  }
  // Local flat index -> global flat index (row-major over the grid).
  KOKKOS_INLINE_FUNCTION long global_flat(long local) const {
    long g[Grid::max_dim];
    global_multi(local, g);
    return (g[0] * global_n[1] + g[1]) * global_n[2] + g[2];
  }
};

} // namespace fieldgen
