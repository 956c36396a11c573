// Count fields between whole-lattice and block form: a rank's block of whole fields given on
// every rank, and the whole fields gathered on rank 0 from every rank's block (global row-major
// order, the layout of field files). Counts are int32 [batch][channel][point].
#pragma once

#include "fieldgen/dsd/forward_sampler.hpp"
#include "fieldgen/mesh/decomposition.hpp"

namespace fieldgen::dsd {

// whole: [batch][channel][global point] (the same on every rank); returns this rank's block.
CountView block_of(const Decomposition& dec, const CountView& whole);

// Collective: the whole fields on rank 0 (host), an empty view on the other ranks.
Kokkos::View<std::int32_t***, Kokkos::LayoutRight, Kokkos::HostSpace>
gather_counts(const Decomposition& dec, const CountView& block);

} // namespace fieldgen::dsd
