// Fno: input assembly (u, coordinates, time), the layer sequence, and its reverse.
#include "fieldgen/nn/fno.hpp"

#include "fieldgen/nn/workspace.hpp"

namespace fieldgen::nn {

namespace {

// Coordinate linspace(0, 1, n) at global index i (0 on a single-point axis).
KOKKOS_INLINE_FUNCTION double linspace01(long i, long n) {
  return n > 1 ? double(i) / double(n - 1) : 0.0;
}

} // namespace

template <class Real>
Fno<Real>::Fno(const FnoConfig& config, std::string name, MPI_Comm comm)
    : config_(config), name_(std::move(name)),
      lift_(input_channels(), config.width, name_ + ".lift"),
      proj1_(config.width, config.projection, name_ + ".proj1"),
      proj2_(config.projection, 1, name_ + ".proj2"), proj_act_(ActivationKind::GELU) {
  require(dim() == 1 || dim() == 2, "Fno '", name_, "': modes for ", dim(),
          " axes (1-D or 2-D only)");
  require(config.depth >= 1 && config.width >= 1 && config.projection >= 1, "Fno '", name_,
          "': depth ", config.depth, ", width ", config.width, ", projection ", config.projection);
  require(config.max_t > 0, "Fno '", name_, "': max_t ", config.max_t);
  if (config.time == TimeInput::Embedding)
    time_ = std::make_unique<TimeEmbedding<Real>>(config.time_dim, config.time_hidden,
                                                  config.time_channels, name_ + ".time");
  for (int l = 0; l < config.depth; ++l) {
    const std::string layer = std::to_string(l);
    spectral_.push_back(std::make_unique<SpectralConv<Real>>(
        config.width, config.width, config.modes, name_ + ".spectral" + layer, comm));
    pointwise_.push_back(std::make_unique<PointwiseLinear<Real>>(config.width, config.width,
                                                                 name_ + ".pointwise" + layer));
    if (l + 1 < config.depth)
      act_.push_back(std::make_unique<Activation<Real>>(ActivationKind::GELU));
  }
}

template <class Real> long Fno<Real>::input_channels() const {
  const long time = config_.time == TimeInput::Channel ? 1 : config_.time_channels;
  return 1 + dim() + time;
}

template <class Real> void Fno<Real>::reserve(Parameters<Real>& p) {
  if (time_)
    time_->reserve(p);
  lift_.reserve(p);
  for (int l = 0; l < config_.depth; ++l) {
    spectral_[l]->reserve(p);
    pointwise_[l]->reserve(p);
  }
  proj1_.reserve(p);
  proj2_.reserve(p);
}

template <class Real> void Fno<Real>::init(const Parameters<Real>& p, const CounterRng& rng) {
  if (time_)
    time_->init(p, rng);
  lift_.init(p, rng);
  for (int l = 0; l < config_.depth; ++l) {
    spectral_[l]->init(p, rng);
    pointwise_[l]->init(p, rng);
  }
  proj1_.init(p, rng);
  proj2_.init(p, rng);
}

template <class Real> void Fno<Real>::set_block(const FieldBlock& block) {
  require(block.dim() == dim(), "Fno '", name_, "': ", dim(), "-D model given the block ", block);
  block_ = block;
  has_block_ = true;
  for (auto& s : spectral_)
    s->set_block(block);
}

template <class Real> FieldBlock Fno<Real>::block_for(long points) const {
  require(has_block_ || dim() == 1, "Fno '", name_, "': a 2-D model needs set_block()");
  const FieldBlock b = has_block_ ? block_ : FieldBlock::whole({points});
  require(b.local_size() == points, "Fno '", name_, "': input of ", points,
          " points per field but the block ", b, " has ", b.local_size());
  return b;
}

template <class Real>
Tensor3<Real> Fno<Real>::forward(const Parameters<Real>& p, const Tensor3<Real>& u,
                                 const Vector<Real>& t) {
  require(u.extent(1) == 1 && t.extent(0) == u.extent(0), "Fno '", name_, "': u [", u.extent(0),
          "][", u.extent(1), "][", u.extent(2), "] and t [", t.extent(0),
          "] (expected [batch][1][points] and [batch])");
  const long nb = long(u.extent(0)), np = long(u.extent(2)), nc = input_channels();
  const FieldBlock b = block_for(np);
  ensure(input_, "fieldgen::nn::fno_input", nb, nc, np);

  // Input channels: u, coordinates (global linspace(0, 1)), time.
  const bool two_d = dim() == 2;
  const long n0 = b.global[0], o0 = b.offset[0], n1 = two_d ? b.global[1] : 1,
             o1 = two_d ? b.offset[1] : 0, l1 = two_d ? b.local[1] : 1;
  const Tensor3<Real> in = input_;
  const long tc = 1 + dim();
  // Channel: one channel t / max_t (the reference); Embedding: time_channels channels of e(t).
  const bool channel = config_.time == TimeInput::Channel;
  const double inv_max_t = 1.0 / config_.max_t;
  const Tensor2<Real> e = channel ? Tensor2<Real>() : time_->forward(p, t);
  const long ne = channel ? 0 : config_.time_channels;
  Kokkos::parallel_for(
      "fieldgen::nn::fno_input",
      Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<2>>({0, 0}, {nb, np}),
      KOKKOS_LAMBDA(long bi, long q) {
        in(bi, 0, q) = u(bi, 0, q);
        in(bi, 1, q) = Real(linspace01(o0 + q / l1, n0));
        if (two_d)
          in(bi, 2, q) = Real(linspace01(o1 + q % l1, n1));
        if (channel)
          in(bi, tc, q) = Real(double(t(bi)) * inv_max_t);
        for (long c = 0; c < ne; ++c)
          in(bi, tc + c, q) = e(bi, c);
      });

  Tensor3<Real> h = lift_.forward(p, input_);
  for (int l = 0; l < config_.depth; ++l) {
    // The pointwise branch adds into the spectral layer's output buffer (which that layer does
    // not read again before its next forward), so the sum costs no extra pass.
    const Tensor3<Real> z = pointwise_[l]->forward_add(p, h, spectral_[l]->forward(p, h));
    h = l + 1 < config_.depth ? act_[l]->forward(p, z) : z;
  }
  return proj2_.forward(p, proj_act_.forward(p, proj1_.forward(p, h)));
}

template <class Real>
Tensor3<Real> Fno<Real>::backward(const Parameters<Real>& p, const Tensor3<Real>& grad_out) {
  Tensor3<Real> g = proj1_.backward(p, proj_act_.backward(p, proj2_.backward(p, grad_out)));
  const long nb = long(g.extent(0)), np = long(g.extent(2));
  for (int l = config_.depth - 1; l >= 0; --l) {
    const Tensor3<Real> gz = l + 1 < config_.depth ? act_[l]->backward(p, g) : g;
    // Likewise the input gradients of the two branches meet in the spectral layer's buffer.
    g = pointwise_[l]->backward_add(p, gz, spectral_[l]->backward(p, gz));
  }
  const Tensor3<Real> gin = lift_.backward(p, g);
  ensure(grad_u_, "fieldgen::nn::fno_grad_u", nb, 1, np);
  Kokkos::deep_copy(grad_u_,
                    Kokkos::subview(gin, Kokkos::ALL, Kokkos::make_pair(0, 1), Kokkos::ALL));
  if (time_) {
    // The embedding is broadcast over points: its gradient is the sum over this block's points.
    const long ne = config_.time_channels, tc = 1 + dim();
    ensure(grad_time_, "fieldgen::nn::fno_grad_time", nb, ne);
    const Tensor2<Real> ge = grad_time_;
    Kokkos::parallel_for(
        "fieldgen::nn::fno_time_grad",
        Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<2>>({0, 0}, {nb, ne}),
        KOKKOS_LAMBDA(long bi, long c) {
          Real s = 0;
          for (long q = 0; q < np; ++q)
            s += gin(bi, tc + c, q);
          ge(bi, c) = s;
        });
    time_->backward(p, grad_time_);
  }
  return grad_u_;
}

template class Fno<float>;
template class Fno<double>;

} // namespace fieldgen::nn
