// Gno: the graph neural operator denoiser of Kerrigan et al. (AISTATS 2023; reference code
// models/graph_neural_operator.py GraphNeuralOperator and util/tools.py curve_to_graph), for
// functions given on arbitrary point sets in 1-D, 2-D or 3-D:
//   graph: every pair with |x_i - x_j| <= radius, self-pairs included (reference graph_radius
//     0.5 on [0, 1]); edge features e_ij = (x_j, x_i, u_j, u_i, t / max_t) for the message from
//     source j into target i (torch_geometric's edge_index[0] is the source), so the kernel
//     network has 2 d + 3 inputs; node features (x_i, u_i, t / max_t), d + 2 channels;
//   lift: pointwise linear (d + 2) -> width (reference fc1);
//   depth applications of ONE GraphKernelConv (weights shared, as the reference's loop over
//     conv1), each followed by ReLU: h <- ReLU(mean_j K(e_ij)^T h_j + R^T h_i + b);
//   projection: pointwise linear width -> 1 (reference fc2).
// The reference script that instantiates the model with its widths is not published; the
// defaults below are ours (Li et al.'s graph kernel network uses widths of the same order).
// Split over ranks, each rank passes the points of its slab along axis 0 (set_points); ghost
// points within the radius come from a PointHalo (coordinates once per point set, hidden
// features once per layer, gradients back to their owners). Parameter gradients are then this
// rank's share (edges into its own points): summed over ranks they equal the unsplit ones.
#pragma once

#include "fieldgen/nn/denoiser.hpp"
#include "fieldgen/nn/graph_kernel_conv.hpp"
#include "fieldgen/nn/linear.hpp"
#include "fieldgen/nn/point_halo.hpp"

#include <memory>
#include <string>
#include <vector>

namespace fieldgen::nn {

struct GnoConfig {
  int dim = 1;
  long width = 32;        // hidden channels d_v
  long kernel_width = 64; // hidden units of the kernel MLP
  int depth = 4;          // applications of the shared kernel layer
  double radius = 0.5;    // graph radius (reference config graph_radius)
  double max_t = 1000;    // time feature t / max_t (reference scale_t = max_t)
  PeriodicBox box;        // optional periodic axes
};

template <class Real> class Gno final : public Denoiser<Real> {
public:
  Gno(const GnoConfig& config, std::string name = "gno", MPI_Comm comm = MPI_COMM_SELF);

  void reserve(Parameters<Real>& p) override;
  void init(const Parameters<Real>& p, const CounterRng& rng) override;

  // This rank's points, coords [points][dim], all with x_0 in [slab_lo, slab_hi); collective.
  // Builds the halo and the radius graph; call again whenever the point set changes.
  void set_points(const Tensor2<Real>& coords, double slab_lo, double slab_hi);
  // One rank holding every point (communicator of size 1).
  void set_points(const Tensor2<Real>& coords);

  // u [batch][1][points], t [batch] -> [batch][1][points]; u and t must stay unchanged until
  // backward. Collective when split.
  Tensor3<Real> forward(const Parameters<Real>& p, const Tensor3<Real>& u,
                        const Vector<Real>& t) override;
  // Returns d loss / d u and adds the parameter gradients (this rank's share).
  Tensor3<Real> backward(const Parameters<Real>& p, const Tensor3<Real>& grad_out) override;

  const GnoConfig& config() const { return config_; }
  long points() const { return halo_ ? halo_->owned() : 0; }
  long ghosts() const { return halo_ ? halo_->ghosts() : 0; }
  long edges() const { return graph_.edges(); }

private:
  GnoConfig config_;
  std::string name_;
  MPI_Comm comm_;
  std::unique_ptr<PointHalo<Real>> halo_;
  RadiusGraph graph_;
  GraphTranspose transpose_;
  PointwiseLinear<Real> lift_, proj_;
  GraphKernelConv<Real> conv_;
  Tensor3<Real> nodes_, u_ext_, grad_u_ext_, grad_u_, grad_h_;
  Tensor2<Real> edges_;
  std::vector<Tensor3<Real>> h_ext_; // per layer: its input on owned + ghost points
};

} // namespace fieldgen::nn
