// View types shared by every module. A batch of fields is [batch][channel][point] (points
// flattened row-major over the local block), LayoutRight, in the default execution space's memory.
#pragma once

#include <Kokkos_Core.hpp>

namespace fieldgen {

using ExecSpace = Kokkos::DefaultExecutionSpace;
using MemSpace = ExecSpace::memory_space;

template <class Real> using Tensor3 = Kokkos::View<Real***, Kokkos::LayoutRight, MemSpace>;
template <class Real> using Tensor2 = Kokkos::View<Real**, Kokkos::LayoutRight, MemSpace>;
template <class Real> using Vector = Kokkos::View<Real*, MemSpace>;

} // namespace fieldgen
