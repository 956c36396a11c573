// Parameters: one contiguous buffer of all trainable values of a model and one gradient buffer of
// the same layout. Layers reserve named blocks while the model is built; allocate() then creates
// both buffers, and layers read their blocks as unmanaged sub-views. One buffer means one
// MPI_Allreduce per step for data-parallel training, one HDF5 dataset per checkpoint, and an
// optimizer/EMA that are plain loops over a vector.
#pragma once

#include "fieldgen/core/error.hpp"
#include "fieldgen/nn/tensor.hpp"

#include <string>
#include <vector>

namespace fieldgen::nn {

template <class Real> class Parameters {
public:
  struct Block {
    std::string name;
    long offset, size;
  };

  // Reserves a block before allocate(); returns its index (the handle layers keep).
  int reserve(const std::string& name, long size) {
    require(!allocated(), "Parameters: reserve('", name, "') after allocate()");
    require(size > 0, "Parameters: block '", name, "' has size ", size);
    blocks_.push_back({name, total_, size});
    total_ += size;
    return int(blocks_.size()) - 1;
  }
  void allocate() {
    require(!allocated(), "Parameters: allocate() called twice");
    values_ = Vector<Real>("fieldgen::nn::parameters", total_);
    grads_ = Vector<Real>("fieldgen::nn::gradients", total_);
  }
  bool allocated() const { return values_.extent(0) == size_t(total_) && total_ > 0; }

  long size() const { return total_; }
  const std::vector<Block>& blocks() const { return blocks_; }
  Vector<Real> values() const { return values_; }
  Vector<Real> grads() const { return grads_; }
  Vector<Real> value(int block) const { return slice(values_, block); }
  Vector<Real> grad(int block) const { return slice(grads_, block); }
  void zero_grad() const { Kokkos::deep_copy(grads_, Real(0)); }

private:
  Vector<Real> slice(const Vector<Real>& v, int block) const {
    require(allocated(), "Parameters: access before allocate()");
    const Block& b = blocks_.at(size_t(block));
    return Kokkos::subview(v, Kokkos::make_pair(b.offset, b.offset + b.size));
  }
  std::vector<Block> blocks_;
  long total_ = 0;
  Vector<Real> values_, grads_;
};

} // namespace fieldgen::nn
