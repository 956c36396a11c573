// UFno: the U-shaped Fourier neural operator with local 3x3 convolutions that serves as the rate
// network of discrete spatial diffusion (DESIGN.md "Neural operators", "Discrete spatial
// diffusion"), in 1-D or 2-D:
//   input per site: the counts n(c, y) / count_scale (C channels), the TimeEmbedding of
//     time_scale * t and, with classes > 0, a learned class embedding (table of classes + 1
//     rows, the last one "unconditional"), both broadcast to every site; no coordinates, so the
//     network is translation-equivariant and runs on lattices of any size;
//   lift: pointwise linear -> width channels;
//   down path, level l = 0 .. levels-1: block_l, then 2x average pooling;
//   bottom: block at level `levels`;
//   up path, level l = levels-1 .. 0: 2x upsampling, concatenation with block_l's output (skip),
//     block;
//   projection: pointwise linear -> projection, GELU, pointwise linear -> C * 2d;
//   output: per-unit rates rho > 0 from the projection output z by the rate link (below)
//     ([batch][C * 2d][points], channel-major:
//     row c * 2d + v is channel c, direction v = dsd::direction(axis, sign), i.e. the memory
//     layout of dsd::RateView [batch][C][2d][points]).
// A block maps c_in -> c_out channels as GELU(SpectralConv(h) + Conv3x3(h) + W h [+ E e]) (W
// pointwise, no bias: the convolution has one): the FNO layer (Li et al. 2021) plus a local
// stencil, as in U-FNO (Wen et al. 2022) and U-NO. With block_embedding, e = [time embedding,
// class embedding] of the item and E e (E [c_out][time_channels + class_channels]) is a learned
// per-channel bias of every block, as each residual block of the DDPM U-Net adds a projection of
// the time embedding (Ho et al. 2020): the condition reaches the coarse levels, where the shape
// of a garment is decided, directly instead of only through the lifting input. Level l has width *
// width_mult^l channels and keeps max(1, modes_a / 2^l) Fourier modes per axis (halving with the
// grid, so the parameter layout depends on the configuration only, never on the lattice). modes = 0
// drops the spectral part: a local-only U-Net whose receptive field is fixed in lattice sites, the
// model to train on small patches and sample on a larger domain (Fourier modes count periods per
// box, so a spectral filter learnt on a 64-site box would act on 16x longer waves on a 1024-site
// box).
//
// Rate links. The targets R / n are r times kernel ratios K_t(x0 -> y + v) / K_t(x0 -> y) averaged
// over the units at y. For r t >> 1 the kernel is Gaussian with variance 2 r t and a typical log
// ratio is ~ (2 r t)^{-1/2}; as t -> 0 the ratios span (r t)^{-1} (a unit one hop from its
// origin going back) to r t (a unit at its origin leaving), log ratios +-log(1/(r t)).
//   softplus:  rho = r softplus(z): rates in units of r; the network must output z ~ 1/(r t)
//              for the returning units at small t.
//   log_ratio: rho = r exp(L(t) clamp(z, -4, 4)) with L(t) = log(1 + (r t)^{-1/2}) ~ the typical
//              log ratio at large t and half the extreme one at small t: the log link of a
//              Poisson model scaled so that z is O(1) (about +-2 at small t) over the whole
//              schedule; the Poisson loss then has gradient (n rho - R) L with respect to z. The
//              cap keeps a badly trained network's rates within r (1 + (r t)^{-1/2})^{+-4}.
// The time features use time_scale * t (t in [0, 1]; 1000 as continuous-time DDPM models use) so
// that the sinusoid frequencies of TimeEmbedding (max_period 10^4) resolve the whole schedule.
//
// Domain decomposition: built on a Decomposition (level 0) whose local block sides are all
// divisible by 2^levels; the constructor makes a Decomposition of each coarser grid with the same
// ranks per axis (so every rank's coarse block is exactly its pooled fine block) and passes them
// to the Conv3x3 (halo exchange) and SpectralConv (mode allreduce) of each level. Parameter
// gradients are then this rank's share (complete them with DataParallel::sum_gradients over the
// ranks of the split); outputs and input gradients are complete. Construction is collective.
#pragma once

#include "fieldgen/mesh/decomposition.hpp"
#include "fieldgen/nn/activation.hpp"
#include "fieldgen/nn/concat.hpp"
#include "fieldgen/nn/conv3x3.hpp"
#include "fieldgen/nn/linear.hpp"
#include "fieldgen/nn/pool.hpp"
#include "fieldgen/nn/spectral_conv.hpp"
#include "fieldgen/nn/time_embedding.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace fieldgen::nn {

