// UFno: coarse-level decompositions, the block (spectral + local + pointwise + embedding bias),
// input assembly (counts, time and class embeddings), the U-shaped layer sequence and its
// reverse.
#include "fieldgen/nn/ufno.hpp"

#include "fieldgen/nn/init.hpp"
#include "fieldgen/nn/workspace.hpp"

#include <cmath>

namespace fieldgen::nn {

namespace {

// out = a + b + c (c optional), elementwise over equal shapes.
template <class Real>
void add(const Tensor3<Real>& a, const Tensor3<Real>& b, const Tensor3<Real>& c,
         const Tensor3<Real>& out) {
  const Real* x = a.data();
  const Real* y = b.data();
  const Real* z = c.data();
  Real* o = out.data();
  Kokkos::parallel_for(
      "fieldgen::nn::ufno_add", Kokkos::RangePolicy<ExecSpace>(0, out.size()),
      KOKKOS_LAMBDA(long i) { o[i] = x[i] + y[i] + (z ? z[i] : Real(0)); });
}

std::vector<long> local_shape(const Decomposition& d) {
  std::vector<long> s;
  for (int a = 0; a < d.dim(); ++a)
    s.push_back(d.local_n(a));
  return s;
}

// The grid with every side halved `level` times (same box and boundaries).
Grid coarse_grid(const Grid& g, int level) {
  std::vector<long> n;
  std::vector<double> lo, hi;
  std::vector<bool> periodic;
  for (int a = 0; a < g.dim(); ++a) {
    n.push_back(g.n(a) >> level);
    lo.push_back(g.lo(a));
    hi.push_back(g.hi(a));
    periodic.push_back(g.periodic(a));
  }
  return Grid(n, lo, hi, periodic);
}

// sum(b, o, q) += e(b, o, 0): a per-item, per-channel bias broadcast over the sites.
template <class Real> void add_broadcast(const Tensor3<Real>& e, const Tensor3<Real>& sum) {
  Kokkos::parallel_for(
      "fieldgen::nn::ufno_add_embedding",
      Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<3>>(
          {0, 0, 0}, {long(sum.extent(0)), long(sum.extent(1)), long(sum.extent(2))}),
      KOKKOS_LAMBDA(long b, long o, long q) { sum(b, o, q) += e(b, o, 0); });
}

// out(b, o, 0) += sum over this block's sites of g(b, first + o, q), sites in order
// (reproducible): the gradient of a per-item value broadcast over the sites.
template <class Real>
void add_site_sums(const Tensor3<Real>& g, long first, const Tensor3<Real>& out) {
  const long np = long(g.extent(2));
  Kokkos::parallel_for(
      "fieldgen::nn::ufno_site_sums",
      Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<2>>({0, 0},
                                                        {long(out.extent(0)), long(out.extent(1))}),
      KOKKOS_LAMBDA(long b, long o) {
        Real s = 0;
        for (long q = 0; q < np; ++q)
          s += g(b, first + o, q);
        out(b, o, 0) += s;
      });
}

} // namespace

template <class Real> struct UFno<Real>::Block {
  std::unique_ptr<SpectralConv<Real>> spectral; // null with modes = 0 (a local-only U-Net)
  Conv3x3<Real> conv;
  PointwiseLinear<Real> skip;
  std::unique_ptr<PointwiseLinear<Real>> embed; // E: embeddings -> c_out (block_embedding)
  Activation<Real> act;
  Tensor3<Real> sum, grad, grad_bias;

  Block(long c_in, long c_out, const std::vector<long>& modes, const Decomposition& dec,
        long embedding_channels, const std::string& name)
      : conv(dec, int(c_in), int(c_out), name + ".conv"), skip(c_in, c_out, name + ".skip", false),
        act(ActivationKind::GELU) {
    if (modes.front() > 0) {
      spectral =
          std::make_unique<SpectralConv<Real>>(c_in, c_out, modes, name + ".spectral", dec.comm());
      spectral->set_block(FieldBlock::of(dec));
    }
    if (embedding_channels > 0)
      embed = std::make_unique<PointwiseLinear<Real>>(embedding_channels, c_out, name + ".embed",
                                                      false);
  }
  void reserve(Parameters<Real>& p) {
    if (spectral)
      spectral->reserve(p);
    conv.reserve(p);
    skip.reserve(p);
    if (embed)
      embed->reserve(p);
  }
  void init(const Parameters<Real>& p, const CounterRng& rng) {
    if (spectral)
      spectral->init(p, rng);
    conv.init(p, rng);
    skip.init(p, rng);
    if (embed)
      embed->init(p, rng);
  }
  // h [batch][c_in][points], e [batch][embedding channels][1] (used with embed only).
  Tensor3<Real> forward(const Parameters<Real>& p, const Tensor3<Real>& h, const Tensor3<Real>& e) {
    const Tensor3<Real> c = conv.forward(p, h), w = skip.forward(p, h);
    ensure(sum, "fieldgen::nn::ufno_block_sum", c.extent(0), c.extent(1), c.extent(2));
    add(c, w, spectral ? spectral->forward(p, h) : Tensor3<Real>(), sum);
    if (embed)
      add_broadcast(embed->forward(p, e), sum);
    return act.forward(p, sum);
  }
  // Adds d loss / d e to grad_e (with embed); returns d loss / d h.
  Tensor3<Real> backward(const Parameters<Real>& p, const Tensor3<Real>& g,
                         const Tensor3<Real>& grad_e) {
    const Tensor3<Real> gz = act.backward(p, g);
    if (embed) {
      ensure(grad_bias, "fieldgen::nn::ufno_block_grad_bias", gz.extent(0), gz.extent(1), 1);
      Kokkos::deep_copy(grad_bias, Real(0));
      add_site_sums(gz, 0, grad_bias);
      add(embed->backward(p, grad_bias), grad_e, Tensor3<Real>(), grad_e);
    }
    const Tensor3<Real> b = conv.backward(p, gz), c = skip.backward(p, gz);
    ensure(grad, "fieldgen::nn::ufno_block_grad", b.extent(0), b.extent(1), b.extent(2));
    add(b, c, spectral ? spectral->backward(p, gz) : Tensor3<Real>(), grad);
    return grad;
  }
};

template <class Real>
UFno<Real>::UFno(const UFnoConfig& config, const Decomposition& dec, std::string name)
    : config_(config), name_(std::move(name)), points_(dec.local_size()),
      lift_(input_channels(), config.width, name_ + ".lift"),
      proj1_(config.width, config.projection, name_ + ".proj1"),
      proj2_(config.projection, outputs(), name_ + ".proj2"), proj_act_(ActivationKind::GELU) {
  const int d = dim(), levels = config.levels;
  const bool local_only = config.modes.front() == 0;
  for (long k : config.modes)
    require((k == 0) == local_only && k >= 0, "UFno '", name_,
            "': modes must be all > 0 or all 0 (local-only)");
  require(d >= 1 && d <= (local_only ? 3 : 2), "UFno '", name_, "': modes for ", d,
          " axes (1-D or 2-D; 3-D with modes = 0: the spectral layer is 1-D/2-D)");
  require(dec.dim() == d, "UFno '", name_, "': ", d, "-D model on a ", dec.dim(), "-D lattice");
  require(config.channels >= 1 && config.width >= 1 && config.width_mult >= 1 &&
              config.projection >= 1 && levels >= 0 && levels <= 8,
          "UFno '", name_, "': channels ", config.channels, ", width ", config.width,
          ", width_mult ", config.width_mult, ", projection ", config.projection, ", levels ",
          levels);
  require(config.count_scale > 0 && config.rate > 0 && config.time_scale > 0, "UFno '", name_,
          "': count_scale ", config.count_scale, ", rate ", config.rate, ", time_scale ",
          config.time_scale, " (all > 0)");
  require(config.classes >= 0 && (config.classes == 0 || config.class_channels >= 1), "UFno '",
          name_, "': classes ", config.classes, ", class_channels ", config.class_channels);
  for (int a = 0; a < d; ++a)
    require(dec.local_n(a) % (1L << levels) == 0, "UFno '", name_, "': local block side ",
            dec.local_n(a), " along axis ", a, " is not divisible by 2^levels = ", 1L << levels,
            " (lattice ", dec.grid().describe(), " over ", dec.ranks_along(a),
            " ranks on that axis)");
  std::vector<int> dims;
  for (int a = 0; a < d; ++a)
    dims.push_back(dec.ranks_along(a));
  for (int l = 1; l <= levels; ++l)
    coarse_.push_back(
        std::make_unique<Decomposition>(coarse_grid(dec.grid(), l), dec.comm(), dims));
  const auto level_dec = [&](int l) -> const Decomposition& {
    return l == 0 ? dec : *coarse_[size_t(l - 1)];
  };

  time_ = std::make_unique<TimeEmbedding<Real>>(config.time_dim, config.time_hidden,
                                                config.time_channels, name_ + ".time");
  const long ne = config.block_embedding ? embedding_channels() : 0;
  for (int l = 0; l < levels; ++l) {
    const std::string s = std::to_string(l);
    const long in = l == 0 ? config.width : level_width(l - 1);
    down_.push_back(std::make_unique<Block>(in, level_width(l), level_modes(l), level_dec(l), ne,
                                            name_ + ".down" + s));
    up_.push_back(std::make_unique<Block>(level_width(l + 1) + level_width(l), level_width(l),
                                          level_modes(l), level_dec(l), ne, name_ + ".up" + s));
    pool_.push_back(std::make_unique<AvgPool2<Real>>(local_shape(level_dec(l))));
    upsample_.push_back(std::make_unique<Upsample2<Real>>(local_shape(level_dec(l))));
    concat_.push_back(std::make_unique<Concat<Real>>());
  }
  const long bottom_in = levels == 0 ? config.width : level_width(levels - 1);
  bottom_ = std::make_unique<Block>(bottom_in, level_width(levels), level_modes(levels),
                                    level_dec(levels), ne, name_ + ".bottom");
  grad_skip_.resize(size_t(levels));
}

template <class Real> UFno<Real>::~UFno() = default;

template <class Real> long UFno<Real>::embedding_channels() const {
  return config_.time_channels + (config_.classes > 0 ? config_.class_channels : 0);
}

template <class Real> long UFno<Real>::input_channels() const {
  return config_.channels + embedding_channels();
}

template <class Real> long UFno<Real>::level_width(int level) const {
  long w = config_.width;
  for (int l = 0; l < level; ++l)
    w *= config_.width_mult;
  return w;
}

template <class Real> std::vector<long> UFno<Real>::level_modes(int level) const {
  std::vector<long> m;
  for (long k : config_.modes)
    m.push_back(k == 0 ? 0 : std::max(1L, k >> level));
  return m;
}

template <class Real> void UFno<Real>::reserve(Parameters<Real>& p) {
  time_->reserve(p);
  if (config_.classes > 0)
    class_block_ =
        p.reserve(name_ + ".class_table", (config_.classes + 1) * config_.class_channels);
  lift_.reserve(p);
  for (size_t l = 0; l < down_.size(); ++l)
    down_[l]->reserve(p);
  bottom_->reserve(p);
  for (size_t l = 0; l < up_.size(); ++l)
    up_[l]->reserve(p);
  proj1_.reserve(p);
  proj2_.reserve(p);
}

template <class Real> void UFno<Real>::init(const Parameters<Real>& p, const CounterRng& rng) {
  time_->init(p, rng);
  // torch.nn.Embedding draws N(0, 1); the uniform law on +-sqrt(3) has the same variance.
  if (class_block_ >= 0)
    init_uniform(p, class_block_, rng, -std::sqrt(3.0), std::sqrt(3.0));
  lift_.init(p, rng);
  for (auto& b : down_)
    b->init(p, rng);
  bottom_->init(p, rng);
  for (auto& b : up_)
    b->init(p, rng);
  proj1_.init(p, rng);
  proj2_.init(p, rng);
}

template <class Real>
Tensor3<Real> UFno<Real>::forward(const Parameters<Real>& p, const Tensor3<Real>& counts,
                                  const Vector<Real>& t,
                                  const Kokkos::View<std::int32_t*, MemSpace>& labels) {
  const long nb = long(counts.extent(0)), np = long(counts.extent(2)), nc = config_.channels;
  const bool classes = config_.classes > 0;
  require(long(counts.extent(1)) == nc && np == points_ && long(t.extent(0)) == nb &&
              (!classes || long(labels.extent(0)) == nb),
          "UFno '", name_, "': counts [", counts.extent(0), "][", counts.extent(1), "][",
          counts.extent(2), "], t [", t.extent(0), "], labels [", labels.extent(0),
          "] (expected [batch][", nc, "][", points_, "], [batch]", classes ? ", [batch]" : "", ")");
  if (classes) {
    const long top = config_.classes;
    long bad = 0;
    Kokkos::parallel_reduce(
        "fieldgen::nn::ufno_check_labels", Kokkos::RangePolicy<ExecSpace>(0, nb),
        KOKKOS_LAMBDA(long b, long& n) { n += labels(b) < 0 || labels(b) > top; }, bad);
    require(bad == 0, "UFno '", name_, "': ", bad, " labels outside [0, ", top, "]");
  }
  labels_ = labels;

  ensure(scaled_t_, "fieldgen::nn::ufno_scaled_t", nb);
  const Vector<Real> st = scaled_t_;
  const Real time_scale = Real(config_.time_scale);
  Kokkos::parallel_for(
      "fieldgen::nn::ufno_scale_t", Kokkos::RangePolicy<ExecSpace>(0, nb),
      KOKKOS_LAMBDA(long b) { st(b) = time_scale * t(b); });
  const Tensor2<Real> e = time_->forward(p, scaled_t_);

  // Embeddings e = [time embedding, class embedding] per item; input channels: counts /
  // count_scale, then e broadcast to every site.
  const long ne = config_.time_channels, nk = classes ? config_.class_channels : 0;
  const long nm = ne + nk;
  ensure(embedding_, "fieldgen::nn::ufno_embedding", nb, nm, 1);
  const Tensor3<Real> em = embedding_;
  const Vector<Real> table = classes ? p.value(class_block_) : Vector<Real>();
  Kokkos::parallel_for(
      "fieldgen::nn::ufno_embedding", Kokkos::RangePolicy<ExecSpace>(0, nb), KOKKOS_LAMBDA(long b) {
        for (long c = 0; c < ne; ++c)
          em(b, c, 0) = e(b, c);
        for (long c = 0; c < nk; ++c)
          em(b, ne + c, 0) = table(labels(b) * nk + c);
      });
  ensure(input_, "fieldgen::nn::ufno_input", nb, input_channels(), np);
  const Tensor3<Real> in = input_;
  const Real inv_scale = Real(1.0 / config_.count_scale);
  Kokkos::parallel_for(
      "fieldgen::nn::ufno_input",
      Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<2>>({0, 0}, {nb, np}),
      KOKKOS_LAMBDA(long b, long q) {
        for (long c = 0; c < nc; ++c)
          in(b, c, q) = counts(b, c, q) * inv_scale;
        for (long c = 0; c < nm; ++c)
          in(b, nc + c, q) = em(b, c, 0);
      });

  const int levels = config_.levels;
  std::vector<Tensor3<Real>> skip(static_cast<size_t>(levels));
  Tensor3<Real> h = lift_.forward(p, input_);
  for (int l = 0; l < levels; ++l) {
    skip[l] = down_[l]->forward(p, l == 0 ? h : pool_[l - 1]->forward(p, skip[l - 1]), embedding_);
  }
  h = bottom_->forward(p, levels == 0 ? h : pool_[levels - 1]->forward(p, skip[levels - 1]),
                       embedding_);
  for (int l = levels - 1; l >= 0; --l)
    h = up_[l]->forward(p, concat_[l]->forward(upsample_[l]->forward(p, h), skip[l]), embedding_);
  z_ = proj2_.forward(p, proj_act_.forward(p, proj1_.forward(p, h)));

  ensure(out_, "fieldgen::nn::ufno_rates", nb, outputs(), np);
  const Tensor3<Real> out = out_, z = z_;
  const Real rate = Real(config_.rate);
  const long no = outputs();
  if (config_.link == RateLink::Softplus) {
    const Real* zp = z_.data();
    Real* op = out.data();
    Kokkos::parallel_for(
        "fieldgen::nn::ufno_softplus", Kokkos::RangePolicy<ExecSpace>(0, out.size()),
        KOKKOS_LAMBDA(long i) { op[i] = rate * softplus(zp[i]); });
    return out_;
  }
  // Log-ratio link: L_b = log(1 + (r t_b)^{-1/2}) per item, kept for backward.
  ensure(log_span_, "fieldgen::nn::ufno_log_span", nb);
  {
    const auto t_h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), t);
    const auto l_h = Kokkos::create_mirror_view(log_span_);
    for (long b = 0; b < nb; ++b) {
      require(t_h(b) > 0, "UFno '", name_, "': time ", t_h(b), " of item ", b, " is not > 0");
      l_h(b) = Real(std::log1p(1.0 / std::sqrt(config_.rate * double(t_h(b)))));
    }
    Kokkos::deep_copy(log_span_, l_h);
  }
  const Vector<Real> span = log_span_;
  const Real cap = Real(log_ratio_cap);
  Kokkos::parallel_for(
      "fieldgen::nn::ufno_log_ratio",
      Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<3>>({0, 0, 0}, {nb, no, np}),
      KOKKOS_LAMBDA(long b, long o, long q) {
        const Real x = z(b, o, q);
        const Real zc = x < -cap ? -cap : x > cap ? cap : x;
        out(b, o, q) = rate * kmath::exp(span(b) * zc);
      });
  return out_;
}

