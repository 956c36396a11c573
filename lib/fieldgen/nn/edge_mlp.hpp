// EdgeMlp: the kernel network kappa_phi of the graph neural operator, a dense MLP applied to every
// row of a [rows][features] matrix (one row per edge and batch item), as the reference's
// DenseNet([ker_in, ker_width, ker_width, width^2], ReLU): linear layers with bias, ReLU between
// them, none after the last. Each layer is one GEMM over all rows.
#pragma once

#include "fieldgen/core/rng.hpp"
#include "fieldgen/nn/parameters.hpp"
#include "fieldgen/nn/tensor.hpp"

#include <string>
#include <vector>

namespace fieldgen::nn {

template <class Real> class EdgeMlp {
public:
  // sizes {in, hidden..., out}, at least one layer; blocks "<name>.<l>.weight" [out][in] and
  // "<name>.<l>.bias" [out].
  EdgeMlp(std::vector<long> sizes, std::string name);

  void reserve(Parameters<Real>& p);
  // torch.nn.Linear's default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and biases.
  void init(const Parameters<Real>& p, const CounterRng& rng);
  // in [rows][sizes.front()] -> [rows][sizes.back()] (a buffer reused across calls); in must stay
  // unchanged until backward.
  Tensor2<Real> forward(const Parameters<Real>& p, const Tensor2<Real>& in);
  // grad_out [rows][sizes.back()]; adds the parameter gradients, returns d loss / d in.
  Tensor2<Real> backward(const Parameters<Real>& p, const Tensor2<Real>& grad_out);

  long in_features() const { return sizes_.front(); }
  long out_features() const { return sizes_.back(); }

private:
  std::vector<long> sizes_;
  std::string name_;
  std::vector<int> weight_, bias_;
  Tensor2<Real> in_;
  Vector<Real> ones_;               // [rows], for the bias gradients
  std::vector<Tensor2<Real>> out_;  // per layer: ReLU(z) for hidden layers, z for the last
  std::vector<Tensor2<Real>> grad_; // per layer: d loss / d (layer input)
};

} // namespace fieldgen::nn
