// EdgeMlp: GEMMs over all rows, bias + ReLU and their adjoints as flat Kokkos kernels.
#include "fieldgen/nn/edge_mlp.hpp"

#include "fieldgen/nn/gemm.hpp"
#include "fieldgen/nn/init.hpp"
#include "fieldgen/nn/workspace.hpp"

namespace fieldgen::nn {

namespace {

// y[r][c] = max(y[r][c] + bias[c], 0) (relu) or y[r][c] + bias[c].
template <class Real> void add_bias(const Tensor2<Real>& y, const Vector<Real>& bias, bool relu) {
  Kokkos::parallel_for(
      "fieldgen::nn::edge_mlp::bias_relu",
      Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<2>>({0, 0},
                                                        {long(y.extent(0)), long(y.extent(1))}),
      KOKKOS_LAMBDA(long r, long c) {
        const Real z = y(r, c) + bias(c);
        y(r, c) = relu && z < Real(0) ? Real(0) : z;
      });
}

// d bias += 1^T g: one GEMM with a ones row (row-contiguous reads of g).
template <class Real>
void add_column_sums(const Tensor2<Real>& g, const Vector<Real>& grad_bias, Vector<Real>& ones) {
  const long rows = long(g.extent(0)), cols = long(g.extent(1));
  if (long(ones.extent(0)) != rows) {
    ones = Vector<Real>("fieldgen::nn::edge_mlp::ones", size_t(rows));
    Kokkos::deep_copy(ones, Real(1));
  }
  gemm(Op::N, Op::N, Real(1), Matrix<const Real>(ones.data(), 1, rows),
       Matrix<const Real>(g.data(), rows, cols), Real(1), Matrix<Real>(grad_bias.data(), 1, cols));
}

// g *= [a > 0]: the ReLU derivative, read from the layer's output a = ReLU(z).
template <class Real> void relu_mask(const Tensor2<Real>& g, const Tensor2<Real>& a) {
  Real* gv = g.data();
  const Real* av = a.data();
  Kokkos::parallel_for(
      "fieldgen::nn::edge_mlp::relu_grad", Kokkos::RangePolicy<ExecSpace>(0, g.size()),
      KOKKOS_LAMBDA(long k) {
        if (!(av[k] > Real(0)))
          gv[k] = Real(0);
      });
}

} // namespace

template <class Real>
EdgeMlp<Real>::EdgeMlp(std::vector<long> sizes, std::string name)
    : sizes_(std::move(sizes)), name_(std::move(name)) {
  require(sizes_.size() >= 2, "EdgeMlp '", name_, "': needs at least input and output sizes");
  for (long s : sizes_)
    require(s > 0, "EdgeMlp '", name_, "': layer size ", s);
  out_.resize(sizes_.size() - 1);
  grad_.resize(sizes_.size() - 1);
}

template <class Real> void EdgeMlp<Real>::reserve(Parameters<Real>& p) {
  for (size_t l = 0; l + 1 < sizes_.size(); ++l) {
    const std::string layer = name_ + "." + std::to_string(l);
    weight_.push_back(p.reserve(layer + ".weight", sizes_[l + 1] * sizes_[l]));
    bias_.push_back(p.reserve(layer + ".bias", sizes_[l + 1]));
  }
}

template <class Real> void EdgeMlp<Real>::init(const Parameters<Real>& p, const CounterRng& rng) {
  for (size_t l = 0; l < weight_.size(); ++l) {
    init_fan_in(p, weight_[l], rng, sizes_[l]);
    init_fan_in(p, bias_[l], rng, sizes_[l]);
  }
}

template <class Real>
Tensor2<Real> EdgeMlp<Real>::forward(const Parameters<Real>& p, const Tensor2<Real>& in) {
  require(long(in.extent(1)) == sizes_.front(), "EdgeMlp '", name_, "': input [", in.extent(0),
          "][", in.extent(1), "] but ", sizes_.front(), " features");
  const long rows = long(in.extent(0)), layers = long(weight_.size());
  in_ = in;
  Tensor2<Real> x = in;
  for (long l = 0; l < layers; ++l) {
    const long ni = sizes_[size_t(l)], no = sizes_[size_t(l) + 1];
    ensure(out_[size_t(l)], "fieldgen::nn::edge_mlp::out", rows, no);
    // Z = X W^T, W [no][ni].
    gemm(Op::N, Op::T, Real(1), Matrix<const Real>(x.data(), rows, ni),
         Matrix<const Real>(p.value(weight_[size_t(l)]).data(), no, ni), Real(0),
         matrix(out_[size_t(l)]));
    add_bias(out_[size_t(l)], p.value(bias_[size_t(l)]), l + 1 < layers);
    x = out_[size_t(l)];
  }
  return x;
}

template <class Real>
Tensor2<Real> EdgeMlp<Real>::backward(const Parameters<Real>& p, const Tensor2<Real>& grad_out) {
  const long layers = long(weight_.size()), rows = long(in_.extent(0));
  require(long(grad_out.extent(0)) == rows && long(grad_out.extent(1)) == sizes_.back(),
          "EdgeMlp '", name_, "': grad_out [", grad_out.extent(0), "][", grad_out.extent(1),
          "] but output [", rows, "][", sizes_.back(), "]");
  Tensor2<Real> g = grad_out; // d loss / d z of layer l
  for (long l = layers - 1; l >= 0; --l) {
    const long ni = sizes_[size_t(l)], no = sizes_[size_t(l) + 1];
    const Tensor2<Real> x = l > 0 ? out_[size_t(l) - 1] : in_;
    // dW += dZ^T X, d bias += column sums of dZ, dX = dZ W.
    gemm(Op::T, Op::N, Real(1), Matrix<const Real>(g.data(), rows, no),
         Matrix<const Real>(x.data(), rows, ni), Real(1),
         Matrix<Real>(p.grad(weight_[size_t(l)]).data(), no, ni));
    add_column_sums(g, p.grad(bias_[size_t(l)]), ones_);
    ensure(grad_[size_t(l)], "fieldgen::nn::edge_mlp::grad", rows, ni);
    gemm(Op::N, Op::N, Real(1), Matrix<const Real>(g.data(), rows, no),
         Matrix<const Real>(p.value(weight_[size_t(l)]).data(), no, ni), Real(0),
         matrix(grad_[size_t(l)]));
    if (l > 0)
      relu_mask(grad_[size_t(l)], out_[size_t(l) - 1]);
    g = grad_[size_t(l)];
  }
  return g;
}

template class EdgeMlp<float>;
template class EdgeMlp<double>;

} // namespace fieldgen::nn