enum class RateLink { Softplus, LogRatio };

// |z| bound of the log-ratio link.
constexpr double log_ratio_cap = 4.0;

struct UFnoConfig {
  long channels = 1;             // count channels C
  long width = 32;               // channels of level 0
  long width_mult = 2;           // level l has width * width_mult^l channels
  int levels = 2;                // 2x poolings (local block sides divisible by 2^levels)
  std::vector<long> modes{8, 8}; // Fourier modes per axis at level 0 (0: no spectral part); its
                                 // length is the dimension
  long projection = 64;          // hidden channels of the projection
  double count_scale = 1;        // input counts are divided by this (e.g. the data's max count)
  double rate = 1;               // the forward hop rate r (scale of the output rates)
  RateLink link = RateLink::Softplus; // output link (see above)
  double time_scale = 1000;           // the time embedding sees time_scale * t
  long time_dim = 32;                 // sinusoidal features of the time embedding,
  long time_hidden = 64;              //   its MLP hidden channels,
  long time_channels = 8;             //   channels broadcast into the lifting input
  long classes = 0;                   // class labels 0 .. classes-1 (0 = no class input)
  long class_channels = 8;            // class-embedding channels broadcast into the lifting input
  bool block_embedding = false;       // also add E e (embeddings) in every block (see above)
};

// Rows of the class table: one per class and a last one for "no class" (classifier-free
// dropout / unconditional sampling).
inline long unconditional_label(const UFnoConfig& c) {
  return c.classes;
}

template <class Real> class UFno {
public:
  // Collective over dec.comm(); dec must outlive the model.
  UFno(const UFnoConfig& config, const Decomposition& dec, std::string name = "ufno");
  ~UFno();

  void reserve(Parameters<Real>& p);
  void init(const Parameters<Real>& p, const CounterRng& rng);

  // counts [batch][C][local points] (as Real), t [batch] (diffusion time), labels [batch] in
  // [0, classes] (classes = unconditional; ignored without classes; may be empty then)
  // -> rho [batch][C * 2d][local points]. Inputs must stay unchanged until backward. Collective.
  Tensor3<Real> forward(const Parameters<Real>& p, const Tensor3<Real>& counts,
                        const Vector<Real>& t, const Kokkos::View<std::int32_t*, MemSpace>& labels);
  // grad_out [batch][C * 2d][points] -> d loss / d counts; adds the parameter gradients.
  // Collective.
  Tensor3<Real> backward(const Parameters<Real>& p, const Tensor3<Real>& grad_out);

  const UFnoConfig& config() const { return config_; }
  int dim() const { return int(config_.modes.size()); }
  long directions() const { return 2 * dim(); }
  long outputs() const { return config_.channels * directions(); }
  long input_channels() const;
  long level_width(int level) const;
  std::vector<long> level_modes(int level) const;

private:
  struct Block;
  long embedding_channels() const; // time_channels + class_channels (with classes)
  void embedding_grads(const Parameters<Real>& p, const Tensor3<Real>& gin);

  UFnoConfig config_;
  std::string name_;
  long points_ = 0;                                    // local points at level 0
  std::vector<std::unique_ptr<Decomposition>> coarse_; // levels 1 .. levels
  std::unique_ptr<TimeEmbedding<Real>> time_;
  int class_block_ = -1;
  PointwiseLinear<Real> lift_, proj1_, proj2_;
  Activation<Real> proj_act_;
  std::vector<std::unique_ptr<Block>> down_, up_; // per level 0 .. levels-1
  std::unique_ptr<Block> bottom_;
  std::vector<std::unique_ptr<AvgPool2<Real>>> pool_;      // level l -> l + 1
  std::vector<std::unique_ptr<Upsample2<Real>>> upsample_; // level l + 1 -> l
  std::vector<std::unique_ptr<Concat<Real>>> concat_;
  Tensor3<Real> input_, z_, out_, grad_z_, grad_counts_; // z_: projection output
  Tensor3<Real> embedding_, grad_embedding_;             // e per item: [batch][channels][1]
  std::vector<Tensor3<Real>> grad_skip_;                 // per level: pooled-path + skip gradients
  Vector<Real> scaled_t_, log_span_; // time_scale * t; L(t_b) of the log-ratio link
  Tensor2<Real> grad_time_;
  Kokkos::View<std::int32_t*, MemSpace> labels_;
};

extern template class UFno<float>;
extern template class UFno<double>;

} // namespace fieldgen::nn
