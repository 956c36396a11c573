// Decomposition: MPI_Cart block split of a Grid.
#include "fieldgen/mesh/decomposition.hpp"

namespace fieldgen {

Decomposition::Decomposition(const Grid& grid, MPI_Comm parent, std::vector<int> dims)
    : grid_(grid) {
  const int d = grid.dim();
  int parent_size = 1;
  MPI_Comm_size(parent, &parent_size);
  if (dims.empty())
    dims.assign(size_t(d), 0);
  require(int(dims.size()) == d, "Decomposition: dims has ", dims.size(), " entries for a ", d,
          "-D grid");
  // MPI_Dims_create aborts (rather than returning an error) on dims it cannot complete.
  int fixed = 1;
  bool free_axis = false;
  for (int a = 0; a < d; ++a) {
    require(dims[a] >= 0, "Decomposition: negative ranks per axis (", dims[a], ")");
    fixed *= dims[a] > 0 ? dims[a] : 1;
    free_axis = free_axis || dims[a] == 0;
  }
  require(free_axis ? parent_size % fixed == 0 : parent_size == fixed, "Decomposition: ranks per ",
          "axis cannot multiply to the ", parent_size, " ranks of the communicator");
  FIELDGEN_MPI_CHECK(MPI_Dims_create(parent_size, d, dims.data()));
  int periods[Grid::max_dim];
  for (int a = 0; a < d; ++a) {
    require(dims[a] <= grid.n(a), "Decomposition: ", dims[a], " ranks along axis ", a, " but only ",
            grid.n(a), " points");
    dims_[a] = dims[a];
    periods[a] = grid.periodic(a) ? 1 : 0;
  }
  FIELDGEN_MPI_CHECK(MPI_Cart_create(parent, d, dims.data(), periods, 0, &cart_));
  MPI_Comm_rank(cart_, &rank_);
  MPI_Comm_size(cart_, &size_);
  int coords[Grid::max_dim];
  FIELDGEN_MPI_CHECK(MPI_Cart_coords(cart_, rank_, d, coords));
  for (int a = 0; a < d; ++a) {
    coords_[a] = coords[a];
    local_n_[a] = block_n(a, coords[a]);
    offset_[a] = block_offset(a, coords[a]);
    FIELDGEN_MPI_CHECK(MPI_Cart_shift(cart_, a, 1, &neighbours_[a][0], &neighbours_[a][1]));
  }
}

Decomposition::~Decomposition() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized && cart_ != MPI_COMM_NULL)
    MPI_Comm_free(&cart_);
}

long Decomposition::block_n(int axis, int block) const {
  const long n = grid_.n(axis), p = dims_[axis];
  return n / p + (block < n % p ? 1 : 0);
}

long Decomposition::block_offset(int axis, int block) const {
  const long n = grid_.n(axis), p = dims_[axis];
  return block * (n / p) + std::min<long>(block, n % p);
}

long Decomposition::local_size() const {
  long s = 1;
  for (int a = 0; a < dim(); ++a)
    s *= local_n_[a];
  return s;
}

int Decomposition::neighbour(int axis, int dir) const {
  return neighbours_[axis][dir > 0 ? 1 : 0];
}

} // namespace fieldgen
