// `fieldgen eval` on count fields (see eval_counts.hpp). Rank 0 reads whole files (the other ranks
// take part in the collective reads without data) and computes every metric inside
// Comm::root_try; metrics.json is written atomically.
#include "eval_counts.hpp"

#include "fieldgen/io/atomic_output.hpp"
#include "fieldgen/io/hdf5.hpp"
#include "fieldgen/metrics/json.hpp"
#include "fieldgen/metrics/microstructure.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fieldgen::app {

void add_count_eval_keys(Config& c) {
  const long max_int = 1L << 62; // exact in the double that Config keeps ranges in
  c.add_string("eval.mass", "",
               "counts: requested mass per channel (\"400\" or \"400,380\"), checked on every "
               "generated sample; empty: the generated file's /requested_mass [N, C] if present")
      .add_real("eval.threshold", 1.0,
                "counts: a site is pore (phase 1) when its count is >= this (S2, interface, "
                "chords)",
                1e-12, 1e12)
      .add_int("eval.max_lag", 0, "counts: largest S2 lag in sites; 0 = half the shortest axis", 0,
               1L << 30)
      .add_string("eval.terminal", "",
                  "counts: terminal-time configurations (the sampler's start), whose histogram "
                  "distance to the reference is reported next to the generated one")
      .add_string("eval.training", "",
                  "counts: training set; enables nearest-neighbour distances of generated and "
                  "reference (held-out) samples to it (memorisation check)")
      .add_int("eval.nn_samples", 200,
               "counts: generated and reference samples whose nearest neighbour is searched; 0 = "
               "all",
               0, max_int);
}

