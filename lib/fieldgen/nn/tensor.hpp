// Tensor types of the nn module: the shared view types of core/views.hpp, under fieldgen::nn.
#pragma once

#include "fieldgen/core/views.hpp"

namespace fieldgen::nn {

using fieldgen::ExecSpace;
using fieldgen::MemSpace;
using fieldgen::Tensor2;
using fieldgen::Tensor3;
using fieldgen::Vector;

} // namespace fieldgen::nn
