// The sections of fieldgen_bench; each prints its own table of figures and baselines (rank 0).
#pragma once

#include "fieldgen/core/comm.hpp"

namespace fieldgen::bench {

void layers(const Comm& comm); // pointwise and spectral layers vs raw BLAS GEMM (bench/layers.cpp)
void halo(const Comm& comm);   // halo exchange bandwidth vs MPI ping-pong (bench/halo.cpp)
void dsd_forward(const Comm& comm); // DSD kernel cache and forward sampler (bench/dsd_forward.cpp)

} // namespace fieldgen::bench