template <class Real>
Tensor3<Real> UFno<Real>::backward(const Parameters<Real>& p, const Tensor3<Real>& grad_out) {
  require(grad_out.extent(0) == out_.extent(0) && grad_out.extent(1) == out_.extent(1) &&
              grad_out.extent(2) == out_.extent(2),
          "UFno '", name_, "': output gradient [", grad_out.extent(0), "][", grad_out.extent(1),
          "][", grad_out.extent(2), "] does not match the last forward");
  // d rho / dz: rate sigmoid(z) (softplus link) or rho L_b inside the cap, 0 outside
  // (log-ratio link); z is the projection's output buffer of the last forward.
  ensure(grad_z_, "fieldgen::nn::ufno_grad_z", out_.extent(0), out_.extent(1), out_.extent(2));
  {
    const Tensor3<Real> z = z_, gz = grad_z_, go = grad_out, rho = out_;
    const Real rate = Real(config_.rate), cap = Real(log_ratio_cap);
    const bool softplus_link = config_.link == RateLink::Softplus;
    const Vector<Real> span = log_span_;
    Kokkos::parallel_for(
        "fieldgen::nn::ufno_rate_grad",
        Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<3>>(
            {0, 0, 0}, {long(z.extent(0)), long(z.extent(1)), long(z.extent(2))}),
        KOKKOS_LAMBDA(long b, long o, long q) {
          const Real x = z(b, o, q);
          gz(b, o, q) = softplus_link           ? go(b, o, q) * rate * softplus_grad(x)
                        : (x > -cap && x < cap) ? go(b, o, q) * rho(b, o, q) * span(b)
                                                : Real(0);
        });
  }
  Tensor3<Real> g = proj1_.backward(p, proj_act_.backward(p, proj2_.backward(p, grad_z_)));
  ensure(grad_embedding_, "fieldgen::nn::ufno_grad_embedding", embedding_.extent(0),
         embedding_.extent(1), 1);
  Kokkos::deep_copy(grad_embedding_, Real(0));
  const int levels = config_.levels;
  std::vector<Tensor3<Real>> skip_grad(static_cast<size_t>(levels));
  for (int l = 0; l < levels; ++l) {
    const auto parts = concat_[l]->backward(up_[l]->backward(p, g, grad_embedding_));
    skip_grad[l] = parts.second;
    g = upsample_[l]->backward(p, parts.first);
  }
  g = bottom_->backward(p, g, grad_embedding_);
  for (int l = levels - 1; l >= 0; --l) {
    const Tensor3<Real> pooled = pool_[l]->backward(p, g);
    ensure(grad_skip_[l], "fieldgen::nn::ufno_grad_skip", pooled.extent(0), pooled.extent(1),
           pooled.extent(2));
    add(pooled, skip_grad[l], Tensor3<Real>(), grad_skip_[l]);
    g = down_[l]->backward(p, grad_skip_[l], grad_embedding_);
  }
  const Tensor3<Real> gin = lift_.backward(p, g);
  embedding_grads(p, gin);

  const long nb = long(gin.extent(0)), np = long(gin.extent(2)), nc = config_.channels;
  ensure(grad_counts_, "fieldgen::nn::ufno_grad_counts", nb, nc, np);
  const Tensor3<Real> gc = grad_counts_;
  const Real inv_scale = Real(1.0 / config_.count_scale);
  Kokkos::parallel_for(
      "fieldgen::nn::ufno_grad_counts",
      Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<3>>({0, 0, 0}, {nb, nc, np}),
      KOKKOS_LAMBDA(long b, long c, long q) { gc(b, c, q) = gin(b, c, q) * inv_scale; });
  return grad_counts_;
}

