// DistField: a multi-channel field on a decomposed Grid; each rank holds its block as a Kokkos
// View [channel][local point] (LayoutRight, local points row-major over the block). The field
// keeps a reference to its Decomposition, which must outlive it (Decomposition is neither
// copyable nor movable, so a reference is the natural handle). gather_to_root/scatter_from_root
// convert to and from the whole field on rank 0 in global row-major order.
#pragma once

#include "fieldgen/core/views.hpp"
#include "fieldgen/mesh/block_index.hpp"
#include "fieldgen/mesh/decomposition.hpp"

#include <string>

namespace fieldgen {

// The whole field on the host of rank 0: [channel][global point], global row-major.
template <class Real>
using HostField = Kokkos::View<Real**, Kokkos::LayoutRight, Kokkos::HostSpace>;

template <class Real> class DistField {
public:
  using View = Tensor2<Real>;

  // Zero-initialised field with the given number of channels on the calling rank's block.
  DistField(const Decomposition& dec, int channels,
            const std::string& label = "fieldgen::mesh::field")
      : dec_(&dec), index_(BlockIndex::of(dec)),
        values_(label, size_t(check_channels(channels)), size_t(dec.local_size())) {}

  const Decomposition& decomposition() const { return *dec_; }
  const Grid& grid() const { return dec_->grid(); }
  int channels() const { return int(values_.extent(0)); }
  long local_size() const { return long(values_.extent(1)); }
  const View& values() const { return values_; }
  // Index helpers usable inside kernels (copy the struct into the lambda).
  const BlockIndex& index() const { return index_; }
  long global_index(long local) const { return index_.global_flat(local); }
  std::array<long, Grid::max_dim> global_multi_index(long local) const {
    std::array<long, Grid::max_dim> g{};
    index_.global_multi(local, g.data());
    return g;
  }

  // values(c, i) = fn(c, global flat index of local point i); fn must be callable in a kernel.
  template <class Fn> void fill(const Fn& fn) const {
    const View v = values_;
    const BlockIndex ix = index_;
    Kokkos::parallel_for(
        "fieldgen::mesh::field_fill",
        Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<2>>({0, 0},
                                                          {long(v.extent(0)), long(v.extent(1))}),
        KOKKOS_LAMBDA(const long c, const long i) { v(c, i) = fn(int(c), ix.global_flat(i)); });
    Kokkos::fence();
  }

private:
  static int check_channels(int channels) {
    require(channels >= 1, "DistField: needs at least one channel (got ", channels, ")");
    return channels;
  }
  const Decomposition* dec_;
  BlockIndex index_;
  View values_;
};

// Collective: the whole field on rank 0 of field.decomposition().comm(); an empty view elsewhere.
template <class Real> HostField<Real> gather_to_root(const DistField<Real>& field);
// Collective, the inverse: rank 0 passes the whole field [channel][global point] (other ranks'
// argument is ignored); every rank gets its block. Throws UsageError on every rank if rank 0's
// view does not match the grid.
template <class Real>
DistField<Real> scatter_from_root(const HostField<Real>& global, const Decomposition& dec);

} // namespace fieldgen
