// Halo: ghost layers of width w around each rank's block of a decomposed Grid, filled from the
// neighbouring blocks (exchange) or folded back onto them (sum_scatter, its adjoint).
//
// Padded layout (relied on by stencil layers such as the nn 3x3 convolution):
//   Kokkos::View<Real***, LayoutRight> [batch][channel][padded point], where the padded block has
//   P_a = local_n(a) + 2w points along each axis a < dim, flattened row-major (last axis fastest).
//   Interior point (i_0, .., i_{d-1}) of the local block (0 <= i_a < local_n(a)) sits at padded
//   multi-index (i_0 + w, .., i_{d-1} + w); padded index p_a < w or p_a >= local_n(a) + w along
//   any axis is a ghost, the image of global index offset(a) + p_a - w on that axis.
// Interior layout (pad/unpad, DistField): [batch][channel][local point], row-major over the block.
//
// exchange() is a linear map E on padded arrays; sum_scatter() applies E^T and then zeroes every
// ghost. For any interior x (ghosts zero, as pad() makes them) and any padded b:
//   <exchange(pad(x)), b>_padded == <x, unpad(sum_scatter(b))>_interior   (summed over ranks).
// This is what the backward pass of a stencil layer needs, and what moves DSD transfers that
// leave a block to the neighbour that owns the target site.
#pragma once

#include "fieldgen/core/comm.hpp"
#include "fieldgen/core/views.hpp"
#include "fieldgen/mesh/decomposition.hpp"

#include <array>

namespace fieldgen {

// A batch of fields [batch][channel][point] (the shared Tensor3 of core/views.hpp).
template <class Real> using FieldBatch = Tensor3<Real>;

template <class Real> class Halo {
public:
  using View = FieldBatch<Real>;

  // Collective over dec.comm() (duplicates it). Requires 1 <= width <= the smallest block along
  // every axis, so that every ghost comes from an immediate neighbour (or the block itself).
  Halo(const Decomposition& dec, int width);

  int width() const { return w_; }
  int dim() const { return dim_; }
  long padded_n(int axis) const { return padded_[slot(axis)]; }
  long padded_size() const { return padded_[0] * padded_[1] * padded_[2]; }
  long interior_size() const { return n_[0] * n_[1] * n_[2]; }

  // Fills the ghosts of padded from the neighbours' interior, axis by axis, so that edge and
  // corner ghosts are right too: a stencil on the padded block sees the values of the unsplit
  // field. Periodic axes wrap (one rank along an axis: a copy within the block); ghosts beyond a
  // non-periodic domain boundary (on any of their axes) are left unchanged. Collective.
  void exchange(const View& padded) const;
  // The adjoint of exchange: adds every ghost value to the interior point it is an image of
  // (wrapping on periodic axes, dropping ghosts beyond a non-periodic boundary), in reverse axis
  // order, then sets every ghost to zero. Collective.
  void sum_scatter(const View& padded) const;

private:
  struct Box {
    std::array<long, 3> lo, len;
    long volume() const { return len[0] * len[1] * len[2]; }
  };
  // Axis-a slab next to side s (0: low, 1: high): interior layers (ghost = false) or ghosts.
  Box slab(int axis, int side, bool ghost) const;
  // One axis of exchange (adjoint = false) or of its transpose (adjoint = true).
  void transfer(const View& padded, int axis, bool adjoint) const;
  void check(const View& padded) const;
  void reserve_buffers(long count) const;

  // Block extents are kept right-aligned in three slots (axis a of a d-D grid in slot
  // a + 3 - d, leading slots of extent 1), so the last slot is always the contiguous axis.
  int slot(int axis) const { return axis + 3 - dim_; }

  using Buffer = Vector<Real>;
  Comm comm_;
  int dim_ = 1, w_ = 1;
  std::array<long, 3> n_{1, 1, 1}, padded_{1, 1, 1}; // per slot
  std::array<std::array<int, 2>, 3> neighbour_{};    // per grid axis, sides -1 and +1
  // Message buffers per side, grown on demand, and their host mirrors (aliases on host backends)
  // that MPI reads and writes.
  mutable Buffer send_[2], recv_[2];
  mutable typename Buffer::HostMirror send_host_[2], recv_host_[2];
};

// Copy of interior [batch][channel][local point] into a new padded view with zero ghosts.
template <class Real>
FieldBatch<Real> pad(const FieldBatch<Real>& interior, const Decomposition& dec, int width);
// Copy of the interior of padded as [batch][channel][local point].
template <class Real>
FieldBatch<Real> unpad(const FieldBatch<Real>& padded, const Decomposition& dec, int width);

} // namespace fieldgen
