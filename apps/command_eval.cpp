// `fieldgen eval`: compares generated samples with reference data (training or held-out). Count
// fields (DSD images, microstructures) go to eval_counts.hpp; continuous fields get the
// functional metrics of metrics/compare.hpp (Kerrigan et al., AISTATS 2023, Sec. 5), optionally
// also an FPCA-Gaussian baseline fitted to the reference, and for conditional tasks the
// conditional samples against the GP-regression posterior given the observations (and both
// against the held-out truth when conditional.truth names it). Files are read
// collectively (each rank its block of samples) and gathered on rank 0, which computes the
// metrics inside Comm::root_try (one error line, no hang); output.dir/metrics.json is written
// atomically with the effective configuration, and with baseline = fpca also the baseline's
// samples as output.dir/fpca_samples.h5. Plots: tools/plot_eval.py output.dir (run by the job
// scripts, not by this command).
#include "commands.hpp"
#include "eval_counts.hpp"

#include "fieldgen/core/comm.hpp"
#include "fieldgen/core/config.hpp"
#include "fieldgen/core/timer.hpp"
#include "fieldgen/data/csv.hpp"
#include "fieldgen/data/sharding.hpp"
#include "fieldgen/io/atomic_output.hpp"
#include "fieldgen/io/field_file.hpp"
#include "fieldgen/metrics/compare.hpp"
#include "fieldgen/metrics/fpca.hpp"
#include "fieldgen/metrics/gp_regression.hpp"
#include "fieldgen/metrics/json.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace fieldgen::app {
namespace {

const long max_int = 1L << 62; // exact in the double that Config keeps ranges in

Config make_config() {
  Config c("eval", "Compares generated samples with reference data (pointwise mean/std, "
                   "autocorrelation, KDE density and power-spectrum MSE), optionally with an "
                   "FPCA-Gaussian baseline and, for conditional samples, with GP regression.\n"
                   "Writes <output.dir>/metrics.json; plot with tools/plot_eval.py <output.dir>.");
  c.add_string("eval.generated", "", "field file of generated samples (required)")
      .add_string("eval.reference", "",
                  "field file of reference samples (training or held-out; "
                  "required), on the same grid")
      .add_int("eval.channel", 0, "channel compared (0-based)", 0, 1L << 20)
      .add_int("eval.max_samples", 0, "use at most this many samples of each file; 0 = all", 0,
               max_int)
      .add_real("eval.kde_bandwidth", 0.5,
                "standard deviation of the Gaussian KDE kernel of the density metric (paper: 0.5)",
                1e-12, 1e12)
      .add_int("eval.density_points", 200, "points of the density grid (paper: 200)", 2, 1000000)
      .add_choice("eval.baseline", "none",
                  "none, or fpca: FPCA-Gaussian fitted to the reference, evaluated likewise",
                  {"none", "fpca"})
      .add_int("eval.fpca_components", 10, "leading components M of the FPCA baseline", 1, 1L << 30)
      .add_int("eval.fpca_samples", 0,
               "samples drawn from the FPCA baseline; 0 = as many as the generated file has", 0,
               max_int)
      .add_int("eval.seed", 1, "seed of the baseline and GP draws", 0, max_int)
      .add_string("conditional.observations", "",
                  "CSV of observed points, one 'x,y' row each (1-D; header optional); enables "
                  "the GP-regression comparison")
      .add_string("conditional.samples", "",
                  "field file of conditional samples (given the observations) to compare with "
                  "the GP posterior; empty: report the GP posterior only")
      .add_choice("conditional.kernel", "matern32", "GP-regression kernel",
                  {"exponential", "matern32", "matern52", "rbf"})
      .add_real("conditional.variance", 1.0, "GP kernel variance k(x, x)", 1e-12, 1e12)
      .add_real("conditional.length_scale", 0.1, "GP kernel length scale", 1e-12, 1e12)
      .add_real("conditional.noise_variance", 0.0, "observation noise variance (0: interpolate)",
                0.0, 1e12)
      .add_int("conditional.draws", 5, "GP posterior draws stored in metrics.json (for plots)", 0,
               1000)
      .add_string("conditional.truth", "",
                  "field file holding the true curve the observations were taken from (e.g. a "
                  "held-out station); empty: no truth comparison")
      .add_int("conditional.truth_index", 0, "sample of conditional.truth that is the truth", 0,
               max_int)
      .add_string("output.dir", "eval", "output directory (created if missing)");
  add_count_eval_keys(c);
  return c;
}

void check_config(const Config& c) {
  if (c.get_string("eval.generated").empty())
    throw ConfigError("eval.generated is required (field file of generated samples)");
  if (c.get_string("eval.reference").empty())
    throw ConfigError("eval.reference is required (field file of reference samples)");
  if (!c.get_string("conditional.samples").empty() &&
      c.get_string("conditional.observations").empty())
    throw ConfigError("conditional.samples needs conditional.observations");
  if (!c.get_string("conditional.truth").empty() &&
      c.get_string("conditional.observations").empty())
    throw ConfigError("conditional.truth needs conditional.observations");
}

// Checks an opened field file (config key `key`) against the grid of `like` (when given): same
// shape and domain, 1-D or 2-D, enough channels. DataError (collective) naming both files
// otherwise.
void check_fields(const Config& cfg, const std::string& key, const io::FieldFileReader& r,
                  const io::FieldFileReader* like) {
  const io::FieldMeta& m = r.meta();
  if (m.dim() != 1 && m.dim() != 2)
    throw DataError(
        cat(r.name(), " (", key, "): ", m.dim(), "-D fields; eval supports 1-D and 2-D"),
        ErrorScope::Collective);
  if (cfg.get_int("eval.channel") >= m.channels)
    throw ConfigError(cat("eval.channel = ", cfg.get_int("eval.channel"), " but ", r.name(),
                          " has ", m.channels, " channel(s)"));
  if (m.samples < 2)
    throw DataError(cat(r.name(), " (", key, "): ", m.samples, " sample(s), need at least 2"),
                    ErrorScope::Collective);
  if (like) {
    const io::FieldMeta& o = like->meta();
    if (m.shape != o.shape || m.lo != o.lo || m.hi != o.hi)
      throw DataError(cat("grids differ: ", r.name(), " has ", m.grid().describe(), ", ",
                          like->name(), " has ", o.grid().describe()),
                      ErrorScope::Collective);
    // Scattered points (/coords): statistics are compared point by point, so the point sets
    // (first sample's) must agree too.
    const bool both = m.coords && o.coords;
    std::vector<double> a(size_t(both ? m.points() * m.dim() : 0)), b(a.size());
    if (both) {
      r.read_coords(0, 1, a.data());
      like->read_coords(0, 1, b.data());
    }
    if (m.coords != o.coords || a != b)
      throw DataError(cat("point sets differ: ", r.name(), " and ", like->name(),
                          " must both be on one grid or carry the same /coords"),
                      ErrorScope::Collective);
  }
}

// Collective: every rank reads its block of the first `n` samples (channel eval.channel) and
// rank 0 gathers them; the set is complete on rank 0 only.
metrics::SampleSet gather_samples(const Config& cfg, const Comm& comm,
                                  const io::FieldFileReader& r) {
  const io::FieldMeta& m = r.meta();
  const long limit = cfg.get_int("eval.max_samples");
  const long n = limit > 0 && limit < m.samples ? limit : m.samples;
  const long points = m.points(), channel = cfg.get_int("eval.channel");
  const data::Range mine = data::block_range(n, comm.rank(), comm.size());
  std::vector<double> block(size_t(mine.count * m.sample_size()));
  r.read_fields(mine.first, mine.count, block.data());
  std::vector<double> local(size_t(mine.count * points));
  for (long i = 0; i < mine.count; ++i)
    std::copy_n(block.begin() + (i * m.channels + channel) * points, points,
                local.begin() + i * points);
  std::vector<int> counts(size_t(comm.size())), displs(size_t(comm.size()));
  for (int q = 0; q < comm.size(); ++q) {
    const data::Range b = data::block_range(n, q, comm.size());
    // MPI counts are int: the gathered set must stay below 2^31 values (same verdict on every
    // rank, so a collective error).
    if ((b.first + b.count) * points >= INT_MAX)
      throw DataError(cat(r.name(), ": ", n, " samples of ", points,
                          " points exceed MPI's int counts; lower eval.max_samples"),
                      ErrorScope::Collective);
    counts[size_t(q)] = int(b.count * points);
    displs[size_t(q)] = int(b.first * points);
  }
  metrics::SampleSet s;
  s.n = n;
  s.shape = m.shape;
  if (comm.is_root())
    s.values.resize(size_t(n * points));
  FIELDGEN_MPI_CHECK(MPI_Gatherv(local.data(), int(local.size()), MPI_DOUBLE, s.values.data(),
                                 counts.data(), displs.data(), MPI_DOUBLE, 0, comm.get()));
  return s;
}

metrics::JsonObject metrics_json(const metrics::Comparison& c) {
  metrics::JsonObject o;
  o.add("mean_mse", c.mean_mse)
      .add("mean_max_abs", c.mean_max)
      .add("std_mse", c.std_mse)
      .add("std_max_abs", c.std_max)
      .add("autocorrelation_mse", c.autocorrelation_mse)
      .add("density_mse", c.density_mse)
      .add("spectrum_mse", c.spectrum_mse)
      .add("spectrum_log_mse", c.spectrum_log_mse);
  return o;
}

metrics::JsonObject profile_json(const metrics::Profile& p) {
  metrics::JsonObject o;
  o.add("mean", p.mean).add("std", p.std).add("spectrum", p.spectrum).add("density", p.density);
  if (!p.autocorrelation.empty())
    o.add("autocorrelation", p.autocorrelation);
  return o;
}

// Everything rank 0 computes.
struct Report {
  metrics::Comparison generated, fpca;
  bool has_fpca = false;
  metrics::SampleSet fpca_samples;
  metrics::JsonObject conditional;
  bool has_conditional = false;
  double conditional_mean_mse = 0, conditional_std_mse = 0;
  // Against conditional.truth (when given); -1 = not computed.
  double samples_truth_mse = -1, gp_truth_mse = -1;
  // Largest |sample - y| at the observations on grid points (hard conditioning: ~0).
  double max_abs_at_observations = -1;
};

// Collective: sample conditional.truth_index of conditional.truth (channel eval.channel), on the
// grid of `like`.
std::vector<double> read_truth(const Config& cfg, const Comm& comm,
                               const io::FieldFileReader& like) {
  const io::FieldFileReader r(cfg.get_string("conditional.truth"), comm);
  const io::FieldMeta& m = r.meta();
  const io::FieldMeta& o = like.meta();
  if (m.shape != o.shape || m.lo != o.lo || m.hi != o.hi)
    throw DataError(cat("grids differ: ", r.name(), " (conditional.truth) has ",
                        m.grid().describe(), ", ", like.name(), " has ", o.grid().describe()),
                    ErrorScope::Collective);
  const long index = cfg.get_int("conditional.truth_index");
  if (index >= m.samples)
    throw ConfigError(cat("conditional.truth_index = ", index, " but ", r.name(), " has ",
                          m.samples, " sample(s)"));
  if (cfg.get_int("eval.channel") >= m.channels)
    throw ConfigError(cat("eval.channel = ", cfg.get_int("eval.channel"), " but ", r.name(),
                          " has ", m.channels, " channel(s)"));
  std::vector<double> sample(size_t(m.sample_size()));
  r.read_fields(index, 1, sample.data());
  const auto first = sample.begin() + cfg.get_int("eval.channel") * m.points();
  return std::vector<double>(first, first + m.points());
}

// max |u_i(x_o) - y_o| over the samples u_i and the observations lying on grid points.
double max_abs_at_observations(const metrics::SampleSet& s, const Grid& g,
                               const std::vector<double>& ox, const std::vector<double>& oy) {
  double worst = 0;
  const long n = g.n(0);
  for (size_t k = 0; k < ox.size(); ++k) {
    const long j = std::lround((ox[k] - g.lo(0)) / g.h(0));
    if (j < 0 || j >= n || std::abs(g.coord(0, j) - ox[k]) > 1e-6 * g.h(0))
      continue;
    for (long i = 0; i < s.n; ++i)
      worst = std::max(worst, std::abs(s.values[size_t(i * n + j)] - oy[k]));
  }
  return worst;
}

// Observations as x, y columns (CSV, header auto, no index column), checked against the grid.
void read_observations(const Config& cfg, const io::FieldMeta& m, std::vector<double>& x,
                       std::vector<double>& y) {
  const std::string path = cfg.get_string("conditional.observations");
  data::CsvOptions options;
  options.index_column = data::Detect::No;
  const data::CsvCurves rows = data::read_csv_curves(path, options);
  if (rows.columns != 2)
    throw DataError(cat(path, ": ", rows.columns, " columns, expected 2 (x, y)"));
  for (long i = 0; i < rows.rows; ++i) {
    const double xi = rows.values[size_t(2 * i)];
    if (xi < m.lo[0] || xi > m.hi[0])
      throw DataError(cat(path, ": observation x = ", xi, " (row ", i + 1,
                          ") lies outside the "
                          "domain [",
                          m.lo[0], ", ", m.hi[0], "]"));
    x.push_back(xi);
    y.push_back(rows.values[size_t(2 * i + 1)]);
  }
  if (x.empty())
    throw DataError(cat(path, ": no observations"));
}

void conditional_part(const Config& cfg, const io::FieldMeta& m, const metrics::SampleSet* samples,
                      const std::vector<double>& truth, Report& rep) {
  if (m.dim() != 1)
    throw ConfigError("conditional.observations: GP regression is implemented for 1-D curves");
  std::vector<double> ox, oy, grid(size_t(m.points()));
  read_observations(cfg, m, ox, oy);
  const Grid g = m.grid();
  for (long j = 0; j < m.points(); ++j)
    grid[size_t(j)] = g.coord(0, j);
  gaussian::KernelParams k;
  k.type = gaussian::parse_kernel_type(cfg.get_string("conditional.kernel"));
  k.variance = cfg.get_real("conditional.variance");
  k.length_scale = cfg.get_real("conditional.length_scale");
  const metrics::GpPosterior post =
      metrics::gp_posterior(k, 1, ox, oy, grid, cfg.get_real("conditional.noise_variance"));
  metrics::JsonObject& o = rep.conditional;
  o.add("x", grid).add("observations_x", ox).add("observations_y", oy);
  o.add("gp_mean", post.mean).add("gp_std", post.std);
  const long draws = cfg.get_int("conditional.draws");
  if (draws > 0) {
    const std::vector<double> d = post.sample(draws, std::uint64_t(cfg.get_int("eval.seed")));
    metrics::JsonObject dj;
    for (long i = 0; i < draws; ++i)
      dj.add(std::to_string(i),
             std::vector<double>(d.begin() + i * m.points(), d.begin() + (i + 1) * m.points()));
    o.add("gp_draws", dj);
  }
  if (samples) {
    const std::vector<double> mean = metrics::pointwise_mean(*samples);
    const std::vector<double> spread = metrics::pointwise_std(*samples);
    rep.conditional_mean_mse = metrics::mse(mean, post.mean);
    rep.conditional_std_mse = metrics::mse(spread, post.std);
    o.add("samples_mean", mean).add("samples_std", spread);
    o.add("mean_mse_vs_gp", rep.conditional_mean_mse).add("std_mse_vs_gp", rep.conditional_std_mse);
    rep.max_abs_at_observations = max_abs_at_observations(*samples, g, ox, oy);
    o.add("samples_max_abs_at_observations", rep.max_abs_at_observations);
  }
  if (!truth.empty()) {
    rep.gp_truth_mse = metrics::mse(post.mean, truth);
    o.add("truth", truth).add("gp_mean_mse_vs_truth", rep.gp_truth_mse);
    if (samples) {
      rep.samples_truth_mse = metrics::mse(metrics::pointwise_mean(*samples), truth);
      o.add("samples_mean_mse_vs_truth", rep.samples_truth_mse);
    }
  }
  rep.has_conditional = true;
}

std::string json_text(const Config& cfg, const Report& rep, const io::FieldMeta& m,
                      const metrics::SampleSet& gen, const metrics::SampleSet& ref, int ranks) {
  metrics::JsonObject root, sets, curves;
  root.add("command", std::string("eval"));
  root.add("config", cfg.effective_text());
  std::vector<double> shape(m.shape.begin(), m.shape.end());
  root.add("shape", shape).add("domain_lo", m.lo).add("domain_hi", m.hi);
  // Absolute paths, so that tools/plot_eval.py finds the files from anywhere.
  const auto absolute = [&](const std::string& key) {
    return std::filesystem::absolute(cfg.get_string(key)).string();
  };
  sets.add("generated", absolute("eval.generated")).add("generated_samples", double(gen.n));
  sets.add("reference", absolute("eval.reference")).add("reference_samples", double(ref.n));
  if (!cfg.get_string("conditional.samples").empty())
    sets.add("conditional_samples", absolute("conditional.samples"));
  root.add("files", sets).add("ranks", double(ranks));
  root.add("generated_vs_reference", metrics_json(rep.generated));
  if (rep.has_fpca)
    root.add("fpca_vs_reference", metrics_json(rep.fpca))
        .add("fpca_components", double(cfg.get_int("eval.fpca_components")));
  curves.add("density_grid", rep.generated.density_grid);
  curves.add("reference", profile_json(rep.generated.reference));
  curves.add("generated", profile_json(rep.generated.candidate));
  if (rep.has_fpca) {
    // The FPCA profile on the generated comparison's density grid would differ; keep its own.
    curves.add("fpca_density_grid", rep.fpca.density_grid);
    curves.add("fpca", profile_json(rep.fpca.candidate));
    curves.add("fpca_reference_density", rep.fpca.reference.density);
  }
  root.add("curves", curves);
  if (rep.has_conditional)
    root.add("conditional", rep.conditional);
  return root.str() + "\n";
}

void print_summary(const Config& cfg, const Report& rep, const metrics::SampleSet& gen,
                   const metrics::SampleSet& ref, double seconds) {
  std::printf("fieldgen eval: %ld generated vs %ld reference samples, grid [", gen.n, ref.n);
  for (size_t a = 0; a < gen.shape.size(); ++a)
    std::printf("%s%ld", a ? ", " : "", gen.shape[a]);
  std::printf("]\n  %-22s %14s%s\n", "metric", "generated", rep.has_fpca ? "           fpca" : "");
  const auto row = [&](const char* name, double a, double b) {
    std::printf("  %-22s %14.6g", name, a);
    if (rep.has_fpca)
      std::printf(" %14.6g", b);
    std::printf("\n");
  };
  row("mean_mse", rep.generated.mean_mse, rep.fpca.mean_mse);
  row("mean_max_abs", rep.generated.mean_max, rep.fpca.mean_max);
  row("std_mse", rep.generated.std_mse, rep.fpca.std_mse);
  row("std_max_abs", rep.generated.std_max, rep.fpca.std_max);
  row("autocorrelation_mse", rep.generated.autocorrelation_mse, rep.fpca.autocorrelation_mse);
  row("density_mse", rep.generated.density_mse, rep.fpca.density_mse);
  row("spectrum_mse", rep.generated.spectrum_mse, rep.fpca.spectrum_mse);
  row("spectrum_log_mse", rep.generated.spectrum_log_mse, rep.fpca.spectrum_log_mse);
  if (rep.has_conditional && !cfg.get_string("conditional.samples").empty())
    std::printf("  conditional vs GP: mean_mse %.6g, std_mse %.6g; max |u - y| at the "
                "observations %.3g\n",
                rep.conditional_mean_mse, rep.conditional_std_mse, rep.max_abs_at_observations);
  if (rep.gp_truth_mse >= 0) {
    std::printf("  mean vs truth: GP regression mse %.6g", rep.gp_truth_mse);
    if (rep.samples_truth_mse >= 0)
      std::printf(", conditional samples mse %.6g", rep.samples_truth_mse);
    std::printf("\n");
  }
  std::printf("  output %s/metrics.json (%.2f s)\n", cfg.get_string("output.dir").c_str(), seconds);
  std::fflush(stdout);
}

// Collective: the FPCA samples as a field file beside metrics.json (rank 0 holds them all).
void write_fpca_samples(const Config& cfg, const Comm& comm, const io::FieldMeta& like,
                        const metrics::SampleSet& s) {
  long n = s.n;
  comm.broadcast(&n, 1);
  io::FieldMeta meta = like;
  meta.samples = n;
  meta.channels = 1;
  meta.channel_names = {"u"};
  meta.kind = "continuous";
  meta.labels = meta.coords = false;
  io::Provenance provenance;
  provenance.config = cfg.effective_text();
  provenance.seed = cfg.get_int("eval.seed");
  provenance.ranks = comm.size();
  io::FieldFileWriter writer(cfg.get_string("output.dir") + "/fpca_samples.h5", meta,
                             io::Dtype::Float64, provenance, comm);
  writer.write_fields(0, comm.is_root() ? n : 0, s.values.data());
  writer.commit();
}

} // namespace

