// PointHalo: ghost selection by slab distance along axis 0, coordinate exchange, and the feature
// exchange and its adjoint with MPI_Alltoallv on host mirrors (every rank may neighbour every
// other one when r is comparable to the slab width, and zero counts cost nothing).
#include "fieldgen/nn/point_halo.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fieldgen::nn {

namespace {

// Distance along axis 0 from x to the slab [lo, hi); periodic: over the images x + k L.
double slab_distance(double x, double lo, double hi, bool periodic, double length) {
  auto plain = [&](double y) { return std::max({lo - y, 0.0, y - hi}); };
  if (!periodic)
    return plain(x);
  return std::min({plain(x), plain(x - length), plain(x + length)});
}

std::vector<int> to_int(const std::vector<long>& v, const char* what) {
  std::vector<int> out(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    require(v[i] <= std::numeric_limits<int>::max(), "PointHalo: ", what, " count ", v[i],
            " exceeds the MPI int range");
    out[i] = int(v[i]);
  }
  return out;
}

std::vector<int> displacements(const std::vector<int>& counts) {
  std::vector<int> d(counts.size(), 0);
  for (size_t q = 1; q < counts.size(); ++q)
    d[q] = d[q - 1] + counts[q - 1];
  return d;
}

} // namespace

template <class Real>
PointHalo<Real>::PointHalo(MPI_Comm comm, const Tensor2<Real>& coords, double slab_lo,
                           double slab_hi, double radius, const PeriodicBox& box)
    : comm_(comm), owned_(long(coords.extent(0))) {
  const long d = long(coords.extent(1));
  const int nranks = comm_.size(), me = comm_.rank();
  require(d >= 1 && slab_hi > slab_lo && radius > 0, "PointHalo: slab [", slab_lo, ", ", slab_hi,
          "), radius ", radius, ", dimension ", d);
  const bool periodic = box.any() && box.periodic.at(0);
  const double length = periodic ? box.hi.at(0) - box.lo.at(0) : 0.0;

  std::vector<double> slabs(2 * size_t(nranks));
  const double mine[2] = {slab_lo, slab_hi};
  FIELDGEN_MPI_CHECK(MPI_Allgather(mine, 2, MPI_DOUBLE, slabs.data(), 2, MPI_DOUBLE, comm_.get()));

  const auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), coords);
  for (long i = 0; i < owned_; ++i)
    require(double(h(i, 0)) >= slab_lo && double(h(i, 0)) < slab_hi, "PointHalo: point ", i,
            " at x_0 = ", double(h(i, 0)), " lies outside this rank's slab [", slab_lo, ", ",
            slab_hi, ")");

  // Points to send to rank q: those within r of q's slab along axis 0.
  std::vector<long> send;
  send_counts_.assign(size_t(nranks), 0);
  for (int q = 0; q < nranks; ++q) {
    if (q == me)
      continue;
    for (long i = 0; i < owned_; ++i)
      if (slab_distance(double(h(i, 0)), slabs[2 * size_t(q)], slabs[2 * size_t(q) + 1], periodic,
                        length) <= radius) {
        send.push_back(i);
        ++send_counts_[size_t(q)];
      }
  }
  recv_counts_.assign(size_t(nranks), 0);
  FIELDGEN_MPI_CHECK(MPI_Alltoall(send_counts_.data(), 1, MPI_LONG, recv_counts_.data(), 1,
                                  MPI_LONG, comm_.get()));
  ghosts_ = 0;
  for (long c : recv_counts_)
    ghosts_ += c;

  send_index_ = IndexView("fieldgen::nn::point_halo::send_index", send.size());
  const auto hs = Kokkos::create_mirror_view(send_index_);
  std::copy(send.begin(), send.end(), hs.data());
  Kokkos::deep_copy(send_index_, hs);

  // Coordinates: owned points first, then the ghosts received.
  std::vector<Real> send_coords, recv_coords;
  for (long i : send)
    for (long a = 0; a < d; ++a)
      send_coords.push_back(h(i, a));
  exchange(send_coords, send_counts_, recv_coords, recv_counts_, d);
  coords_ = Tensor2<Real>("fieldgen::nn::point_halo::coords", size_t(extended()), size_t(d));
  const auto hc = Kokkos::create_mirror_view(coords_);
  for (long i = 0; i < owned_; ++i)
    for (long a = 0; a < d; ++a)
      hc(i, a) = h(i, a);
  for (long g = 0; g < ghosts_; ++g)
    for (long a = 0; a < d; ++a)
      hc(owned_ + g, a) = recv_coords[size_t(g * d + a)];
  Kokkos::deep_copy(coords_, hc);
}

