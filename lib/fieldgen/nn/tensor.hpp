// Tensor types of the nn module. A batch of fields is [batch][channel][point] (points flattened
// row-major over the local block), LayoutRight, in the memory space of the execution space.
#pragma once

#include <Kokkos_Core.hpp>

namespace fieldgen::nn {

using ExecSpace = Kokkos::DefaultExecutionSpace;
using MemSpace = ExecSpace::memory_space;

template <class Real> using Tensor3 = Kokkos::View<Real***, Kokkos::LayoutRight, MemSpace>;
template <class Real> using Tensor2 = Kokkos::View<Real**, Kokkos::LayoutRight, MemSpace>;
template <class Real> using Vector = Kokkos::View<Real*, MemSpace>;

} // namespace fieldgen::nn
