// Sampler: ancestral DDPM sampling of FuncDiff (DESIGN.md "Function-space diffusion"; reference
// FNODiffusionModel.sample / sample_conditional) on any discretisation the denoiser accepts (FNO:
// a grid; GNO: any point set): the measure passed in is the noise measure on the sampling points
// (rebuilt for them; the model is discretisation-free).
//   u_T ~ N(0, C);  for t = T..1:
//     u_{t-1} = (u_t - b_t / sqrt(1 - g_t) xi_theta(u_t, t)) / sqrt(1 - b_t) + sqrt(bt_t) z,
//     z ~ N(0, C), z = 0 at t = 1 (bt_1 = 0 anyway; the reference draws it and multiplies by 0).
// Conditioning (observations.hpp): every state u_s with s >= n_free (s = T..0) is overwritten
// at the observed points by the forward-noised observation sqrt(g_s) y + sqrt(1 - g_s) xi_obs.
// The reference overwrites the state after step t with the noise level of t; fieldgen uses the
// level s = t - 1 of that state, so with n_free = 0 (hard) u_0 = y exactly at the observed
// points (g_0 = 1); n_free > 0 (soft) lets the last n_free steps move them.
// xi_obs is the value at the observed points of a whole field drawn from the measure (purpose
// "sample.obs", step s): its law there is exactly the marginal of N(0, C) at those points, with
// no separate Gram matrix, for every family and grid.
// Random numbers: purposes "sample.init" (u_T, step 0), "sample.noise" (z, step t) and
// "sample.obs", keyed by the global sample index (measure.hpp), so a sample does not depend on
// which rank computes it. Antithetic pairs (optional): sample 2p + 1 takes the negated draws of
// sample 2p (u_T, every z and xi_obs), a standard Monte Carlo variance reduction: each sample is
// still an exact draw of the model, but for a law symmetric under u -> -u (e.g. MoGP's two
// mirrored branches) and a near-odd denoiser the pairs land on opposite branches, so the branch
// fractions of N samples no longer carry the binomial noise sqrt(p (1 - p) / N). Batches are whole
// global chunks (sample_range) so that the model sees the same batches, and gives bitwise the same
// output, on any number of ranks.
#pragma once

#include "fieldgen/data/sharding.hpp"
#include "fieldgen/funcdiff/observations.hpp"
#include "fieldgen/funcdiff/schedule.hpp"
#include "fieldgen/gaussian/measure.hpp"
#include "fieldgen/nn/denoiser.hpp"

#include <cstdint>

namespace fieldgen::funcdiff {

// This rank's samples when `total` samples are split over `size` ranks in whole chunks of
// `chunk` samples (block_range over the chunks; the last chunk may be short).
data::Range sample_range(long total, long chunk, int rank, int size);

template <class Real> class Sampler {
public:
  // params must hold the weights to sample with (the EMA weights). Objects must outlive it.
  Sampler(nn::Denoiser<Real>& model, const nn::Parameters<Real>& params,
          const gaussian::GaussianMeasure<Real>& measure, const Schedule& schedule,
          std::uint64_t seed, bool antithetic = false);

  // Generates the samples with global indices [first, first + count) in one batch into
  // out[count][measure points] (host memory). Local: no communication for per-rank measures.
  // Antithetic: first and count must be even (whole pairs).
  void generate(std::uint64_t first, long count, Real* out, const Observations* obs = nullptr,
                long n_free = 0);

  // generate() over this rank's sample_range(total, chunk, ...) in chunks; out holds its
  // range.count samples.
  data::Range generate_sharded(long total, long chunk, const Comm& comm, std::vector<Real>& out,
                               const Observations* obs = nullptr, long n_free = 0);

private:
  // measure_.sample into out, then the antithetic negation of every odd sample's draws.
  void draw(const Tensor3<Real>& out, const CounterRng& rng, std::uint32_t step,
            std::uint64_t first) const;
  void condition(const Tensor3<Real>& u, long s, std::uint64_t first, const Observations& obs,
                 const Tensor3<Real>& work);

  nn::Denoiser<Real>& model_;
  const nn::Parameters<Real>& params_;
  const gaussian::GaussianMeasure<Real>& measure_;
  const Schedule& schedule_;
  CounterRng init_rng_, noise_rng_, obs_rng_;
  bool antithetic_;
};

} // namespace fieldgen::funcdiff