namespace {

// Collective: the first `limit` samples (0 = all) of a count file, whole, on rank 0.
metrics::CountFields read_counts(const Comm& comm, const io::FieldFileReader& r, long limit) {
  const io::FieldMeta& m = r.meta();
  metrics::CountFields f;
  f.n = limit > 0 && limit < m.samples ? limit : m.samples;
  f.channels = m.channels;
  f.grid = m.grid();
  const long mine = comm.is_root() ? f.n : 0;
  f.values.resize(size_t(mine * m.sample_size()));
  r.read_fields(0, mine, f.values.data());
  return f;
}

// DataError (collective) unless `r` holds counts on the grid and channels of `like`.
void check_like(const std::string& key, const io::FieldFileReader& r,
                const io::FieldFileReader& like) {
  const io::FieldMeta &m = r.meta(), &o = like.meta();
  if (m.kind != "counts")
    throw DataError(
        cat(r.name(), " (", key, "): kind \"", m.kind, "\", but ", like.name(), " holds counts"),
        ErrorScope::Collective);
  if (m.grid() != o.grid() || m.channels != o.channels)
    throw DataError(cat("grids differ: ", r.name(), " (", key, ") has ", m.channels,
                        " channel(s) on ", m.grid().describe(), ", ", like.name(), " has ",
                        o.channels, " on ", o.grid().describe()),
                    ErrorScope::Collective);
}

// Requested masses [N][C] of the generated samples: eval.mass, else /requested_mass, else none.
// Collective; returns the source ("eval.mass", "/requested_mass" or "none"), values on rank 0.
std::string requested_masses(const Config& cfg, const Comm& comm, const io::FieldFileReader& r,
                             std::vector<double>& requested) {
  const io::FieldMeta& m = r.meta();
  const std::string text = cfg.get_string("eval.mass");
  if (!text.empty()) {
    std::vector<double> per_channel;
    std::istringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) {
      size_t used = 0;
      double v = -1;
      try {
        v = std::stod(item, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used == 0 || item.find_first_not_of(" ", used) != std::string::npos || v < 0)
        throw ConfigError(
            cat("eval.mass = \"", text, "\": \"", item, "\" is not a non-negative mass"));
      per_channel.push_back(v);
    }
    if (per_channel.size() == 1)
      per_channel.assign(size_t(m.channels), per_channel[0]);
    if (long(per_channel.size()) != m.channels)
      throw ConfigError(cat("eval.mass = \"", text, "\": ", per_channel.size(), " values for ",
                            m.channels, " channels of ", r.name()));
    for (long s = 0; s < m.samples; ++s)
      requested.insert(requested.end(), per_channel.begin(), per_channel.end());
    return "eval.mass";
  }
  io::H5File file(cfg.get_string("eval.generated"), io::H5File::Mode::Read, comm, r.name());
  if (!file.exists("/requested_mass"))
    return "none";
  const io::DatasetInfo info = file.dataset_info("/requested_mass");
  if (info.dims != std::vector<long>{m.samples, m.channels})
    throw DataError(cat(r.name(), ": /requested_mass has shape ", info.shape_text(), ", expected [",
                        m.samples, ", ", m.channels, "]"),
                    ErrorScope::Collective);
  const long rows = comm.is_root() ? m.samples : 0;
  requested.resize(size_t(rows * m.channels));
  file.read("/requested_mass", {0, 0}, {rows, m.channels}, requested.data());
  return "/requested_mass";
}

struct Stats {
  double mean = 0, std = 0, min = 0, max = 0, median = 0;
};

Stats stats_of(std::vector<double> v) {
  Stats s;
  if (v.empty())
    return s;
  for (double x : v)
    s.mean += x;
  s.mean /= double(v.size());
  for (double x : v)
    s.std += (x - s.mean) * (x - s.mean);
  s.std = std::sqrt(s.std / double(std::max<size_t>(v.size() - 1, 1)));
  std::sort(v.begin(), v.end());
  s.min = v.front();
  s.max = v.back();
  s.median = v[v.size() / 2];
  return s;
}

metrics::JsonObject stats_json(const Stats& s) {
  metrics::JsonObject o;
  o.add("mean", s.mean)
      .add("std", s.std)
      .add("min", s.min)
      .add("median", s.median)
      .add("max", s.max);
  return o;
}

// Mean chord length of a histogram (index = length).
double mean_chord(const std::vector<double>& h) {
  double n = 0, total = 0;
  for (size_t l = 0; l < h.size(); ++l) {
    n += h[l];
    total += double(l) * h[l];
  }
  return n > 0 ? total / n : 0.0;
}

std::vector<double> axis_mean(const std::vector<std::vector<double>>& per_axis) {
  std::vector<double> m(per_axis[0].size(), 0.0);
  for (const auto& a : per_axis)
    for (size_t r = 0; r < m.size(); ++r)
      m[r] += a[r] / double(per_axis.size());
  return m;
}

// What rank 0 reports.
struct Report {
  metrics::JsonObject json;
  std::string mass_source;
  metrics::MassCheck mass;
  Stats porosity_gen, porosity_ref, interface_gen, interface_ref;
  double s2_max_diff = 0, interface_rel = 0, chord_pore_tv = 0, chord_solid_tv = 0;
  double hist_tv = 0, terminal_tv = -1;
  bool has_nn = false;
  Stats nn_gen, nn_ref;
};

void compute(const Config& cfg, const metrics::CountFields& all_gen,
             const metrics::CountFields& gen, const metrics::CountFields& ref,
             const metrics::CountFields* terminal, const metrics::CountFields* training,
             const std::vector<double>& requested, Report& rep) {
  const long ch = cfg.get_int("eval.channel");
  const double threshold = cfg.get_real("eval.threshold");
  metrics::JsonObject& root = rep.json;

  metrics::JsonObject mass;
  mass.add("source", rep.mass_source);
  if (rep.mass_source != "none") {
    rep.mass = metrics::check_mass(all_gen, requested);
    mass.add("checked", double(rep.mass.checked))
        .add("violations", double(rep.mass.violations))
        .add("max_abs_error", rep.mass.max_abs_error)
        .add("first_violation_sample", double(rep.mass.first_sample))
        .add("first_violation_channel", double(rep.mass.first_channel));
  }
  const std::vector<double> mg = metrics::sample_masses(gen, ch),
                            mr = metrics::sample_masses(ref, ch);
  mass.add("generated", stats_json(stats_of(mg))).add("reference", stats_json(stats_of(mr)));
  root.add("mass", mass);

  std::vector<double> pg(mg), pr(mr);
  for (double& v : pg)
    v /= double(gen.points());
  for (double& v : pr)
    v /= double(ref.points());
  rep.porosity_gen = stats_of(pg);
  rep.porosity_ref = stats_of(pr);
  metrics::JsonObject porosity;
  porosity.add("generated", stats_json(rep.porosity_gen))
      .add("reference", stats_json(rep.porosity_ref))
      .add("mean_abs_difference", std::abs(rep.porosity_gen.mean - rep.porosity_ref.mean))
      .add("generated_values", pg);
  root.add("porosity", porosity);

  long max_lag = cfg.get_int("eval.max_lag");
  long shortest = gen.grid.n(0);
  for (int a = 1; a < gen.grid.dim(); ++a)
    shortest = std::min(shortest, gen.grid.n(a));
  if (max_lag == 0)
    max_lag = shortest / 2;
  if (max_lag >= shortest)
    throw ConfigError(
        cat("eval.max_lag = ", max_lag, " must be below the shortest axis (", shortest, " sites)"));
  const auto s2g = metrics::two_point(gen, ch, max_lag, threshold);
  const auto s2r = metrics::two_point(ref, ch, max_lag, threshold);
  std::vector<double> per_lag(size_t(max_lag + 1), 0.0), lags;
  metrics::JsonObject s2, s2_gen, s2_ref;
  for (size_t a = 0; a < s2g.size(); ++a) {
    for (long r = 0; r <= max_lag; ++r)
      per_lag[size_t(r)] =
          std::max(per_lag[size_t(r)], std::abs(s2g[a][size_t(r)] - s2r[a][size_t(r)]));
    s2_gen.add(cat("axis", a), s2g[a]);
    s2_ref.add(cat("axis", a), s2r[a]);
  }
  for (long r = 0; r <= max_lag; ++r)
    lags.push_back(double(r));
  rep.s2_max_diff = *std::max_element(per_lag.begin(), per_lag.end());
  s2_gen.add("mean", axis_mean(s2g));
  s2_ref.add("mean", axis_mean(s2r));
  s2.add("lags", lags)
      .add("generated", s2_gen)
      .add("reference", s2_ref)
      .add("max_abs_difference_per_lag", per_lag)
      .add("max_abs_difference", rep.s2_max_diff);
  root.add("s2", s2);

  rep.interface_gen = stats_of(metrics::interface_density(gen, ch, threshold));
  rep.interface_ref = stats_of(metrics::interface_density(ref, ch, threshold));
  rep.interface_rel =
      rep.interface_ref.mean > 0
          ? (rep.interface_gen.mean - rep.interface_ref.mean) / rep.interface_ref.mean
          : 0.0;
  metrics::JsonObject interface;
  interface.add("generated", stats_json(rep.interface_gen))
      .add("reference", stats_json(rep.interface_ref))
      .add("relative_difference", rep.interface_rel)
      .add("abs_relative_difference", std::abs(rep.interface_rel));
  root.add("interface_per_area", interface);

  const metrics::ChordHistogram cg = metrics::chord_lengths(gen, ch, threshold);
  const metrics::ChordHistogram cr = metrics::chord_lengths(ref, ch, threshold);
  rep.chord_pore_tv =
      metrics::total_variation(metrics::normalised(cg.pore), metrics::normalised(cr.pore));
  rep.chord_solid_tv =
      metrics::total_variation(metrics::normalised(cg.solid), metrics::normalised(cr.solid));
  metrics::JsonObject chords;
  chords.add("generated_pore", metrics::normalised(cg.pore))
      .add("reference_pore", metrics::normalised(cr.pore))
      .add("generated_solid", metrics::normalised(cg.solid))
      .add("reference_solid", metrics::normalised(cr.solid))
      .add("pore_tv", rep.chord_pore_tv)
      .add("solid_tv", rep.chord_solid_tv)
      .add("generated_mean_pore", mean_chord(cg.pore))
      .add("reference_mean_pore", mean_chord(cr.pore))
      .add("generated_mean_solid", mean_chord(cg.solid))
      .add("reference_mean_solid", mean_chord(cr.solid));
  root.add("chord_lengths", chords);

  long top = std::max(metrics::max_count(gen, ch), metrics::max_count(ref, ch));
  if (terminal)
    top = std::max(top, metrics::max_count(*terminal, ch));
  const std::vector<double> hg = metrics::intensity_histogram(gen, ch, top);
  const std::vector<double> hr = metrics::intensity_histogram(ref, ch, top);
  rep.hist_tv = metrics::total_variation(hg, hr);
  metrics::JsonObject hist;
  hist.add("generated", hg).add("reference", hr).add("distance_tv", rep.hist_tv);
  if (terminal) {
    const std::vector<double> ht = metrics::intensity_histogram(*terminal, ch, top);
    rep.terminal_tv = metrics::total_variation(ht, hr);
    hist.add("terminal", ht)
        .add("terminal_distance_tv", rep.terminal_tv)
        .add("terminal_over_generated", rep.hist_tv > 0 ? rep.terminal_tv / rep.hist_tv : 1e300);
  }
  root.add("intensity_histogram", hist);

  if (training) {
    const long limit = cfg.get_int("eval.nn_samples");
    const auto head = [limit](const metrics::CountFields& f) {
      metrics::CountFields h = f;
      if (limit > 0 && limit < f.n) {
        h.n = limit;
        h.values.resize(size_t(limit * f.channels * f.points()));
      }
      return h;
    };
    const std::vector<double> dg = metrics::nearest_neighbour_distances(head(gen), *training);
    const std::vector<double> dr = metrics::nearest_neighbour_distances(head(ref), *training);
    rep.nn_gen = stats_of(dg);
    rep.nn_ref = stats_of(dr);
    rep.has_nn = true;
    metrics::JsonObject nn;
    nn.add("generated_to_training", stats_json(rep.nn_gen))
        .add("reference_to_training", stats_json(rep.nn_ref))
        .add("median_ratio", rep.nn_ref.median > 0 ? rep.nn_gen.median / rep.nn_ref.median : 0.0)
        .add("generated_distances", dg)
        .add("reference_distances", dr);
    root.add("nearest_neighbour", nn);
  }
}

void print_summary(const Config& cfg, const Report& r, const metrics::CountFields& gen,
                   const metrics::CountFields& ref, double seconds) {
  std::printf("fieldgen eval (counts): %ld generated vs %ld reference samples, grid %s\n", gen.n,
              ref.n, gen.grid.describe().c_str());
  if (r.mass_source == "none")
    std::printf("  mass check      not done (no eval.mass, no /requested_mass)\n");
  else
    std::printf("  mass check      %ld of %ld sample-channels violate (%s), max |error| %.6g\n",
                r.mass.violations, r.mass.checked, r.mass_source.c_str(), r.mass.max_abs_error);
  std::printf("  porosity        generated %.6g +- %.4g, reference %.6g +- %.4g (mass / sites)\n",
              r.porosity_gen.mean, r.porosity_gen.std, r.porosity_ref.mean, r.porosity_ref.std);
  std::printf("  S2 max |diff|   %.6g\n", r.s2_max_diff);
  std::printf("  interface/area  generated %.6g, reference %.6g (relative difference %+.4f)\n",
              r.interface_gen.mean, r.interface_ref.mean, r.interface_rel);
  std::printf("  chord TV        pore %.6g, solid %.6g\n", r.chord_pore_tv, r.chord_solid_tv);
  std::printf("  histogram TV    %.6g", r.hist_tv);
  if (r.terminal_tv >= 0)
    std::printf(" (terminal configurations %.6g, ratio %.3g)", r.terminal_tv,
                r.hist_tv > 0 ? r.terminal_tv / r.hist_tv : 1e300);
  std::printf("\n");
  if (r.has_nn)
    std::printf("  NN distance     generated->training median %.6g, reference->training %.6g\n",
                r.nn_gen.median, r.nn_ref.median);
  std::printf("  output %s/metrics.json (%.2f s)\n", cfg.get_string("output.dir").c_str(), seconds);
  std::fflush(stdout);
}

} // namespace

