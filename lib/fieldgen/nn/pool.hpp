// 2x resampling layers of the U-shaped networks, local to each rank's block (no communication):
// AvgPool2 averages each 2^d cell of the fine block into one coarse point, Upsample2 repeats each
// coarse point over its 2^d fine cell (nearest neighbour). Both are built from the *fine* local
// block shape (the shape of the level they connect to the coarser one), which must be even
// along every axis so that the coarse blocks tile the coarse grid exactly; the error names the
// shape otherwise. Tensors are [batch][channel][point], points row-major over the block.
#pragma once

#include "fieldgen/nn/layer.hpp"

#include <array>
#include <vector>

namespace fieldgen::nn {

// Fine local block shape (1-3 axes) padded in front with unit axes to 3 slots, and the factor 2
// or 1 (padding axes) per slot.
struct Resample2Shape {
  explicit Resample2Shape(const std::vector<long>& fine_shape, const char* who);
  std::array<long, 3> fine{1, 1, 1}, coarse{1, 1, 1}, factor{1, 1, 1};
  long fine_size() const { return fine[0] * fine[1] * fine[2]; }
  long coarse_size() const { return coarse[0] * coarse[1] * coarse[2]; }
  long cell() const { return factor[0] * factor[1] * factor[2]; }
};

template <class Real> class AvgPool2 final : public Layer<Real> {
public:
  explicit AvgPool2(const std::vector<long>& fine_shape);
  // [batch][channel][fine points] -> [batch][channel][coarse points]
  Tensor3<Real> forward(const Parameters<Real>& p, const Tensor3<Real>& in) override;
  Tensor3<Real> backward(const Parameters<Real>& p, const Tensor3<Real>& grad_out) override;

private:
  Resample2Shape shape_;
  Tensor3<Real> out_, grad_in_;
};

template <class Real> class Upsample2 final : public Layer<Real> {
public:
  explicit Upsample2(const std::vector<long>& fine_shape);
  // [batch][channel][coarse points] -> [batch][channel][fine points]
  Tensor3<Real> forward(const Parameters<Real>& p, const Tensor3<Real>& in) override;
  Tensor3<Real> backward(const Parameters<Real>& p, const Tensor3<Real>& grad_out) override;

private:
  Resample2Shape shape_;
  Tensor3<Real> out_, grad_in_;
};

} // namespace fieldgen::nn