template <class Real>
void UFno<Real>::embedding_grads(const Parameters<Real>& p, const Tensor3<Real>& gin) {
  // e is broadcast over the sites of the lifting input: its gradient adds the sums over this
  // block's sites to what the blocks' E e terms left in grad_embedding_.
  const long nb = long(gin.extent(0)), ne = config_.time_channels;
  const Tensor3<Real> gm = grad_embedding_;
  add_site_sums(gin, config_.channels, gm);

  ensure(grad_time_, "fieldgen::nn::ufno_grad_time", nb, ne);
  const Tensor2<Real> ge = grad_time_;
  Kokkos::parallel_for(
      "fieldgen::nn::ufno_time_grad",
      Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<2>>({0, 0}, {nb, ne}),
      KOKKOS_LAMBDA(long b, long c) { ge(b, c) = gm(b, c, 0); });
  time_->backward(p, grad_time_);

  if (class_block_ >= 0) {
    // One work item per embedding channel, batch items in order: no atomics, reproducible.
    const long nk = config_.class_channels;
    const Vector<Real> gt = p.grad(class_block_);
    const auto labels = labels_;
    Kokkos::parallel_for(
        "fieldgen::nn::ufno_class_grad", Kokkos::RangePolicy<ExecSpace>(0, nk),
        KOKKOS_LAMBDA(long c) {
          for (long b = 0; b < nb; ++b)
            gt(labels(b) * nk + c) += gm(b, ne + c, 0);
        });
  }
}

template class UFno<float>;
template class UFno<double>;

} // namespace fieldgen::nn
