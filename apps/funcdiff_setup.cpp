// Shared keys and builders of the FuncDiff commands (funcdiff_setup.hpp).
#include "funcdiff_setup.hpp"
#include "train_common.hpp"

#include "fieldgen/gaussian/kernel_measure.hpp"
#include "fieldgen/gaussian/spde_measure.hpp"
#include "fieldgen/gaussian/white_noise.hpp"

namespace fieldgen::app {
namespace {
const long max_int = 1L << 62; // exact in the double that Config keeps ranges in
}

Config funcdiff_config(const std::string& command, const std::string& summary) {
  Config c(command, summary);
  c.add_string("data.path", "data.h5",
               "training field file (fieldgen data): 1-D curves or 2-D fields, one channel (train)")
      .add_bool("data.shuffle", true, "reshuffle the training set every epoch (train)")
      .add_choice("model.kind", "fno",
                  "denoiser: fno (Fourier neural operator, regular grids) or gno (graph neural "
                  "operator, any point set)",
                  {"fno", "gno"})
      .add_int("model.width", 64, "FNO channels of the Fourier layers", 1, 4096)
      .add_int("model.dim", 0,
               "dimension of the fields: 1 (curves) or 2 (images); 0 = that of the data file "
               "(train) or of the checkpoint (sample)",
               0, 2)
      .add_int("model.modes", 16, "Fourier modes kept per layer and axis", 1, 4096)
      .add_int("model.depth", 4, "Fourier layers", 1, 64)
      .add_int("model.projection", 128, "hidden channels of the projection", 1, 8192)
      .add_choice("model.time", "channel",
                  "how t enters: channel (t / T as an input channel, the reference) or embedding "
                  "(sinusoidal + MLP)",
                  {"channel", "embedding"})
      .add_int("model.gno_width", 32, "GNO hidden channels d_v", 1, 4096)
      .add_int("model.gno_kernel_width", 64, "GNO hidden units of the kernel MLP", 1, 4096)
      .add_int("model.gno_depth", 4, "GNO applications of the shared kernel layer", 1, 64)
      .add_real("model.gno_radius", 0.5,
                "GNO graph radius: pairs |x_i - x_j| <= radius are edges (reference 0.5)", 1e-12,
                1e12)
      .add_choice("measure.family", "kernel",
                  "noise measure N(0, C): white (identity), kernel (Gram matrix + Cholesky), spde "
                  "(Whittle-Matern on a PETSc grid)",
                  {"white", "kernel", "spde"})
      .add_choice("measure.kernel", "exponential", "kernel of the kernel family",
                  {"exponential", "matern32", "matern52", "rbf"})
      .add_real("measure.length_scale", 0.1, "length scale of the kernel / SPDE covariance", 1e-12,
                1e12)
      .add_real("measure.variance", 1.0, "pointwise variance of the noise", 1e-12, 1e12)
      .add_real("measure.jitter", 1e-10, "added to the Gram diagonal (kernel)", 0.0, 1.0)
      .add_choice("measure.sobolev", "l2",
                  "loss space: l2 (Cameron-Martin norm) or h1 (the paper's Sobolev case)",
                  {"l2", "h1"})
      .add_choice("measure.boundary", "auto",
                  "boundary of the fields on every axis, used by the spde noise and the sampling "
                  "grid: reflecting, periodic, or auto = that of the data file (train) / of the "
                  "checkpoint (sample)",
                  {"auto", "reflecting", "periodic"})
      .add_int("measure.spde_order", 2, "SPDE exponent a (spde; a > d/2)", 1, 8)
      .add_choice("schedule.kind", "linear", "variance schedule: linear or cosine",
                  {"linear", "cosine"})
      .add_int("schedule.steps", 1000, "diffusion steps T", 1, 100000)
      .add_real("schedule.beta_min", 1e-4, "b_1 of the linear schedule", 1e-12, 0.999)
      .add_real("schedule.beta_max", 0.02, "b_T of the linear schedule", 1e-12, 0.999)
      .add_choice("train.precision", "float", "floating-point type of model and data",
                  {"float", "double"})
      .add_int("train.epochs", 20, "epochs (used when train.steps = 0)", 1, max_int)
      .add_int("train.steps", 0, "optimizer steps; 0 = epochs x batches per epoch", 0, max_int)
      .add_int("train.batch", 64, "global batch size (a multiple of the rank count)", 1, 1L << 30)
      .add_int("train.seed", 1, "seed of initial weights, times, noise and shuffle", 0, max_int)
      .add_real("train.clip", 0.0, "gradient-norm clipping threshold (0 = off)", 0.0, 1e300)
      .add_bool("train.elbo", false, "weight the loss by the ELBO weight (reference: off)")
      .add_real("train.ema_decay", 0.999, "EMA decay of the weights used for sampling", 0.0, 1.0)
      .add_int("train.log_every", 100, "progress line every so many steps (0 = never)", 0, max_int)
      .add_string("train.checkpoint", "checkpoint.h5", "checkpoint file (written atomically)")
      .add_int("train.checkpoint_every", 0, "also checkpoint every so many steps (0 = end only)", 0,
               max_int)
      .add_string("train.resume", "", "checkpoint to resume from (\"\" = start afresh)")
      .add_string("sample.checkpoint", "", "checkpoint to sample from (\"\" = train.checkpoint)")
      .add_choice("sample.weights", "ema", "weights to sample with", {"ema", "raw"})
      .add_int("sample.count", 500, "number of curves to generate", 1, max_int)
      .add_int("sample.points", 64,
               "grid points per axis on [0, 1] of the generated fields (2-D: points x points; "
               "any resolution, e.g. 2x the training grid)",
               2, 1L << 20)
      .add_int("sample.batch", 100,
               "curves per model evaluation (fixed chunks of the sample "
               "indices, so output does not depend on the rank count)",
               1, 1L << 30)
      .add_int("sample.seed", 2, "seed of the sampling noise", 0, max_int)
      .add_bool("sample.antithetic", false,
                "antithetic pairs: sample 2p + 1 uses the negated noise of sample 2p (variance "
                "reduction; needs even sample.count and sample.batch)")
      .add_string("sample.output", "samples.h5", "output field file (written atomically)")
      .add_string("sample.points_from", "",
                  "sample on the point set (/coords) of this field file instead of the grid of "
                  "sample.points (model.kind = gno; \"\" = grid)")
      .add_string("sample.observations", "",
                  "conditioning points: CSV with header x,y or HDF5 with /x, /y (\"\" = none)")
      .add_int("sample.n_free", 0,
               "conditioning: the last n_free steps leave the observed points free (0 = hard)", 0,
               100000);
  return add_lr_keys(c);
}

void resolve_fields(Config& cfg, const Fields& fields, const std::string& source) {
  if (fields.dim != 1 && fields.dim != 2)
    throw ConfigError(
        cat(source, " holds ", fields.dim, "-D fields; FuncDiff handles 1-D and 2-D fields"));
  const long dim = cfg.get_int("model.dim");
  if (dim != 0 && dim != fields.dim)
    throw ConfigError(
        cat("model.dim = ", dim, " but ", source, " holds ", fields.dim, "-D fields"));
  const std::string boundary = fields.periodic ? "periodic" : "reflecting";
  const std::string& set = cfg.get_string("measure.boundary");
  if (set != "auto" && set != boundary)
    throw ConfigError(
        cat("measure.boundary = ", set, " but ", source, " holds ", boundary, " fields"));
  cfg.set("model.dim", std::to_string(fields.dim));
  cfg.set("measure.boundary", boundary);
}

Fields grid_fields(const Grid& grid, const std::string& source) {
  Fields f;
  f.dim = grid.dim();
  f.periodic = grid.periodic(0);
  for (int a = 1; a < grid.dim(); ++a)
    if (grid.periodic(a) != f.periodic)
      throw ConfigError(cat(source, ": the grid ", grid.describe(),
                            " mixes periodic and non-periodic axes; FuncDiff needs one boundary"));
  return f;
}

Grid sample_grid(const Config& cfg) {
  const auto dim = size_t(cfg.get_int("model.dim"));
  require(dim > 0 && cfg.get_string("measure.boundary") != "auto",
          "sample_grid: model.dim / measure.boundary are not resolved");
  return Grid(std::vector<long>(dim, cfg.get_int("sample.points")), std::vector<double>(dim, 0.0),
              std::vector<double>(dim, 1.0),
              std::vector<bool>(dim, cfg.get_string("measure.boundary") == "periodic"));
}

nn::FnoConfig fno_config(const Config& cfg) {
  require(cfg.get_int("model.dim") > 0, "fno_config: model.dim is not resolved");
  nn::FnoConfig f;
  f.modes.assign(size_t(cfg.get_int("model.dim")), cfg.get_int("model.modes"));
  f.width = cfg.get_int("model.width");
  f.depth = int(cfg.get_int("model.depth"));
  f.projection = cfg.get_int("model.projection");
  f.time =
      cfg.get_string("model.time") == "channel" ? nn::TimeInput::Channel : nn::TimeInput::Embedding;
  f.max_t = double(cfg.get_int("schedule.steps"));
  return f;
}

nn::GnoConfig gno_config(const Config& cfg, int dim) {
  nn::GnoConfig g;
  g.dim = dim;
  g.width = cfg.get_int("model.gno_width");
  g.kernel_width = cfg.get_int("model.gno_kernel_width");
  g.depth = int(cfg.get_int("model.gno_depth"));
  g.radius = cfg.get_real("model.gno_radius");
  g.max_t = double(cfg.get_int("schedule.steps"));
  return g;
}

template <class Real>
Model<Real> make_model(const Config& cfg, const gaussian::Coordinates& points) {
  Model<Real> m;
  if (cfg.get_string("model.kind") == "fno") {
    m.fno = std::make_unique<nn::Fno<Real>>(fno_config(cfg));
    return m;
  }
  const long n = long(points.extent(0)), dim = long(points.extent(1));
  m.gno = std::make_unique<nn::Gno<Real>>(gno_config(cfg, int(dim)));
  Tensor2<Real> x("fieldgen::app::gno_points", size_t(n), size_t(dim));
  auto host = Kokkos::create_mirror_view(x);
  for (long i = 0; i < n; ++i)
    for (long a = 0; a < dim; ++a)
      host(i, a) = Real(points(i, a));
  Kokkos::deep_copy(x, host);
  m.gno->set_points(x);
  return m;
}

funcdiff::Schedule make_schedule(const Config& cfg) {
  return funcdiff::Schedule::named(cfg.get_string("schedule.kind"), cfg.get_int("schedule.steps"),
                                   cfg.get_real("schedule.beta_min"),
                                   cfg.get_real("schedule.beta_max"));
}

template <class Real>
NoiseMeasure<Real> make_point_measure(const Config& cfg, const gaussian::Coordinates& points) {
  NoiseMeasure<Real> m;
  const std::string family = cfg.get_string("measure.family");
  const auto space =
      cfg.get_string("measure.sobolev") == "h1" ? gaussian::LossSpace::H1 : gaussian::LossSpace::L2;
  if (family == "white") {
    if (space == gaussian::LossSpace::H1)
      throw ConfigError("measure.sobolev = h1 needs measure.family = kernel or spde");
    m.measure = std::make_unique<gaussian::WhiteNoise<Real>>(long(points.extent(0)));
  } else if (family == "kernel") {
    gaussian::KernelParams p;
    p.type = gaussian::parse_kernel_type(cfg.get_string("measure.kernel"));
    p.variance = cfg.get_real("measure.variance");
    p.length_scale = cfg.get_real("measure.length_scale");
    p.jitter = cfg.get_real("measure.jitter");
    m.measure = std::make_unique<gaussian::KernelMeasure<Real>>(p, points, space);
  } else {
    throw ConfigError("measure.family = spde needs a regular grid; on scattered points (/coords) "
                      "use measure.family = kernel or white");
  }
  return m;
}

template <class Real> NoiseMeasure<Real> make_measure(const Config& cfg, const Grid& grid) {
  if (cfg.get_string("measure.family") != "spde")
    return make_point_measure<Real>(cfg, gaussian::grid_coordinates(grid));
  NoiseMeasure<Real> m;
  const auto space =
      cfg.get_string("measure.sobolev") == "h1" ? gaussian::LossSpace::H1 : gaussian::LossSpace::L2;
  gaussian::SpdeParams p;
  p.order = int(cfg.get_int("measure.spde_order"));
  p.variance = cfg.get_real("measure.variance");
  p.length_scale = cfg.get_real("measure.length_scale");
  if (2 * p.order <= grid.dim())
    throw ConfigError(
        cat("measure.spde_order = ", p.order, " must exceed d/2 = ", grid.dim() / 2.0));
  m.dec = std::make_unique<Decomposition>(grid, MPI_COMM_SELF);
  m.measure = std::make_unique<gaussian::SpdeMeasure<Real>>(*m.dec, p, space);
  return m;
}

template <class Real>
NoiseMeasure<Real> make_measure(const Config& cfg, const Grid& grid,
                                const gaussian::Coordinates& points, bool scattered) {
  if (!scattered)
    return make_measure<Real>(cfg, grid);
  if (cfg.get_string("model.kind") != "gno")
    throw ConfigError("model.kind = fno needs a regular grid; fields on scattered points "
                      "(/coords) take model.kind = gno");
  return make_point_measure<Real>(cfg, points);
}

Fields trained_fields(const std::string& trained) {
  const auto values = parse_effective(trained);
  Fields f;
  const auto dim = values.find("model.dim");
  if (dim != values.end())
    f.dim = std::stoi(dim->second);
  const auto boundary = values.find("measure.boundary");
  f.periodic = boundary != values.end() && boundary->second == "periodic";
  return f;
}

void check_trained_with(const Config& cfg, const std::string& trained, const std::string& path) {
  check_trained_with(cfg, trained, path, {"model", "measure", "schedule"}, {"train.precision"});
}

template Model<float> make_model<float>(const Config&, const gaussian::Coordinates&);
template Model<double> make_model<double>(const Config&, const gaussian::Coordinates&);
template NoiseMeasure<float> make_point_measure<float>(const Config&, const gaussian::Coordinates&);
template NoiseMeasure<double> make_point_measure<double>(const Config&,
                                                         const gaussian::Coordinates&);
template NoiseMeasure<float> make_measure<float>(const Config&, const Grid&,
                                                 const gaussian::Coordinates&, bool);
template NoiseMeasure<double> make_measure<double>(const Config&, const Grid&,
                                                   const gaussian::Coordinates&, bool);
template NoiseMeasure<float> make_measure<float>(const Config&, const Grid&);
template NoiseMeasure<double> make_measure<double>(const Config&, const Grid&);

} // namespace fieldgen::app
