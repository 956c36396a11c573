// PointHalo: ghost points of a point cloud split over ranks by slabs along axis 0. Rank k owns
// the points with x_0 in its slab [lo_k, hi_k); a kernel integral of radius r on its points needs
// every point within r of them, i.e. the other ranks' points whose x_0 lies within r of the slab
// (periodic: minimum image on [box_lo, box_hi)). The constructor exchanges those ghost points'
// coordinates once; forward() then fills the ghost columns of a [batch][channel][owned + ghosts]
// feature tensor from their owners, and reverse() (its adjoint) sends the ghost columns of a
// gradient back to their owners, which add them to their own columns. Ghosts are ordered by owner
// rank, then by the owner's local index. Collective over the (duplicated) communicator.
#pragma once

#include "fieldgen/core/comm.hpp"
#include "fieldgen/nn/radius_graph.hpp"
#include "fieldgen/nn/tensor.hpp"

#include <vector>

namespace fieldgen::nn {

template <class Real> class PointHalo {
public:
  // coords [owned][d] all inside [slab_lo, slab_hi) along axis 0 (checked); box as for
  // radius_graph (only its axis 0 matters here).
  PointHalo(MPI_Comm comm, const Tensor2<Real>& coords, double slab_lo, double slab_hi,
            double radius, const PeriodicBox& box = {});

  long owned() const { return owned_; }
  long ghosts() const { return ghosts_; }
  long extended() const { return owned_ + ghosts_; }
  // [owned + ghosts][d]: this rank's points, then the ghosts.
  const Tensor2<Real>& extended_coordinates() const { return coords_; }

  // in [batch][c][owned] -> out [batch][c][owned + ghosts] (reallocated if its shape differs).
  void forward(const Tensor3<Real>& in, Tensor3<Real>& out) const;
  // grad [batch][c][owned + ghosts] -> out [batch][c][owned]: own columns plus the ghost
  // columns other ranks computed for this rank's points.
  void reverse(const Tensor3<Real>& grad, Tensor3<Real>& out) const;

private:
  // One exchange: send_ counts items of `width` values to every rank.
  void exchange(const std::vector<Real>& send, const std::vector<long>& send_counts,
                std::vector<Real>& recv, const std::vector<long>& recv_counts, long width) const;

  Comm comm_;
  long owned_ = 0, ghosts_ = 0;
  Tensor2<Real> coords_;
  IndexView send_index_;                        // owned points to send, grouped by rank
  std::vector<long> send_counts_, recv_counts_; // per rank, in points
};

} // namespace fieldgen::nn
