// DistField: gather to / scatter from rank 0 with MPI_Gatherv / MPI_Scatterv of packed blocks.
// Each rank's block travels as [channel][local point]; rank 0 reorders between block order and
// global row-major order on the host.
#include "fieldgen/mesh/dist_field.hpp"

#include <climits>
#include <vector>

namespace fieldgen {
namespace {

// Counts and displacements (in values) of every rank's packed block, in rank order.
struct Layout {
  std::vector<int> counts, displs;
  std::vector<BlockIndex> blocks;
};

Layout block_layout(const Decomposition& dec, int channels) {
  // Displacements are ints in MPI: the whole field must stay below 2^31 values.
  if (long(channels) * dec.grid().size() > long(INT_MAX))
    throw UsageError(cat("DistField: ", channels, " x ", dec.grid().size(),
                         " values exceed the MPI count limit of gather/scatter"),
                     ErrorScope::Collective);
  Layout l;
  int displ = 0;
  for (int r = 0; r < dec.size(); ++r) {
    l.blocks.push_back(BlockIndex::of_rank(dec, r));
    l.counts.push_back(int(channels * l.blocks.back().size()));
    l.displs.push_back(displ);
    displ += l.counts.back();
  }
  return l;
}

} // namespace

template <class Real> HostField<Real> gather_to_root(const DistField<Real>& field) {
  const Decomposition& dec = field.decomposition();
  const int channels = field.channels();
  const Layout l = block_layout(dec, channels);
  const auto local = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), field.values());
  const bool root = dec.rank() == 0;
  std::vector<Real> packed(root ? size_t(channels) * size_t(dec.grid().size()) : 0);
  FIELDGEN_MPI_CHECK(MPI_Gatherv(local.data(), int(local.size()), mpi_type<Real>(), packed.data(),
                                 l.counts.data(), l.displs.data(), mpi_type<Real>(), 0,
                                 dec.comm()));
  if (!root)
    return HostField<Real>();
  HostField<Real> global(
      Kokkos::view_alloc(Kokkos::WithoutInitializing, "fieldgen::mesh::gathered"), size_t(channels),
      size_t(dec.grid().size()));
  for (int r = 0; r < dec.size(); ++r) {
    const BlockIndex& b = l.blocks[size_t(r)];
    const Real* src = packed.data() + l.displs[size_t(r)];
    for (int c = 0; c < channels; ++c)
      for (long i = 0; i < b.size(); ++i)
        global(c, b.global_flat(i)) = src[c * b.size() + i];
  }
  return global;
}

template <class Real>
DistField<Real> scatter_from_root(const HostField<Real>& global, const Decomposition& dec) {
  const bool root = dec.rank() == 0;
  // Rank 0 alone sees the input: it checks it and broadcasts the verdict and channel count.
  long header[2] = {0, 0};
  if (root) {
    header[0] = long(global.extent(1)) == dec.grid().size() && global.extent(0) >= 1 &&
                global.span_is_contiguous();
    header[1] = long(global.extent(0));
  }
  FIELDGEN_MPI_CHECK(MPI_Bcast(header, 2, MPI_LONG, 0, dec.comm()));
  if (!header[0])
    throw UsageError(cat("scatter_from_root: rank 0's field must be a contiguous [channel >= 1]"
                         "[point] view with the grid's ",
                         dec.grid().size(), " points"),
                     ErrorScope::Collective);
  const int channels = int(header[1]);
  const Layout l = block_layout(dec, channels);
  std::vector<Real> packed;
  if (root) {
    packed.resize(size_t(channels) * size_t(dec.grid().size()));
    for (int r = 0; r < dec.size(); ++r) {
      const BlockIndex& b = l.blocks[size_t(r)];
      Real* dst = packed.data() + l.displs[size_t(r)];
      for (int c = 0; c < channels; ++c)
        for (long i = 0; i < b.size(); ++i)
          dst[c * b.size() + i] = global(c, b.global_flat(i));
    }
  }
  DistField<Real> field(dec, channels);
  auto local = Kokkos::create_mirror_view(field.values());
  FIELDGEN_MPI_CHECK(MPI_Scatterv(packed.data(), l.counts.data(), l.displs.data(), mpi_type<Real>(),
                                  local.data(), int(local.size()), mpi_type<Real>(), 0,
                                  dec.comm()));
  Kokkos::deep_copy(field.values(), local);
  return field;
}

template HostField<float> gather_to_root(const DistField<float>&);
template HostField<double> gather_to_root(const DistField<double>&);
template DistField<float> scatter_from_root(const HostField<float>&, const Decomposition&);
template DistField<double> scatter_from_root(const HostField<double>&, const Decomposition&);

} // namespace fieldgen