template <class Real>
void PointHalo<Real>::exchange(const std::vector<Real>& send, const std::vector<long>& send_counts,
                               std::vector<Real>& recv, const std::vector<long>& recv_counts,
                               long width) const {
  std::vector<long> sc(send_counts), rc(recv_counts);
  long total = 0;
  for (size_t q = 0; q < sc.size(); ++q) {
    sc[q] *= width;
    rc[q] *= width;
    total += rc[q];
  }
  recv.assign(size_t(total), Real(0));
  if (comm_.size() == 1)
    return;
  const std::vector<int> si = to_int(sc, "send"), ri = to_int(rc, "receive");
  const std::vector<int> sd = displacements(si), rd = displacements(ri);
  FIELDGEN_MPI_CHECK(MPI_Alltoallv(send.data(), si.data(), sd.data(), mpi_type<Real>(), recv.data(),
                                   ri.data(), rd.data(), mpi_type<Real>(), comm_.get()));
}

template <class Real>
void PointHalo<Real>::forward(const Tensor3<Real>& in, Tensor3<Real>& out) const {
  require(long(in.extent(2)) == owned_, "PointHalo::forward: input [", in.extent(0), "][",
          in.extent(1), "][", in.extent(2), "] but ", owned_, " owned points");
  const long nb = long(in.extent(0)), nc = long(in.extent(1)), width = nb * nc;
  if (out.extent(0) != in.extent(0) || out.extent(1) != in.extent(1) ||
      long(out.extent(2)) != extended())
    out = Tensor3<Real>("fieldgen::nn::point_halo::extended", in.extent(0), in.extent(1),
                        size_t(extended()));
  const auto hin = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), in);
  const auto hs = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), send_index_);
  // Per point sent: its [batch][channel] values, contiguous.
  std::vector<Real> send(hs.size() * size_t(width)), recv;
  for (size_t k = 0; k < hs.size(); ++k)
    for (long b = 0; b < nb; ++b)
      for (long c = 0; c < nc; ++c)
        send[k * size_t(width) + size_t(b * nc + c)] = hin(b, c, hs(k));
  exchange(send, send_counts_, recv, recv_counts_, width);
  const auto hout = Kokkos::create_mirror_view(out);
  for (long b = 0; b < nb; ++b)
    for (long c = 0; c < nc; ++c) {
      for (long i = 0; i < owned_; ++i)
        hout(b, c, i) = hin(b, c, i);
      for (long g = 0; g < ghosts_; ++g)
        hout(b, c, owned_ + g) = recv[size_t(g * width + b * nc + c)];
    }
  Kokkos::deep_copy(out, hout);
}

template <class Real>
void PointHalo<Real>::reverse(const Tensor3<Real>& grad, Tensor3<Real>& out) const {
  require(long(grad.extent(2)) == extended(), "PointHalo::reverse: gradient [", grad.extent(0),
          "][", grad.extent(1), "][", grad.extent(2), "] but ", extended(),
          " owned + ghost points");
  const long nb = long(grad.extent(0)), nc = long(grad.extent(1)), width = nb * nc;
  if (out.extent(0) != grad.extent(0) || out.extent(1) != grad.extent(1) ||
      long(out.extent(2)) != owned_)
    out = Tensor3<Real>("fieldgen::nn::point_halo::owned", grad.extent(0), grad.extent(1),
                        size_t(owned_));
  const auto hg = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), grad);
  const auto hs = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), send_index_);
  std::vector<Real> send(size_t(ghosts_ * width)), recv;
  for (long g = 0; g < ghosts_; ++g)
    for (long b = 0; b < nb; ++b)
      for (long c = 0; c < nc; ++c)
        send[size_t(g * width + b * nc + c)] = hg(b, c, owned_ + g);
  exchange(send, recv_counts_, recv, send_counts_, width);
  const auto hout = Kokkos::create_mirror_view(out);
  for (long b = 0; b < nb; ++b)
    for (long c = 0; c < nc; ++c)
      for (long i = 0; i < owned_; ++i)
        hout(b, c, i) = hg(b, c, i);
  // Contributions in a fixed order (by rank, then by send position).
  for (size_t k = 0; k < hs.size(); ++k)
    for (long b = 0; b < nb; ++b)
      for (long c = 0; c < nc; ++c)
        hout(b, c, hs(k)) += recv[k * size_t(width) + size_t(b * nc + c)];
  Kokkos::deep_copy(out, hout);
}

template class PointHalo<float>;
template class PointHalo<double>;

} // namespace fieldgen::nn
