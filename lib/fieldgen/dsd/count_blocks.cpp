// Block extraction and rank-0 gather of count fields (see count_blocks.hpp); the gather sends
// every rank's block packed [batch][channel][local point] with MPI_Gatherv and reorders on rank 0.
#include "fieldgen/dsd/count_blocks.hpp"

#include "fieldgen/core/error.hpp"
#include "fieldgen/mesh/block_index.hpp"

#include <climits>
#include <vector>

namespace fieldgen::dsd {

CountView block_of(const Decomposition& dec, const CountView& whole) {
  require(long(whole.extent(2)) == dec.grid().size(), "dsd::block_of: fields have ",
          whole.extent(2), " points, the lattice ", dec.grid().describe(), " has ",
          dec.grid().size());
  const BlockIndex ix = BlockIndex::of(dec);
  CountView block(Kokkos::view_alloc(Kokkos::WithoutInitializing, "fieldgen::dsd::block"),
                  whole.extent(0), whole.extent(1), size_t(ix.size()));
  Kokkos::parallel_for(
      "fieldgen::dsd::block_of",
      Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<3>>(
          {0, 0, 0}, {long(whole.extent(0)), long(whole.extent(1)), ix.size()}),
      KOKKOS_LAMBDA(const long b, const long c, const long p) {
        block(b, c, p) = whole(b, c, ix.global_flat(p));
      });
  Kokkos::fence();
  return block;
}

Kokkos::View<std::int32_t***, Kokkos::LayoutRight, Kokkos::HostSpace>
gather_counts(const Decomposition& dec, const CountView& block) {
  using HostCounts = Kokkos::View<std::int32_t***, Kokkos::LayoutRight, Kokkos::HostSpace>;
  const long nb = long(block.extent(0)), nc = long(block.extent(1));
  require(long(block.extent(2)) == dec.local_size(), "dsd::gather_counts: block has ",
          block.extent(2), " points, this rank's block ", dec.local_size());
  if (nb * nc * dec.grid().size() > long(INT_MAX))
    throw UsageError(cat("dsd::gather_counts: ", nb, " x ", nc, " x ", dec.grid().size(),
                         " counts exceed the MPI count limit; gather fewer samples at a time"),
                     ErrorScope::Collective);
  const auto local = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), block);
  const bool root = dec.rank() == 0;
  std::vector<BlockIndex> blocks;
  std::vector<int> counts, displs;
  int displ = 0;
  for (int r = 0; r < dec.size(); ++r) {
    blocks.push_back(BlockIndex::of_rank(dec, r));
    counts.push_back(int(nb * nc * blocks.back().size()));
    displs.push_back(displ);
    displ += counts.back();
  }
  std::vector<std::int32_t> packed(root ? size_t(displ) : 0);
  FIELDGEN_MPI_CHECK(MPI_Gatherv(local.data(), int(local.size()), MPI_INT32_T, packed.data(),
                                 counts.data(), displs.data(), MPI_INT32_T, 0, dec.comm()));
  if (!root)
    return HostCounts();
  HostCounts whole("fieldgen::dsd::gathered", size_t(nb), size_t(nc), size_t(dec.grid().size()));
  for (int r = 0; r < dec.size(); ++r) {
    const BlockIndex& bi = blocks[size_t(r)];
    const std::int32_t* src = packed.data() + displs[size_t(r)];
    for (long b = 0; b < nb; ++b)
      for (long c = 0; c < nc; ++c)
        for (long i = 0; i < bi.size(); ++i)
          whole(b, c, bi.global_flat(i)) = src[(b * nc + c) * bi.size() + i];
  }
  return whole;
}

} // namespace fieldgen::dsd
