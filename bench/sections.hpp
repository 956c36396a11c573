// The sections of fieldgen_bench; each prints its own table of figures and baselines (rank 0).
#pragma once

#include "fieldgen/core/comm.hpp"
#include "fieldgen/core/config.hpp"

namespace fieldgen::bench {

// The options of the sections (bench/options.cpp).
Config options();

void layers(const Comm& comm); // pointwise and spectral layers vs raw BLAS GEMM (bench/layers.cpp)
void halo(const Comm& comm);   // halo exchange bandwidth vs MPI ping-pong (bench/halo.cpp)
void dsd_forward(const Comm& comm); // DSD kernel cache and forward sampler (bench/dsd_forward.cpp)
// DSD tau-leaping steps/s vs a memory pass over the same arrays (bench/dsd_sample.cpp)
void dsd_sample(const Comm& comm);
// DSD training samples/s of the case decks vs the network's forward + backward
// (bench/dsd_train.cpp)
void dsd_train(const Comm& comm, const Config& cfg);
// FuncDiff training and sampling throughput vs the raw GEMMs of the model (bench/funcdiff.cpp)
void funcdiff(const Comm& comm, const Config& cfg);
// SPDE sample and loss time vs mesh points, 1e4 .. 4e6 (bench/spde_scaling.cpp)
void spde_scaling(const Comm& comm, const Config& cfg);
// Kernel Gram vs SPDE measure: setup, sample and loss times vs n (bench/gram_vs_spde.cpp)
void gram_vs_spde(const Comm& comm, const Config& cfg);

} // namespace fieldgen::bench