int command_eval(const Args& args) {
  Config cfg = make_config();
  if (!cfg.parse(args))
    return 0;
  check_config(cfg);
  const Comm comm;
  const Stopwatch clock;
  const io::FieldFileReader gen_file(cfg.get_string("eval.generated"), comm);
  if (gen_file.meta().kind == "counts")
    return eval_counts(cfg, comm, gen_file, clock);
  check_fields(cfg, "eval.generated", gen_file, nullptr);
  const io::FieldFileReader ref_file(cfg.get_string("eval.reference"), comm);
  check_fields(cfg, "eval.reference", ref_file, &gen_file);
  const metrics::SampleSet gen = gather_samples(cfg, comm, gen_file);
  const metrics::SampleSet ref = gather_samples(cfg, comm, ref_file);
  metrics::SampleSet cond;
  const bool has_cond_samples = !cfg.get_string("conditional.samples").empty();
  if (has_cond_samples) {
    const io::FieldFileReader cond_file(cfg.get_string("conditional.samples"), comm);
    check_fields(cfg, "conditional.samples", cond_file, &gen_file);
    cond = gather_samples(cfg, comm, cond_file);
  }
  const std::vector<double> truth = cfg.get_string("conditional.truth").empty()
                                        ? std::vector<double>()
                                        : read_truth(cfg, comm, gen_file);
  const io::FieldMeta& meta = gen_file.meta();
  const std::string dir = cfg.get_string("output.dir");

  Report rep;
  std::string text;
  comm.root_try([&] {
    metrics::CompareOptions options;
    options.kde_bandwidth = cfg.get_real("eval.kde_bandwidth");
    options.density_points = cfg.get_int("eval.density_points");
    rep.generated = metrics::compare(gen, ref, options);
    if (cfg.get_string("eval.baseline") == "fpca") {
      const metrics::FpcaGaussian model(ref, cfg.get_int("eval.fpca_components"));
      const long draws = cfg.get_int("eval.fpca_samples");
      rep.fpca_samples =
          model.sample(draws > 0 ? draws : gen.n, std::uint64_t(cfg.get_int("eval.seed")));
      rep.fpca = metrics::compare(rep.fpca_samples, ref, options);
      rep.has_fpca = true;
    }
    if (!cfg.get_string("conditional.observations").empty())
      conditional_part(cfg, meta, has_cond_samples ? &cond : nullptr, truth, rep);
    text = json_text(cfg, rep, meta, gen, ref, comm.size());
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
      throw IoError(cat(dir, " (output.dir): cannot create the directory (", ec.message(), ")"));
  });
  if (cfg.get_string("eval.baseline") == "fpca")
    write_fpca_samples(cfg, comm, meta, rep.fpca_samples);
  io::AtomicOutput out(dir + "/metrics.json", comm);
  comm.root_try([&] {
    std::ofstream f(out.temp_path());
    f << text;
    f.close();
    if (!f)
      throw IoError(cat(out.temp_path(), ": cannot write"));
  });
  out.commit();
  if (comm.is_root())
    print_summary(cfg, rep, gen, ref, clock.seconds());
  return 0;
}

} // namespace fieldgen::app
