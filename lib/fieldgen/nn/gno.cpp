// Gno: node and edge features (and their adjoints with respect to u), the halo exchanges around
// each application of the shared kernel layer, lift and projection.
#include "fieldgen/nn/gno.hpp"

#include "fieldgen/nn/workspace.hpp"

#include <limits>

namespace fieldgen::nn {

using Range2 = Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<2>>;

template <class Real>
Gno<Real>::Gno(const GnoConfig& config, std::string name, MPI_Comm comm)
    : config_(config), name_(std::move(name)), comm_(comm),
      lift_(config.dim + 2, config.width, name_ + ".fc1"), proj_(config.width, 1, name_ + ".fc2"),
      conv_(config.width, 2 * config.dim + 3, config.kernel_width, name_ + ".conv") {
  require(config.dim >= 1 && config.dim <= 3, "Gno '", name_, "': dimension ", config.dim);
  require(config.depth >= 1 && config.radius > 0 && config.max_t > 0, "Gno '", name_, "': depth ",
          config.depth, ", radius ", config.radius, ", max_t ", config.max_t);
  h_ext_.resize(size_t(config.depth));
}

template <class Real> void Gno<Real>::reserve(Parameters<Real>& p) {
  lift_.reserve(p);
  conv_.reserve(p);
  proj_.reserve(p);
}

template <class Real> void Gno<Real>::init(const Parameters<Real>& p, const CounterRng& rng) {
  lift_.init(p, rng);
  conv_.init(p, rng);
  proj_.init(p, rng);
}

template <class Real>
void Gno<Real>::set_points(const Tensor2<Real>& coords, double slab_lo, double slab_hi) {
  require(long(coords.extent(1)) == config_.dim, "Gno '", name_, "': coordinates [",
          coords.extent(0), "][", coords.extent(1), "] for dimension ", config_.dim);
  halo_ = std::make_unique<PointHalo<Real>>(comm_, coords, slab_lo, slab_hi, config_.radius,
                                            config_.box);
  graph_ = radius_graph(coords, halo_->extended_coordinates(), config_.radius, config_.box);
  transpose_ = transpose(graph_);
  conv_.set_graph(graph_);
}

template <class Real> void Gno<Real>::set_points(const Tensor2<Real>& coords) {
  int size = 0;
  FIELDGEN_MPI_CHECK(MPI_Comm_size(comm_, &size));
  require(size == 1, "Gno '", name_, "': set_points without a slab on a communicator of ", size,
          " ranks");
  set_points(coords, -std::numeric_limits<double>::max(), std::numeric_limits<double>::max());
}

template <class Real>
Tensor3<Real> Gno<Real>::forward(const Parameters<Real>& p, const Tensor3<Real>& u,
                                 const Vector<Real>& t) {
  require(halo_ != nullptr, "Gno '", name_, "': forward before set_points");
  const long nb = long(u.extent(0)), nt = halo_->owned(), d = config_.dim, ne = graph_.edges();
  require(u.extent(1) == 1 && long(u.extent(2)) == nt && long(t.extent(0)) == nb, "Gno '", name_,
          "': u [", u.extent(0), "][", u.extent(1), "][", u.extent(2), "] and t [", t.extent(0),
          "] for ", nt, " points");
  halo_->forward(u, u_ext_);
  const Tensor3<Real> ue = u_ext_;
  const Tensor2<Real> x = halo_->extended_coordinates();
  const Real inv_t = Real(1.0 / config_.max_t);

  // Edge features (x_j, x_i, u_j, u_i, t / max_t), row b * edges + e.
  ensure(edges_, "fieldgen::nn::gno::edge_features", nb * ne, 2 * d + 3);
  const Tensor2<Real> ef = edges_;
  const IndexView offsets = graph_.offsets, cols = graph_.columns;
  Kokkos::parallel_for(
      "fieldgen::nn::gno::edge_features", Range2({0, 0}, {nb, nt}), KOKKOS_LAMBDA(long b, long i) {
        for (long e = offsets(i); e < offsets(i + 1); ++e) {
          const long j = cols(e), r = b * ne + e;
          for (long a = 0; a < d; ++a) {
            ef(r, a) = x(j, a);
            ef(r, d + a) = x(i, a);
          }
          ef(r, 2 * d) = ue(b, 0, j);
          ef(r, 2 * d + 1) = ue(b, 0, i);
          ef(r, 2 * d + 2) = t(b) * inv_t;
        }
      });
  conv_.compute_kernel(p, edges_);

  // Node features (x_i, u_i, t / max_t) and the lift.
  ensure(nodes_, "fieldgen::nn::gno::node_features", nb, d + 2, nt);
  const Tensor3<Real> nf = nodes_;
  Kokkos::parallel_for(
      "fieldgen::nn::gno::node_features", Range2({0, 0}, {nb, nt}), KOKKOS_LAMBDA(long b, long i) {
        for (long a = 0; a < d; ++a)
          nf(b, a, i) = x(i, a);
        nf(b, d, i) = u(b, 0, i);
        nf(b, d + 1, i) = t(b) * inv_t;
      });
  Tensor3<Real> h = lift_.forward(p, nodes_);
  for (int k = 0; k < config_.depth; ++k) {
    halo_->forward(h, h_ext_[size_t(k)]);
    h = conv_.forward(p, h_ext_[size_t(k)], k);
  }
  return proj_.forward(p, h);
}

template <class Real>
Tensor3<Real> Gno<Real>::backward(const Parameters<Real>& p, const Tensor3<Real>& grad_out) {
  require(halo_ != nullptr, "Gno '", name_, "': backward before set_points");
  Tensor3<Real> g = proj_.backward(p, grad_out);
  for (int k = config_.depth - 1; k >= 0; --k) {
    const Tensor3<Real> g_ext = conv_.backward(p, g, k);
    halo_->reverse(g_ext, grad_h_);
    g = grad_h_;
  }
  const Tensor3<Real> g_nodes = lift_.backward(p, g);
  const Tensor2<Real> g_edges = conv_.backward_kernel(p);

  // d loss / d u on owned + ghost points from the edge features: u_j enters column 2d of the
  // edges out of j, u_i column 2d + 1 of the edges into i.
  const long nb = long(grad_out.extent(0)), nt = halo_->owned(), ns = halo_->extended(),
             d = config_.dim, ne = graph_.edges();
  ensure(grad_u_ext_, "fieldgen::nn::gno::grad_u_ext", nb, 1, ns);
  const Tensor3<Real> gue = grad_u_ext_;
  const IndexView offsets = graph_.offsets, t_off = transpose_.offsets, t_edges = transpose_.edges;
  Kokkos::parallel_for(
      "fieldgen::nn::gno::edge_features_grad", Range2({0, 0}, {nb, ns}),
      KOKKOS_LAMBDA(long b, long j) {
        Real s = 0;
        for (long k = t_off(j); k < t_off(j + 1); ++k)
          s += g_edges(b * ne + t_edges(k), 2 * d);
        if (j < nt)
          for (long e = offsets(j); e < offsets(j + 1); ++e)
            s += g_edges(b * ne + e, 2 * d + 1);
        gue(b, 0, j) = s;
      });
  halo_->reverse(grad_u_ext_, grad_u_);
  const Tensor3<Real> gu = grad_u_;
  Kokkos::parallel_for(
      "fieldgen::nn::gno::node_features_grad", Range2({0, 0}, {nb, nt}),
      KOKKOS_LAMBDA(long b, long i) { gu(b, 0, i) += g_nodes(b, d, i); });
  return grad_u_;
}

template class Gno<float>;
template class Gno<double>;

} // namespace fieldgen::nn
