// reuse_buffer: keeps a layer's output/gradient buffer, reallocating it only when the requested
// shape changes (so steady-state forward/backward passes allocate nothing). Contents are not
// initialised; every caller overwrites the whole buffer.
#pragma once

#include "fieldgen/nn/tensor.hpp"

#include <string>

namespace fieldgen::nn {

template <class Real>
void reuse_buffer(Tensor3<Real>& buffer, const char* label, long batch, long channels,
                  long points) {
  if (long(buffer.extent(0)) == batch && long(buffer.extent(1)) == channels &&
      long(buffer.extent(2)) == points)
    return;
  buffer = Tensor3<Real>(Kokkos::view_alloc(std::string(label), Kokkos::WithoutInitializing),
                         size_t(batch), size_t(channels), size_t(points));
}

} // namespace fieldgen::nn
