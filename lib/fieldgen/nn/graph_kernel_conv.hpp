// GraphKernelConv: the kernel integral layer of the graph neural operator, the reference's
// NNConv_old(width, width, kernel, aggr='mean') followed by its ReLU (Kerrigan et al., models/
// graph_neural_operator.py, after Li et al., "Neural Operator: Graph Kernel Network", eq. 8):
//   v_i = ReLU( (1/|N(i)|) sum_{j in N(i)} K_ij^T h_j + R^T h_i + b ),
// with K_ij = kappa_phi(e_ij) reshaped to [width_in][width_out] (row-major, the reference's
// .view(-1, in, out)), kappa an EdgeMlp [kernel_in, kernel_width, kernel_width, width^2] with
// ReLU, R the "root" weight [in][out] and b the bias. N(i) is row i of a RadiusGraph whose targets
// are the first `targets` of its sources (a rank's own points; the rest are ghosts).
// The edge features e_ij do not change from one application to the next (the reference builds
// them once from the input function), so kappa is evaluated once per forward (compute_kernel)
// and the same layer is applied `depth` times (weights shared, slots 0..depth-1); backward of each
// application keeps its output gradient, and backward_kernel() forms d loss / d K over all of
// them in one pass and runs kappa's backward once.
#pragma once

#include "fieldgen/nn/edge_mlp.hpp"
#include "fieldgen/nn/radius_graph.hpp"

#include <string>
#include <vector>

namespace fieldgen::nn {

template <class Real> class GraphKernelConv {
public:
  GraphKernelConv(long width, long kernel_in, long kernel_width, std::string name);

  void reserve(Parameters<Real>& p);
  // kappa: torch.nn.Linear defaults; R and b: U(-1/sqrt(width), 1/sqrt(width)) (the reference's
  // torch_geometric uniform(in_channels, .)).
  void init(const Parameters<Real>& p, const CounterRng& rng);

  // The graph: targets <= sources, target i is source i. Rows without neighbours give 0.
  void set_graph(const RadiusGraph& graph);
  // edge_features [batch * edges][kernel_in], row b * edges + e (must stay unchanged until
  // backward_kernel).
  void compute_kernel(const Parameters<Real>& p, const Tensor2<Real>& edge_features);
  // h [batch][width][sources] -> [batch][width][targets]; h must stay unchanged until backward
  // of the same slot.
  Tensor3<Real> forward(const Parameters<Real>& p, const Tensor3<Real>& h, int slot);
  // grad_out [batch][width][targets] -> d loss / d h [batch][width][sources]; adds R and b
  // gradients and keeps what d loss / d K needs.
  Tensor3<Real> backward(const Parameters<Real>& p, const Tensor3<Real>& grad_out, int slot);
  // Forms d loss / d K from the slots whose backward ran since compute_kernel, adds kappa's
  // parameter gradients; returns d loss / d edge_features.
  Tensor2<Real> backward_kernel(const Parameters<Real>& p);

  long width() const { return width_; }
  long kernel_in() const { return kernel_.in_features(); }
  long edges() const { return graph_.edges(); }

private:
  long width_;
  std::string name_;
  EdgeMlp<Real> kernel_;
  int root_ = -1, bias_ = -1;
  RadiusGraph graph_;
  GraphTranspose transpose_;
  IndexView edge_row_; // [edges]: target of each edge
  Vector<Real> inv_degree_;
  Tensor2<Real> k_, grad_k_;                     // [batch * edges][width^2]
  std::vector<Tensor3<Real>> in_, out_, grad_z_; // per slot: input, output, d loss / d (pre-ReLU)
  std::vector<bool> backward_done_;              // per slot, since the last compute_kernel
  Tensor3<Real> grad_in_;
};

} // namespace fieldgen::nn
