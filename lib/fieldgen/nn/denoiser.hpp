// Denoiser: the interface of a FuncDiff noise predictor xi_theta(u_t, t) as the Trainer and
// Sampler (funcdiff/) use it, implemented by the Fourier neural operator (fno.hpp, regular grids)
// and the graph neural operator (gno.hpp, any point set). The discretisation the model runs on
// (FNO grid block, GNO point set) is set on the concrete model before forward; the trainer and
// sampler only see batches of fields on those points.
#pragma once

#include "fieldgen/core/rng.hpp"
#include "fieldgen/nn/parameters.hpp"
#include "fieldgen/nn/tensor.hpp"

namespace fieldgen::nn {

template <class Real> class Denoiser {
public:
  virtual ~Denoiser() = default;
  // Reserves the model's parameter blocks; called once before Parameters::allocate().
  virtual void reserve(Parameters<Real>& p) = 0;
  // Initial parameter values after allocate(); deterministic in rng (rank-independent).
  virtual void init(const Parameters<Real>& p, const CounterRng& rng) = 0;
  // u [batch][1][points], t [batch] (diffusion step, 1..T) -> predicted noise [batch][1][points].
  // u and t must stay unchanged until backward; the returned view may be a reused buffer.
  virtual Tensor3<Real> forward(const Parameters<Real>& p, const Tensor3<Real>& u,
                                const Vector<Real>& t) = 0;
  // Returns d loss / d u and adds the parameter gradients into p.grads().
  virtual Tensor3<Real> backward(const Parameters<Real>& p, const Tensor3<Real>& grad_out) = 0;
};

} // namespace fieldgen::nn
