// GraphKernelConv: mean aggregation over CSR rows, the root term as GEMMs per batch item, and the
// adjoints (messages gathered per source over the transposed graph: no atomics, fixed order).
#include "fieldgen/nn/graph_kernel_conv.hpp"

#include "fieldgen/nn/gemm.hpp"
#include "fieldgen/nn/init.hpp"
#include "fieldgen/nn/workspace.hpp"

#include <algorithm>

namespace fieldgen::nn {

using Range2 = Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<2>>;

template <class Real>
GraphKernelConv<Real>::GraphKernelConv(long width, long kernel_in, long kernel_width,
                                       std::string name)
    : width_(width), name_(std::move(name)),
      kernel_({kernel_in, kernel_width, kernel_width, width * width}, name_ + ".kernel") {
  require(width > 0, "GraphKernelConv '", name_, "': width ", width);
}

template <class Real> void GraphKernelConv<Real>::reserve(Parameters<Real>& p) {
  kernel_.reserve(p);
  root_ = p.reserve(name_ + ".root", width_ * width_);
  bias_ = p.reserve(name_ + ".bias", width_);
}

template <class Real>
void GraphKernelConv<Real>::init(const Parameters<Real>& p, const CounterRng& rng) {
  kernel_.init(p, rng);
  init_fan_in(p, root_, rng, width_);
  init_fan_in(p, bias_, rng, width_);
}

template <class Real> void GraphKernelConv<Real>::set_graph(const RadiusGraph& graph) {
  require(graph.targets <= graph.sources, "GraphKernelConv '", name_, "': ", graph.targets,
          " targets but only ", graph.sources, " sources");
  graph_ = graph;
  transpose_ = transpose(graph);
  const long nt = graph.targets;
  edge_row_ = IndexView("fieldgen::nn::gno::edge_row", size_t(graph.edges()));
  inv_degree_ = Vector<Real>("fieldgen::nn::gno::inv_degree", size_t(nt));
  const IndexView offsets = graph.offsets, row = edge_row_;
  const Vector<Real> inv = inv_degree_;
  Kokkos::parallel_for(
      "fieldgen::nn::gno::edge_rows", Kokkos::RangePolicy<ExecSpace>(0, nt), KOKKOS_LAMBDA(long i) {
        const long deg = offsets(i + 1) - offsets(i);
        inv(i) = deg > 0 ? Real(1) / Real(deg) : Real(0);
        for (long e = offsets(i); e < offsets(i + 1); ++e)
          row(e) = i;
      });
}

template <class Real>
void GraphKernelConv<Real>::compute_kernel(const Parameters<Real>& p,
                                           const Tensor2<Real>& edge_features) {
  require(graph_.offsets.use_count() > 0, "GraphKernelConv '", name_, "': no graph set");
  require(long(edge_features.extent(0)) % std::max(1L, graph_.edges()) == 0, "GraphKernelConv '",
          name_, "': ", edge_features.extent(0), " edge-feature rows for ", graph_.edges(),
          " edges");
  k_ = kernel_.forward(p, edge_features);
  std::fill(backward_done_.begin(), backward_done_.end(), false);
}

template <class Real>
Tensor3<Real> GraphKernelConv<Real>::forward(const Parameters<Real>& p, const Tensor3<Real>& h,
                                             int slot) {
  const long w = width_, nt = graph_.targets, ns = graph_.sources, ne = graph_.edges(),
             nb = long(h.extent(0));
  require(long(h.extent(1)) == w && long(h.extent(2)) == ns && long(k_.extent(0)) == nb * ne,
          "GraphKernelConv '", name_, "': input [", h.extent(0), "][", h.extent(1), "][",
          h.extent(2), "] but width ", w, ", ", ns, " sources, kernel for ", k_.extent(0),
          " edge rows");
  if (in_.size() <= size_t(slot)) {
    in_.resize(size_t(slot) + 1);
    out_.resize(size_t(slot) + 1);
    grad_z_.resize(size_t(slot) + 1);
    backward_done_.resize(size_t(slot) + 1, false);
  }
  in_[size_t(slot)] = h;
  Tensor3<Real>& out = out_[size_t(slot)];
  ensure(out, "fieldgen::nn::gno::conv_out", nb, w, nt);

  // Mean message: out[b][o][i] = (1/|N(i)|) sum_e sum_c h[b][c][j_e] K[b e][c w + o], with o
  // innermost so that each kernel matrix is read contiguously.
  const IndexView offsets = graph_.offsets, cols = graph_.columns;
  const Vector<Real> inv = inv_degree_;
  const Tensor2<Real> k = k_;
  const Tensor3<Real> y = out;
  Kokkos::parallel_for(
      "fieldgen::nn::gno::aggregate", Range2({0, 0}, {nb, nt}), KOKKOS_LAMBDA(long b, long i) {
        for (long o = 0; o < w; ++o)
          y(b, o, i) = Real(0);
        for (long e = offsets(i); e < offsets(i + 1); ++e) {
          const long j = cols(e);
          for (long c = 0; c < w; ++c) {
            const Real hc = h(b, c, j) * inv(i);
            for (long o = 0; o < w; ++o)
              y(b, o, i) += hc * k(b * ne + e, c * w + o);
          }
        }
      });
  // Root term: out_b += R^T h_b over the targets (the first nt source columns).
  const Matrix<const Real> root(p.value(root_).data(), w, w);
  for (long b = 0; b < nb; ++b)
    gemm(Op::T, Op::N, Real(1), root, Matrix<const Real>(h.data() + b * w * ns, w, nt, ns), Real(1),
         Matrix<Real>(out.data() + b * w * nt, w, nt));
  const Vector<Real> bias = p.value(bias_);
  Kokkos::parallel_for(
      "fieldgen::nn::gno::bias_relu", Range2({0, 0}, {nb * w, nt}), KOKKOS_LAMBDA(long bo, long i) {
        const Real z = y(bo / w, bo % w, i) + bias(bo % w);
        y(bo / w, bo % w, i) = z > Real(0) ? z : Real(0);
      });
  return out;
}

template <class Real>
Tensor3<Real> GraphKernelConv<Real>::backward(const Parameters<Real>& p,
                                              const Tensor3<Real>& grad_out, int slot) {
  require(size_t(slot) < in_.size() && in_[size_t(slot)].use_count() > 0, "GraphKernelConv '",
          name_, "': backward of slot ", slot, " before its forward");
  const Tensor3<Real> h = in_[size_t(slot)], y = out_[size_t(slot)];
  const long w = width_, nt = graph_.targets, ns = graph_.sources, ne = graph_.edges(),
             nb = long(h.extent(0));
  require(grad_out.extent(0) == y.extent(0) && grad_out.extent(1) == y.extent(1) &&
              grad_out.extent(2) == y.extent(2),
          "GraphKernelConv '", name_, "': grad_out [", grad_out.extent(0), "][", grad_out.extent(1),
          "][", grad_out.extent(2), "] but output [", y.extent(0), "][", y.extent(1), "][",
          y.extent(2), "]");
  ensure(grad_z_[size_t(slot)], "fieldgen::nn::gno::grad_z", nb, w, nt);
  const Tensor3<Real> gz = grad_z_[size_t(slot)];
  backward_done_[size_t(slot)] = true;
  Kokkos::parallel_for(
      "fieldgen::nn::gno::relu_grad", Range2({0, 0}, {nb * w, nt}), KOKKOS_LAMBDA(long bo, long i) {
        const long b = bo / w, o = bo % w;
        gz(b, o, i) = y(b, o, i) > Real(0) ? grad_out(b, o, i) : Real(0);
      });
  const Vector<Real> gbias = p.grad(bias_);
  Kokkos::parallel_for(
      "fieldgen::nn::gno::bias_grad", Kokkos::RangePolicy<ExecSpace>(0, w), KOKKOS_LAMBDA(long o) {
        Real s = 0;
        for (long b = 0; b < nb; ++b)
          for (long i = 0; i < nt; ++i)
            s += gz(b, o, i);
        gbias(o) += s;
      });

  // Root: dR += h_b gz_b^T; d h_b (targets) = R gz_b. Ghost columns start at zero.
  ensure(grad_in_, "fieldgen::nn::gno::conv_grad_in", nb, w, ns);
  Kokkos::deep_copy(grad_in_, Real(0));
  const Matrix<const Real> root(p.value(root_).data(), w, w);
  const Matrix<Real> groot(p.grad(root_).data(), w, w);
  for (long b = 0; b < nb; ++b) {
    const Matrix<const Real> hb(h.data() + b * w * ns, w, nt, ns),
        gzb(gz.data() + b * w * nt, w, nt);
    gemm(Op::N, Op::T, Real(1), hb, gzb, Real(1), groot);
    gemm(Op::N, Op::N, Real(1), root, gzb, Real(1),
         Matrix<Real>(grad_in_.data() + b * w * ns, w, nt, ns));
  }

  // Messages: d h[b][c][j] += sum_{e into j} inv(i_e) sum_o K[b e][c w + o] gz[b][o][i_e]; dK
  // waits for backward_kernel (one pass over all slots instead of one per slot).
  const IndexView rows = edge_row_, t_off = transpose_.offsets, t_edges = transpose_.edges;
  const Vector<Real> inv = inv_degree_;
  const Tensor2<Real> k = k_;
  const Tensor3<Real> gh = grad_in_;
  Kokkos::parallel_for(
      "fieldgen::nn::gno::message_grad", Range2({0, 0}, {nb, ns}), KOKKOS_LAMBDA(long b, long j) {
        for (long c = 0; c < w; ++c) {
          Real acc = 0;
          for (long t = t_off(j); t < t_off(j + 1); ++t) {
            const long e = t_edges(t), i = rows(e);
            Real s = 0;
            for (long o = 0; o < w; ++o)
              s += k(b * ne + e, c * w + o) * gz(b, o, i);
            acc += inv(i) * s;
          }
          gh(b, c, j) += acc;
        }
      });
  return grad_in_;
}

template <class Real>
Tensor2<Real> GraphKernelConv<Real>::backward_kernel(const Parameters<Real>& p) {
  // dK[b e][c w + o] = inv(i_e) sum_{slots} gz_s[b][o][i_e] h_s[b][c][j_e].
  const long w = width_, ne = graph_.edges(), nb = long(k_.extent(0)) / std::max(1L, ne);
  ensure(grad_k_, "fieldgen::nn::gno::grad_kernel", k_.extent(0), k_.extent(1));
  Kokkos::deep_copy(grad_k_, Real(0));
  const IndexView rows = edge_row_, cols = graph_.columns;
  const Vector<Real> inv = inv_degree_;
  const Tensor2<Real> gk = grad_k_;
  for (size_t s = 0; s < backward_done_.size(); ++s) {
    if (!backward_done_[s])
      continue;
    const Tensor3<Real> gz = grad_z_[s], h = in_[s];
    Kokkos::parallel_for(
        "fieldgen::nn::gno::kernel_grad", Range2({0, 0}, {nb, ne}), KOKKOS_LAMBDA(long b, long e) {
          const long i = rows(e), j = cols(e);
          for (long c = 0; c < w; ++c) {
            const Real hc = inv(i) * h(b, c, j);
            for (long o = 0; o < w; ++o)
              gk(b * ne + e, c * w + o) += hc * gz(b, o, i);
          }
        });
  }
  return kernel_.backward(p, grad_k_);
}

template class GraphKernelConv<float>;
template class GraphKernelConv<double>;

} // namespace fieldgen::nn
