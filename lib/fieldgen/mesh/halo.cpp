// Halo: pack / Isend-Irecv / unpack of ghost slabs, axis by axis, and its adjoint (sum-scatter).
#include "fieldgen/mesh/halo.hpp"

#include <climits>
#include <cstdint>

namespace fieldgen {
namespace {

using Extents = std::array<long, 3>;

// Where element (bc, i0, i1, i2) of a box lives in a flat array:
// base + bc * sbc + i0 * s0 + i1 * s1 + i2 (unit stride along the last slot).
struct Addr {
  long base, sbc, s0, s1;
};

// A box at lo inside a row-major block of extents ext, stored [batch * channel][block point].
Addr in_block(const Extents& ext, const Extents& lo) {
  return {(lo[0] * ext[1] + lo[1]) * ext[2] + lo[2], ext[0] * ext[1] * ext[2], ext[1] * ext[2],
          ext[2]};
}
// A box stored densely (a message buffer).
Addr packed(const Extents& len) {
  return in_block(len, {0, 0, 0});
}

// One work item per contiguous run of a box (bc, i0, i1); the MDRange tiles replace per-item
// index division, and the run along the last slot is a plain loop.
using RowPolicy = Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<3>, Kokkos::IndexType<long>>;

// dst(box) = src(box) (add = false) or dst(box) += src(box) for all bc fields.
template <class Real>
void copy_box(const char* label, Real* dst, Addr ad, const Real* src, Addr as, long bc,
              const Extents& len, bool add) {
  const long l2 = len[2];
  if (bc * len[0] * len[1] * l2 == 0)
    return;
  Kokkos::parallel_for(
      label, RowPolicy({0, 0, 0}, {bc, len[0], len[1]}),
      KOKKOS_LAMBDA(const long c, const long i0, const long i1) {
        Real* d = dst + ad.base + c * ad.sbc + i0 * ad.s0 + i1 * ad.s1;
        const Real* s = src + as.base + c * as.sbc + i0 * as.s0 + i1 * as.s1;
        if (add)
          for (long i2 = 0; i2 < l2; ++i2)
            d[i2] += s[i2];
        else
          for (long i2 = 0; i2 < l2; ++i2)
            d[i2] = s[i2];
      });
}

template <class Real> void zero_box(Real* dst, Addr ad, long bc, const Extents& len) {
  const long l2 = len[2];
  if (bc * len[0] * len[1] * l2 == 0)
    return;
  Kokkos::parallel_for(
      "fieldgen::mesh::halo_zero_ghosts", RowPolicy({0, 0, 0}, {bc, len[0], len[1]}),
      KOKKOS_LAMBDA(const long c, const long i0, const long i1) {
        Real* d = dst + ad.base + c * ad.sbc + i0 * ad.s0 + i1 * ad.s1;
        for (long i2 = 0; i2 < l2; ++i2)
          d[i2] = Real(0);
      });
}

// Local block extents plus 2 * width per grid axis, right-aligned in three slots.
Extents block_extents(const Decomposition& dec, int width) {
  Extents e{1, 1, 1};
  for (int a = 0; a < dec.dim(); ++a)
    e[a + 3 - dec.dim()] = dec.local_n(a) + 2 * width;
  return e;
}

// Padded position of the first interior point, right-aligned like block_extents.
Extents interior_origin(const Decomposition& dec, int width) {
  Extents o{0, 0, 0};
  for (int a = 0; a < dec.dim(); ++a)
    o[a + 3 - dec.dim()] = width;
  return o;
}

} // namespace

template <class Real>
Halo<Real>::Halo(const Decomposition& dec, int width)
    : comm_(dec.comm()), dim_(dec.dim()), w_(width) {
  // Every rank sees the same grid and width, so these checks fail on all ranks alike.
  if (width < 1)
    throw UsageError(cat("Halo: width must be >= 1 (got ", width, ")"), ErrorScope::Collective);
  for (int a = 0; a < 3; ++a)
    neighbour_[a] = {MPI_PROC_NULL, MPI_PROC_NULL};
  for (int a = 0; a < dim_; ++a) {
    // Blocks differ by at most one point; the last block along an axis is a smallest one.
    const long smallest = dec.block_n(a, dec.ranks_along(a) - 1);
    if (width > smallest)
      throw UsageError(cat("Halo: width ", width, " exceeds the smallest block (", smallest,
                           " points) along axis ", a),
                       ErrorScope::Collective);
    n_[slot(a)] = dec.local_n(a);
    padded_[slot(a)] = dec.local_n(a) + 2 * width;
    neighbour_[a] = {dec.neighbour(a, -1), dec.neighbour(a, +1)};
  }
}

template <class Real>
typename Halo<Real>::Box Halo<Real>::slab(int axis, int side, bool ghost) const {
  Box b{{0, 0, 0}, {1, 1, 1}};
  const long w = w_;
  for (int a = 0; a < dim_; ++a) {
    const int k = slot(a);
    if (a == axis) {
      b.lo[k] = ghost ? (side == 0 ? 0 : n_[k] + w) : (side == 0 ? w : n_[k]);
      b.len[k] = w;
    } else if (a < axis) {
      // Axes already exchanged: include their ghosts where a neighbour filled them, so edges
      // and corners propagate; beyond a non-periodic boundary they stay untouched.
      const long lo = neighbour_[a][0] != MPI_PROC_NULL ? 0 : w;
      const long hi = neighbour_[a][1] != MPI_PROC_NULL ? n_[k] + 2 * w : n_[k] + w;
      b.lo[k] = lo;
      b.len[k] = hi - lo;
    } else {
      b.lo[k] = w;
      b.len[k] = n_[k];
    }
  }
  return b;
}

template <class Real> void Halo<Real>::check(const View& padded) const {
  require(long(padded.extent(2)) == padded_size(), "Halo: padded view has ", padded.extent(2),
          " points per field, the padded block has ", padded_size());
  require(padded.span_is_contiguous(), "Halo: padded view must be contiguous");
}

template <class Real> void Halo<Real>::reserve_buffers(long count) const {
  require(count <= INT_MAX, "Halo: message of ", count, " values exceeds the MPI count limit");
  for (int s = 0; s < 2; ++s) {
    if (long(send_[s].extent(0)) >= count)
      continue;
    send_[s] =
        Buffer(Kokkos::view_alloc(Kokkos::WithoutInitializing, "fieldgen::mesh::halo_send"), count);
    recv_[s] =
        Buffer(Kokkos::view_alloc(Kokkos::WithoutInitializing, "fieldgen::mesh::halo_recv"), count);
    send_host_[s] = Kokkos::create_mirror_view(send_[s]);
    recv_host_[s] = Kokkos::create_mirror_view(recv_[s]);
  }
}

template <class Real> void Halo<Real>::transfer(const View& padded, int axis, bool adjoint) const {
  // exchange: interior slab next to side s -> neighbour's ghost slab on its side 1 - s.
  // adjoint:  ghost slab on side s -> added into the neighbour's interior slab on side 1 - s.
  // Messages carry the side they leave from as tag; both sides of a slab have the same shape.
  const long bc = long(padded.extent(0) * padded.extent(1));
  const long count = bc * slab(axis, 0, false).volume();
  const int me = comm_.rank();
  Real* data = padded.data();
  const MPI_Datatype type = mpi_type<Real>();
  reserve_buffers(count);
  const auto pair = Kokkos::make_pair(0L, count);

  MPI_Request reqs[4];
  int nreq = 0;
  bool remote[2];
  for (int s = 0; s < 2; ++s) {
    const int nb = neighbour_[axis][s];
    remote[s] = nb != MPI_PROC_NULL && nb != me;
    if (remote[s])
      FIELDGEN_MPI_CHECK(
          MPI_Irecv(recv_host_[s].data(), int(count), type, nb, 1 - s, comm_.get(), &reqs[nreq++]));
  }
  for (int s = 0; s < 2; ++s) {
    if (!remote[s])
      continue;
    const Box from = slab(axis, s, adjoint);
    copy_box("fieldgen::mesh::halo_pack", send_[s].data(), packed(from.len), data,
             in_block(padded_, from.lo), bc, from.len, false);
  }
  ExecSpace().fence();
  for (int s = 0; s < 2; ++s) {
    if (!remote[s])
      continue;
    Kokkos::deep_copy(Kokkos::subview(send_host_[s], pair), Kokkos::subview(send_[s], pair));
    FIELDGEN_MPI_CHECK(MPI_Isend(send_host_[s].data(), int(count), type, neighbour_[axis][s], s,
                                 comm_.get(), &reqs[nreq++]));
  }
  // One rank along a periodic axis: the block is its own neighbour on both sides.
  for (int s = 0; s < 2; ++s) {
    if (neighbour_[axis][s] != me)
      continue;
    const Box from = slab(axis, 1 - s, adjoint), to = slab(axis, s, !adjoint);
    copy_box("fieldgen::mesh::halo_self", data, in_block(padded_, to.lo), data,
             in_block(padded_, from.lo), bc, to.len, adjoint);
  }
  FIELDGEN_MPI_CHECK(MPI_Waitall(nreq, reqs, MPI_STATUSES_IGNORE));
  for (int s = 0; s < 2; ++s) {
    if (!remote[s])
      continue;
    Kokkos::deep_copy(Kokkos::subview(recv_[s], pair), Kokkos::subview(recv_host_[s], pair));
    const Box to = slab(axis, s, !adjoint);
    copy_box("fieldgen::mesh::halo_unpack", data, in_block(padded_, to.lo), recv_[s].data(),
             packed(to.len), bc, to.len, adjoint);
  }
  ExecSpace().fence();
}

template <class Real> void Halo<Real>::exchange(const View& padded) const {
  check(padded);
  for (int a = 0; a < dim_; ++a)
    transfer(padded, a, false);
}

template <class Real> void Halo<Real>::sum_scatter(const View& padded) const {
  check(padded);
  for (int a = dim_ - 1; a >= 0; --a)
    transfer(padded, a, true);
  // Ghosts that were sent are accounted for; those beyond a non-periodic boundary are dropped.
  const long bc = long(padded.extent(0) * padded.extent(1));
  for (int a = 0; a < dim_; ++a)
    for (int s = 0; s < 2; ++s) {
      Extents lo{0, 0, 0}, len = padded_;
      lo[slot(a)] = s == 0 ? 0 : n_[slot(a)] + w_;
      len[slot(a)] = w_;
      zero_box(padded.data(), in_block(padded_, lo), bc, len);
    }
  ExecSpace().fence();
}

template <class Real>
FieldBatch<Real> pad(const FieldBatch<Real>& interior, const Decomposition& dec, int width) {
  require(width >= 1, "pad: width must be >= 1 (got ", width, ")");
  require(long(interior.extent(2)) == dec.local_size(), "pad: view has ", interior.extent(2),
          " points per field, the local block has ", dec.local_size());
  require(interior.span_is_contiguous(), "pad: interior view must be contiguous");
  const Extents n = block_extents(dec, 0), p = block_extents(dec, width);
  FieldBatch<Real> padded("fieldgen::mesh::padded", interior.extent(0), interior.extent(1),
                          p[0] * p[1] * p[2]);
  copy_box("fieldgen::mesh::pad", padded.data(), in_block(p, interior_origin(dec, width)),
           interior.data(), packed(n), long(interior.extent(0) * interior.extent(1)), n, false);
  ExecSpace().fence();
  return padded;
}

template <class Real>
FieldBatch<Real> unpad(const FieldBatch<Real>& padded, const Decomposition& dec, int width) {
  require(width >= 1, "unpad: width must be >= 1 (got ", width, ")");
  const Extents n = block_extents(dec, 0), p = block_extents(dec, width);
  require(long(padded.extent(2)) == p[0] * p[1] * p[2], "unpad: view has ", padded.extent(2),
          " points per field, the padded block has ", p[0] * p[1] * p[2]);
  require(padded.span_is_contiguous(), "unpad: padded view must be contiguous");
  FieldBatch<Real> interior(
      Kokkos::view_alloc(Kokkos::WithoutInitializing, "fieldgen::mesh::interior"), padded.extent(0),
      padded.extent(1), n[0] * n[1] * n[2]);
  copy_box("fieldgen::mesh::unpad", interior.data(), packed(n), padded.data(),
           in_block(p, interior_origin(dec, width)), long(padded.extent(0) * padded.extent(1)), n,
           false);
  ExecSpace().fence();
  return interior;
}

template class Halo<float>;
template class Halo<double>;
template class Halo<std::int32_t>; // integer transfers of the DSD sampler
template FieldBatch<float> pad(const FieldBatch<float>&, const Decomposition&, int);
template FieldBatch<double> pad(const FieldBatch<double>&, const Decomposition&, int);
template FieldBatch<float> unpad(const FieldBatch<float>&, const Decomposition&, int);
template FieldBatch<double> unpad(const FieldBatch<double>&, const Decomposition&, int);

} // namespace fieldgen
