// Fno: the Fourier neural operator denoiser of Kerrigan et al. (AISTATS 2023, reference code
// models/fourier_neural_operator.py, after Li et al.'s fourier_1d.py / fourier_2d.py), in 1-D
// or 2-D, on any grid resolution:
//   input channels per point: u(x), the grid coordinates x (and y), each linspace(0, 1, n) over
//   the global grid as the reference's get_grid, and time: either one channel t / max_t (the
//   reference) or the TimeEmbedding of t broadcast to every point;
//   lift: pointwise linear (with bias) -> width;
//   depth Fourier layers h <- SpectralConv(h) + PointwiseLinear(h), GELU after each but the last;
//   projection: pointwise linear width -> projection, GELU, pointwise linear projection -> 1.
// No domain padding (the reference comments it out). On a field split over ranks (set_block with
// a block of a Decomposition and the same communicator given to the constructor) every rank
// passes its own points; parameter gradients are then this rank's share (see SpectralConv).
#pragma once

#include "fieldgen/nn/activation.hpp"
#include "fieldgen/nn/denoiser.hpp"
#include "fieldgen/nn/linear.hpp"
#include "fieldgen/nn/spectral_conv.hpp"
#include "fieldgen/nn/time_embedding.hpp"

#include <memory>
#include <string>
#include <vector>

namespace fieldgen::nn {

enum class TimeInput { Channel, Embedding };

struct FnoConfig {
  std::vector<long> modes{16}; // {K} (1-D) or {K1, K2} (2-D); its length is the dimension
  long width = 64;
  int depth = 4;         // Fourier layers
  long projection = 128; // hidden channels of the projection
  TimeInput time = TimeInput::Channel;
  double max_t = 1000;    // Channel: the time channel is t / max_t
  long time_dim = 32;     // Embedding: sinusoidal features,
  long time_hidden = 128; //   MLP hidden channels,
  long time_channels = 8; //   channels appended to the lifting input
};

template <class Real> class Fno final : public Denoiser<Real> {
public:
  Fno(const FnoConfig& config, std::string name = "fno", MPI_Comm comm = MPI_COMM_SELF);

  void reserve(Parameters<Real>& p) override;
  void init(const Parameters<Real>& p, const CounterRng& rng) override;
  // This rank's block of the grid: needed in 2-D and on a split field; a 1-D model without a
  // block takes each input as a whole field of extent(2) points.
  void set_block(const FieldBlock& block);

  // u [batch][1][block points], t [batch] -> [batch][1][block points]. u and t must stay
  // unchanged until backward.
  Tensor3<Real> forward(const Parameters<Real>& p, const Tensor3<Real>& u,
                        const Vector<Real>& t) override;
  // Returns d loss / d u and adds the parameter gradients.
  Tensor3<Real> backward(const Parameters<Real>& p, const Tensor3<Real>& grad_out) override;

  const FnoConfig& config() const { return config_; }
  int dim() const { return int(config_.modes.size()); }
  long input_channels() const;

private:
  FieldBlock block_for(long points) const;

  FnoConfig config_;
  std::string name_;
  bool has_block_ = false;
  FieldBlock block_;
  std::unique_ptr<TimeEmbedding<Real>> time_;
  PointwiseLinear<Real> lift_, proj1_, proj2_;
  Activation<Real> proj_act_;
  std::vector<std::unique_ptr<SpectralConv<Real>>> spectral_;
  std::vector<std::unique_ptr<PointwiseLinear<Real>>> pointwise_;
  std::vector<std::unique_ptr<Activation<Real>>> act_; // depth - 1
  Tensor3<Real> input_, grad_u_;
  Tensor2<Real> grad_time_;
};

} // namespace fieldgen::nn
