// Shared keys and builders of the DSD commands (dsd_setup.hpp).
#include "dsd_setup.hpp"
#include "train_common.hpp"

#include "fieldgen/nn/checkpoint.hpp"

namespace fieldgen::app {
namespace {
const long max_int = 1L << 62; // exact in the double that Config keeps ranges in
}

Config dsd_config(const std::string& command, const std::string& summary) {
  Config c(command, summary);
  c.add_string("data.path", "data.h5", "training field file of counts (fieldgen data)")
      .add_bool("data.shuffle", true, "reshuffle the training set every epoch")
      .add_int("model.channels", 1, "count channels C (must match the data)", 1, 64)
      .add_int("model.width", 32, "channels of the finest U-FNO level", 1, 4096)
      .add_int("model.width_mult", 2, "channel factor per coarser level", 1, 8)
      .add_int("model.levels", 2, "2x poolings (lattice block sides divisible by 2^levels)", 0, 8)
      .add_int(
          "model.modes", 8,
          "Fourier modes per axis at the finest level (halved per level; 0 = local-only U-Net)", 0,
          4096)
      .add_int("model.projection", 64, "hidden channels of the projection", 1, 8192)
      .add_real("model.count_scale", 1.0,
                "input counts are divided by this (e.g. the data's largest count)", 1e-12, 1e12)
      .add_choice("model.rate_link", "softplus",
                  "output link of the per-unit rates: softplus (r softplus(z)) or log_ratio "
                  "(r exp(L(t) z), L(t) = log(1 + (r t)^-1/2); see nn/ufno.hpp)",
                  {"softplus", "log_ratio"})
      .add_real("model.time_scale", 1000.0, "the time embedding sees time_scale * t", 1e-12, 1e12)
      .add_int("model.time_channels", 8, "time-embedding channels fed to the lifting", 1, 1024)
      .add_int("model.time_hidden", 64, "hidden channels of the time-embedding MLP", 1, 4096)
      .add_int("model.classes", 0, "class labels 0..classes-1 (0 = unconditional model)", 0,
               1L << 20)
      .add_int("model.class_channels", 8, "class-embedding channels fed to the lifting", 1, 1024)
      .add_bool("model.block_embedding", false,
                "also add a learned projection of the time and class embeddings to every "
                "U-FNO block (as the DDPM U-Net's residual blocks do)")
      .add_real("process.rate", 1.0, "forward hop rate r per direction (per unit time)", 1e-12,
                1e12)
      .add_choice("process.schedule", "logit",
                  "time grid: logit (paper eq. 2, t_T = 1) or power (t_k = (k/T)^p)",
                  {"logit", "power"})
      .add_int("process.steps", 1000, "time indices T", 2, 1000000)
      .add_real("process.tau1", 7.5, "logit schedule tau1", 1e-6, 1e6)
      .add_real("process.tau2", 2.5, "logit schedule tau2", 1e-6, 1e6)
      .add_real("process.power", 2.0, "power schedule exponent p", 1e-6, 1e6)
      .add_choice("train.precision", "float", "floating-point type of the network",
                  {"float", "double"})
      .add_choice("train.loss", "poisson",
                  "poisson (Poisson-process likelihood, the paper) or l1 (rate matching)",
                  {"poisson", "l1"})
      .add_real("train.class_dropout", 0.1,
                "probability of training an item as unconditional (class models)", 0.0, 1.0)
      .add_real("train.time_importance", 0.0,
                "lambda of the time-index draw k ~ (1 - lambda)/T + lambda dt_k/t_T, loss weight "
                "dt_k/(T p_k) (0: the paper's uniform k)",
                0.0, 1.0)
      .add_int("train.epochs", 20, "epochs (used when train.steps = 0)", 1, max_int)
      .add_int("train.steps", 0, "optimizer steps; 0 = epochs x batches per epoch", 0, max_int)
      .add_int("train.batch", 32, "global batch size (a multiple of the rank count)", 1, 1L << 30)
      .add_int("train.seed", 1, "seed of initial weights, time indices, forward draws, shuffle", 0,
               max_int)
      .add_real("train.clip", 0.0, "gradient-norm clipping threshold (0 = off)", 0.0, 1e300)
      .add_real("train.ema_decay", 0.999, "EMA decay of the weights used for sampling", 0.0, 1.0)
      .add_int("train.log_every", 50, "progress line every so many steps (0 = never)", 0, max_int)
      .add_string("train.checkpoint", "dsd_checkpoint.h5", "checkpoint file (written atomically)")
      .add_int("train.checkpoint_every", 0, "also checkpoint every so many steps (0 = end only)", 0,
               max_int)
      .add_string("train.resume", "", "checkpoint to resume from (\"\" = start afresh)");
  c.add_string("sample.checkpoint", "", "checkpoint to sample from (\"\" = train.checkpoint)")
      .add_bool("sample.ema", true, "use the EMA weights (else the raw weights)")
      .add_string("sample.output", "dsd_samples.h5", "output field file (written atomically)")
      .add_string("sample.terminal_output", "",
                  "also write the terminal-time configurations the runs start from (empty: no)")
      .add_int("sample.count", 16, "samples to generate", 1, 1L << 30)
      .add_choice("sample.split", "samples",
                  "work split over the ranks: samples (each rank runs whole samples of its "
                  "block; many small fields) or lattice (every sample decomposed over all "
                  "ranks; large fields); the same fields either way",
                  {"samples", "lattice"})
      .add_int("sample.batch", 4, "samples advanced together per rank (memory: batch x lattice)", 1,
               1L << 20)
      .add_string("sample.shape", "", "lattice sides n1xn2(xn3) (empty: the data's lattice)")
      .add_choice("sample.init", "uniform",
                  "terminal configuration: uniform (units i.i.d. uniform over the free sites) or "
                  "data (sample g's data field diffused to t_T; its own mass). Sample g's "
                  "data field: field g mod N, or for a class-conditional sample of labelled "
                  "data the (g div classes)-th field of its class (label = cycle)",
                  {"uniform", "data"})
      .add_string("sample.mass", "",
                  "units per channel in the free region, comma separated (one value: all "
                  "channels); empty: the mass of sample g's data field (see sample.init) scaled to "
                  "the lattice area")
      .add_real("sample.mass_factor", 1.0,
                "multiplies the data-derived mass (e.g. 1.15: 15% more ink)", 0.0, 1e6)
      .add_string("sample.label", "none",
                  "class condition: none, cycle (sample g gets class g mod classes) or a class")
      .add_string("sample.mask", "",
                  "inpainting mask: field file with one field on the data's lattice, nonzero = "
                  "frozen (empty: no inpainting)")
      .add_int("sample.known", 0, "data field whose counts fill the frozen sites", 0, max_int)
      .add_real("sample.tolerance", 0.15,
                "CFL tolerance eps: tau <= eps / largest site rate (reference code: 0.15)", 1e-6,
                1.0)
      .add_bool("sample.final_step", true,
                "after the CFL steps reach t_1, one leap from t_1 to 0 with the rates at t_1, "
                "sending home the units still one hop off (false: stop at t_1 as the reference "
                "code does)")
      .add_int("sample.corrector_steps", 0,
               "corrector leaps (rates r + rho, stationary law q_t; Campbell et al. 2022) after "
               "each CFL step that lands at t <= sample.corrector_below (0 = none)",
               0, 1000000)
      .add_real("sample.corrector_below", 1.0, "largest time at which corrector leaps are taken",
                0.0, 1e300)
      .add_real("sample.guidance", 0.0,
                "classifier-free guidance weight w: rates rho_class^(1+w) rho_uncond^(-w) "
                "(2 network passes per step; 0 = off; needs class labels and label dropout)",
                -1.0, 100.0)
      .add_real("sample.guidance_from", 0.0,
                "guidance interval: guide only while the clock t >= this (below it the class "
                "rates alone and one network pass; Kynkaanniemi et al. 2024)",
                0.0, 1e300)
      .add_int("sample.max_steps", 1000000, "error if a batch needs more tau-leap steps", 1,
               max_int)
      .add_int("sample.log_every", 0, "progress line every so many tau-leap steps (0 = never)", 0,
               max_int)
      .add_int("sample.seed", 1, "seed of the initial scatter and the tau-leap draws", 0, max_int);
  return add_lr_keys(c);
}

nn::UFnoConfig ufno_config(const Config& cfg, int dim) {
  nn::UFnoConfig m;
  m.channels = cfg.get_int("model.channels");
  m.width = cfg.get_int("model.width");
  m.width_mult = cfg.get_int("model.width_mult");
  m.levels = int(cfg.get_int("model.levels"));
  m.modes.assign(size_t(dim), cfg.get_int("model.modes"));
  m.projection = cfg.get_int("model.projection");
  m.count_scale = cfg.get_real("model.count_scale");
  m.rate = forward_rate(cfg);
  m.link = cfg.get_string("model.rate_link") == "log_ratio" ? nn::RateLink::LogRatio
                                                            : nn::RateLink::Softplus;
  m.time_scale = cfg.get_real("model.time_scale");
  m.time_channels = cfg.get_int("model.time_channels");
  m.time_hidden = cfg.get_int("model.time_hidden");
  m.classes = cfg.get_int("model.classes");
  m.class_channels = cfg.get_int("model.class_channels");
  m.block_embedding = cfg.get_bool("model.block_embedding");
  return m;
}

std::string sample_checkpoint(const Config& cfg) {
  const std::string& path = cfg.get_string("sample.checkpoint");
  return path.empty() ? cfg.get_string("train.checkpoint") : path;
}

dsd::TimeGrid make_time_grid(const Config& cfg) {
  const int steps = int(cfg.get_int("process.steps"));
  return cfg.get_string("process.schedule") == "logit"
             ? dsd::TimeGrid::logit(steps, cfg.get_real("process.tau1"),
                                    cfg.get_real("process.tau2"))
             : dsd::TimeGrid::power(steps, cfg.get_real("process.power"));
}

template <class Real> RateModel<Real> make_rate_model(const Config& cfg, const Decomposition& dec) {
  if (dec.dim() == 3 && cfg.get_int("model.modes") > 0)
    throw ConfigError(cat(
        "model.modes = ", cfg.get_int("model.modes"), " on the 3-D lattice ", dec.grid().describe(),
        ": the spectral layer is 1-D/2-D; use model.modes = 0 (local-only U-Net)"));
  RateModel<Real> m;
  m.net = std::make_unique<nn::UFno<Real>>(ufno_config(cfg, dec.dim()), dec);
  m.net->reserve(m.params);
  m.params.allocate();
  return m;
}

template <class Real>
RateModel<Real> load_rate_model(const Config& cfg, const Decomposition& dec,
                                const std::string& path, bool ema, const Comm& comm) {
  RateModel<Real> m = make_rate_model<Real>(cfg, dec);
  check_trained_with(cfg, nn::read_checkpoint_weights(path, m.params, ema, comm), path,
                     {"model", "process"}, {"train.precision"});
  return m;
}

template RateModel<float> make_rate_model<float>(const Config&, const Decomposition&);
template RateModel<double> make_rate_model<double>(const Config&, const Decomposition&);
template RateModel<float> load_rate_model<float>(const Config&, const Decomposition&,
                                                 const std::string&, bool, const Comm&);
template RateModel<double> load_rate_model<double>(const Config&, const Decomposition&,
                                                   const std::string&, bool, const Comm&);

} // namespace fieldgen::app
