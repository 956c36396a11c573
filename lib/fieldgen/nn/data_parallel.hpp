// DataParallel: the collectives of data-parallel (and spatially decomposed) training over the
// one contiguous gradient buffer. It owns a duplicated communicator. Conventions:
//  - average_gradients: one MPI_Allreduce (sum) of the whole buffer, then scale by 1/P. Equals
//    the gradient of the global-batch mean loss when every rank holds an equal shard of the batch
//    and differentiates the mean loss over its own shard (the trainer's convention).
//  - sum_gradients: the same allreduce without scaling, for losses that are already a share of a
//    global sum (spatial decomposition, where every rank holds part of the same fields and a
//    layer's parameter gradient is the sum of the ranks' partial sums).
// Buffers in a memory space the host cannot address are staged through a host mirror (no
// CUDA-aware MPI assumed).
#pragma once

#include "fieldgen/core/comm.hpp"
#include "fieldgen/nn/parameters.hpp"

namespace fieldgen::nn {

class DataParallel {
public:
  explicit DataParallel(MPI_Comm parent = MPI_COMM_WORLD) : comm_(parent) {}

  MPI_Comm comm() const { return comm_.get(); }
  int rank() const { return comm_.rank(); }
  int size() const { return comm_.size(); }

  template <class Real> void average_gradients(const Parameters<Real>& params) const;
  template <class Real> void sum_gradients(const Parameters<Real>& params) const;
  // Copies rank 0's parameter values to every rank (after init, so all ranks start equal).
  template <class Real> void broadcast_parameters(const Parameters<Real>& params) const;
  // True on every rank when the parameter values are bitwise identical on all ranks (compares
  // the minimum and maximum over ranks of a 64-bit FNV-1a hash of the bytes; for tests and
  // periodic sanity checks).
  template <class Real> bool parameters_identical(const Parameters<Real>& params) const;

private:
  Comm comm_;
};

} // namespace fieldgen::nn