int eval_counts(const Config& cfg, const Comm& comm, const io::FieldFileReader& gen_file,
                const Stopwatch& clock) {
  const io::FieldMeta& meta = gen_file.meta();
  if (cfg.get_int("eval.channel") >= meta.channels)
    throw ConfigError(cat("eval.channel = ", cfg.get_int("eval.channel"), " but ", gen_file.name(),
                          " has ", meta.channels, " channel(s)"));
  const io::FieldFileReader ref_file(cfg.get_string("eval.reference"), comm);
  check_like("eval.reference", ref_file, gen_file);
  const long limit = cfg.get_int("eval.max_samples");
  std::vector<double> requested;
  Report rep;
  rep.mass_source = requested_masses(cfg, comm, gen_file, requested);
  const metrics::CountFields all_gen = read_counts(comm, gen_file, 0);
  const metrics::CountFields ref = read_counts(comm, ref_file, limit);
  metrics::CountFields gen = all_gen;
  if (limit > 0 && limit < gen.n) {
    gen.n = limit;
    gen.values.resize(comm.is_root() ? size_t(limit * gen.channels * gen.points()) : 0);
  }
  metrics::CountFields terminal, training;
  const std::string terminal_path = cfg.get_string("eval.terminal");
  const std::string training_path = cfg.get_string("eval.training");
  if (!terminal_path.empty()) {
    const io::FieldFileReader r(terminal_path, comm);
    check_like("eval.terminal", r, gen_file);
    terminal = read_counts(comm, r, limit);
  }
  if (!training_path.empty()) {
    const io::FieldFileReader r(training_path, comm);
    check_like("eval.training", r, gen_file);
    training = read_counts(comm, r, 0);
  }
  const std::string dir = cfg.get_string("output.dir");
  std::string text;
  comm.root_try([&] {
    metrics::JsonObject& root = rep.json;
    root.add("command", std::string("eval")).add("kind", std::string("counts"));
    root.add("config", cfg.effective_text());
    std::vector<double> shape(meta.shape.begin(), meta.shape.end());
    root.add("shape", shape).add("domain_lo", meta.lo).add("domain_hi", meta.hi);
    metrics::JsonObject files;
    const auto absolute = [](const std::string& p) {
      return std::filesystem::absolute(p).string();
    };
    files.add("generated", absolute(cfg.get_string("eval.generated")))
        .add("generated_samples", double(all_gen.n))
        .add("reference", absolute(cfg.get_string("eval.reference")))
        .add("reference_samples", double(ref.n));
    if (!terminal_path.empty())
      files.add("terminal", absolute(terminal_path));
    if (!training_path.empty())
      files.add("training", absolute(training_path));
    root.add("files", files).add("ranks", double(comm.size()));
    compute(cfg, all_gen, gen, ref, terminal_path.empty() ? nullptr : &terminal,
            training_path.empty() ? nullptr : &training, requested, rep);
    text = rep.json.str() + "\n";
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
      throw IoError(cat(dir, " (output.dir): cannot create the directory (", ec.message(), ")"));
  });
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
  long violations = rep.mass.violations, first = rep.mass.first_sample,
       channel = rep.mass.first_channel;
  comm.broadcast(&violations, 1);
  comm.broadcast(&first, 1);
  comm.broadcast(&channel, 1);
  if (violations > 0)
    throw DataError(cat(gen_file.name(), ": ", violations,
                        " generated sample-channel(s) miss the requested mass (first: sample ",
                        first, ", channel ", channel, "); see ", dir, "/metrics.json"),
                    ErrorScope::Collective);
  return 0;
}

} // namespace fieldgen::app
