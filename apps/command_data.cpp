// `fieldgen data`: generates (MoGP, Linear, Gaussian random fields, two-phase microstructures) or
// imports (CSV curves, IDX images) a dataset and writes it as a field file (io/field_file.hpp)
// atomically, with the effective configuration in /provenance, then prints a one-screen summary on
// rank 0. Generators run sharded (each rank its block of samples, identical for any rank count);
// imports are parsed on rank 0 inside Comm::root_try (one error line, no hang) and scattered before
// the collective write.
// CSV rows named by data.holdout go to a second file (output.holdout_path) after rescaling, so a
// train / held-out split shares one scale.
#include "commands.hpp"

#include "fieldgen/core/comm.hpp"
#include "fieldgen/core/config.hpp"
#include "fieldgen/core/timer.hpp"
#include "fieldgen/data/csv.hpp"
#include "fieldgen/data/field_stats.hpp"
#include "fieldgen/data/gaussian_random_field.hpp"
#include "fieldgen/data/idx.hpp"
#include "fieldgen/data/linear.hpp"
#include "fieldgen/data/microstructure.hpp"
#include "fieldgen/data/mogp.hpp"
#include "fieldgen/data/point_set.hpp"
#include "fieldgen/data/scatter.hpp"
#include "fieldgen/data/transforms.hpp"
#include "fieldgen/io/atomic_output.hpp"
#include "fieldgen/io/field_file.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <sstream>

namespace fieldgen::app {
namespace {

const char* const fashion_dir = "/usr/share/datasets/fashion-mnist/";
// Upper bound of unbounded integer keys: 2^62 is exact in the double that Config keeps ranges in.
const long max_int = 1L << 62;

Config make_config() {
  Config c("data", "Generates (mogp, linear, grf, microstructure) or imports (csv, idx) a "
                   "dataset into an HDF5 field file:\n/fields [N, C, n1(, n2, n3)], /labels [N] "
                   "when known, /coords [N, n, 1] (data.layout = random), /provenance.");
  c.add_choice("data.kind", "mogp",
               "mogp: mixture of 2 Gaussian processes; linear: random lines; grf: Whittle-Matern "
               "Gaussian random fields (SPDE); microstructure: two-phase fields (1 = pore), a grf "
               "thresholded at a target porosity; csv: curves, one per row; idx: (Fashion-)MNIST "
               "images; mask: one inpainting mask (1 = frozen) open on data.free_box",
               {"mogp", "linear", "grf", "microstructure", "csv", "idx", "mask"})
      .add_int("data.n", 1000, "number of samples to generate (mogp, linear, grf, microstructure)",
               1, 100000000)
      .add_int("data.points", 64,
               "grid points per axis (mogp, linear; grf, microstructure when data.shape is empty)",
               2, 8192)
      .add_int("data.dim", 2,
               "dimensions of the grid when data.shape is empty (grf, microstructure)", 1, 3)
      .add_string("data.shape", "",
                  "grid points per axis, e.g. \"64,64\" or \"64,64,64\" (grf, microstructure, "
                  "mask); empty: data.points on each of data.dim axes")
      .add_string("data.free_box", "",
                  "mask: the free (generated) sites, a half-open site range per axis, e.g. "
                  "\"7:21,7:21\" for the central 14x14 of 28x28; every other site is frozen")
      .add_choice("data.boundary", "periodic",
                  "boundary of the SPDE on every axis (grf, microstructure): periodic (wraps; "
                  "the unit box holds n points, spacing 1/n) or reflecting (no-flux; spacing "
                  "1/(n-1))",
                  {"periodic", "reflecting"})
      .add_real("data.length_scale", 0.1,
                "Matern length scale on the unit box (grf, microstructure)", 1e-6, 1e6)
      .add_real("data.variance", 1.0, "pointwise variance of the continuum field (grf)", 1e-12,
                1e12)
      .add_int("data.order", 2,
               "SPDE exponent a > d/2, smoothness nu = a - d/2 (grf, microstructure)", 1, 8)
      .add_real("data.porosity", 0.4,
                "target porosity: expected pore fraction, each sample's spreads around it "
                "(microstructure)",
                1e-6, 1 - 1e-6)
      .add_int("data.seed", 1,
               "random seed (mogp, linear, grf, microstructure); stored in /provenance", 0, max_int)
      .add_choice("data.layout", "grid",
                  "mogp points: grid (j / (points - 1)) or random (uniform in [0, 1], sorted, one "
                  "set for all samples, stored in /coords; see data/point_set.hpp)",
                  {"grid", "random"})
      .add_int("data.point_seed", 0, "seed of the random point set (0 = data.seed)", 0, max_int)
      .add_string("data.csv_path", "", "CSV file, one curve per row (csv)")
      .add_choice("data.csv_header", "auto",
                  "first line is a header (auto: if it has a non-numeric cell after the first)",
                  {"auto", "yes", "no"})
      .add_choice("data.csv_index_column", "auto",
                  "first column is a row index/name (auto: empty header corner, non-numeric "
                  "names, or a 0,1,2.. / 1,2,3.. counter)",
                  {"auto", "yes", "no"})
      .add_choice("data.csv_kind", "continuous",
                  "continuous values, or counts (non-negative whole numbers)",
                  {"continuous", "counts"})
      .add_real("data.domain_lo", 0.0, "lower end of the domain on every axis (csv, idx)", -1e12,
                1e12)
      .add_real("data.domain_hi", 1.0, "upper end of the domain on every axis (csv, idx)", -1e12,
                1e12)
      .add_bool("data.rescale", false,
                "min-max rescale all values (global) to [rescale_min, rescale_max] "
                "(continuous csv; AEMET in the literature: [-3, 3])")
      .add_real("data.rescale_min", -3.0, "target minimum of data.rescale", -1e12, 1e12)
      .add_real("data.rescale_max", 3.0, "target maximum of data.rescale", -1e12, 1e12)
      .add_string("data.idx_images", std::string(fashion_dir) + "train-images-idx3-ubyte.gz",
                  "IDX images file, raw or gzipped (idx)")
      .add_string(
          "data.idx_labels", std::string(fashion_dir) + "train-labels-idx1-ubyte.gz",
          "IDX labels file, raw or gzipped; empty (--data.idx_labels \"\"): no labels (idx)")
      .add_int("data.limit", 0, "keep only the first samples (csv, idx); 0 = all", 0, max_int)
      .add_int("data.levels", 0,
               "quantise counts to this many levels, v -> floor(v levels / (max + 1)) with max = "
               "255 for idx, the data maximum for csv counts; 0 = keep",
               0, 1L << 30)
      .add_string("data.holdout", "",
                  "comma-separated 0-based rows (after data.limit) written to "
                  "output.holdout_path instead of output.path, e.g. \"0, 20, 40\" (csv; "
                  "data.rescale uses all rows)")
      .add_string("output.path", "data.h5", "output field file (written atomically)")
      .add_string("output.holdout_path", "",
                  "field file of the data.holdout rows (required with data.holdout)");
  return c;
}

// Grid points per axis of a grf / microstructure dataset: data.shape, else data.points on each of
// data.dim axes.
std::vector<long> field_shape(const Config& c) {
  const std::string text = c.get_string("data.shape");
  if (text.empty())
    return std::vector<long>(size_t(c.get_int("data.dim")), c.get_int("data.points"));
  std::vector<long> shape;
  std::istringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    size_t used = 0;
    long n = 0;
    try {
      n = std::stol(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || item.find_first_not_of(" ", used) != std::string::npos || n < 3 ||
        n > 1L << 20)
      throw ConfigError(
          cat("data.shape = \"", text, "\": \"", item, "\" is not a point count in [3, 2^20]"));
    shape.push_back(n);
  }
  if (shape.empty() || shape.size() > 3)
    throw ConfigError(cat("data.shape = \"", text, "\": give 1 to 3 comma-separated point counts"));
  return shape;
}

bool counts_kind(const Config& c) {
  return c.get_string("data.kind") == "idx" ||
         (c.get_string("data.kind") == "csv" && c.get_string("data.csv_kind") == "counts");
}

// data.free_box parsed as [lo, hi) per axis of data.shape, ConfigError otherwise.
std::vector<std::pair<long, long>> free_box(const Config& c) {
  const std::string text = c.get_string("data.free_box");
  const std::vector<long> shape = field_shape(c);
  std::vector<std::pair<long, long>> box;
  std::istringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    long lo = -1, hi = -1;
    char colon = 0, rest = 0;
    std::istringstream r(item);
    const size_t a = box.size();
    if (!(r >> lo >> colon >> hi) || colon != ':' || (r >> rest) || a >= shape.size() || lo < 0 ||
        hi <= lo || hi > shape[a])
      throw ConfigError(cat("data.free_box = \"", text, "\": \"", item,
                            "\" is not a site range lo:hi with 0 <= lo < hi <= ",
                            a < shape.size() ? shape[a] : 0, " (axis ", a, " of data.shape)"));
    box.emplace_back(lo, hi);
  }
  if (box.size() != shape.size())
    throw ConfigError(cat("data.free_box = \"", text, "\": ", box.size(), " ranges for the ",
                          shape.size(), " axes of data.shape"));
  return box;
}

void check_config(const Config& c) {
  const std::string kind = c.get_string("data.kind");
  if (kind == "csv" && c.get_string("data.csv_path").empty())
    throw ConfigError("data.csv_path is required for data.kind = csv");
  if (kind == "idx" && c.get_string("data.idx_images").empty())
    throw ConfigError("data.idx_images is required for data.kind = idx");
  if (c.get_real("data.domain_lo") >= c.get_real("data.domain_hi"))
    throw ConfigError(cat("data.domain_lo = ", c.get_real("data.domain_lo"),
                          " must be below data.domain_hi = ", c.get_real("data.domain_hi")));
  if (c.get_bool("data.rescale")) {
    if (kind != "csv" || counts_kind(c))
      throw ConfigError("data.rescale applies to continuous csv data only");
    if (c.get_real("data.rescale_min") >= c.get_real("data.rescale_max"))
      throw ConfigError(cat("data.rescale_min = ", c.get_real("data.rescale_min"),
                            " must be below data.rescale_max = ", c.get_real("data.rescale_max")));
  }
  if (c.get_string("data.layout") == "random" && kind != "mogp")
    throw ConfigError(cat("data.layout = random applies to data.kind = mogp only, not ", kind));
  if (kind == "mask")
    free_box(c); // throws on a malformed or out-of-range box
  if ((kind == "grf" || kind == "microstructure") &&
      2 * c.get_int("data.order") <= long(field_shape(c).size()))
    throw ConfigError(cat("data.order = ", c.get_int("data.order"), " must exceed d/2 = ",
                          double(field_shape(c).size()) / 2, " (the SPDE needs a > d/2)"));
  const bool holdout = !c.get_string("data.holdout").empty();
  if (holdout) {
    if (kind != "csv")
      throw ConfigError("data.holdout applies to data.kind = csv only");
    data::parse_index_list(c.get_string("data.holdout"), "data.holdout");
    if (c.get_string("output.holdout_path").empty())
      throw ConfigError("data.holdout needs output.holdout_path (the held-out rows' file)");
    if (c.get_string("output.holdout_path") == c.get_string("output.path"))
      throw ConfigError(cat("output.holdout_path = output.path = ", c.get_string("output.path"),
                            ": the held-out rows need a file of their own"));
  } else if (!c.get_string("output.holdout_path").empty())
    throw ConfigError("output.holdout_path is set but data.holdout names no rows");
  if (c.get_int("data.levels") > 0 && !counts_kind(c))
    throw ConfigError("data.levels applies to counts only (data.kind = idx, or csv with "
                      "data.csv_kind = counts)");
}

// What the summary reports.
struct Outcome {
  io::FieldMeta meta;
  io::Dtype type = io::Dtype::Float64;
  data::FieldStats stats;
  long held_out = 0; // samples written to output.holdout_path
};

// Writes this rank's block of samples (and labels) collectively and atomically to `path`.
// `type` is the stored element type (HDF5 converts from T).
template <class T>
Outcome write_file(const Config& cfg, const Comm& comm, const std::string& path,
                   const io::FieldMeta& meta, io::Dtype type, const std::vector<T>& local,
                   const std::vector<std::int64_t>& labels,
                   const gaussian::Coordinates& points = {}) {
  const data::Range range = data::block_range(meta.samples, comm.rank(), comm.size());
  io::Provenance provenance;
  provenance.config = cfg.effective_text();
  provenance.seed = cfg.get_int("data.seed");
  provenance.ranks = comm.size();
  io::FieldFileWriter writer(path, meta, type, provenance, comm);
  writer.write_fields(range.first, range.count, local.data());
  if (meta.labels)
    writer.write_labels(range.first, range.count, labels.data());
  if (meta.coords)
    writer.write_coords(range.first, range.count, data::repeat_points(points, range.count).data());
  writer.commit();
  return {meta, type, data::field_stats(comm, local)};
}

Outcome generate(const Config& cfg, const Comm& comm) {
  const bool mogp = cfg.get_string("data.kind") == "mogp";
  const long points = cfg.get_int("data.points");
  io::FieldMeta meta = io::FieldMeta::on_unit_box(cfg.get_int("data.n"), {points});
  meta.labels = mogp; // the mixture component of each curve
  meta.coords = cfg.get_string("data.layout") == "random";
  const data::Range range = data::block_range(meta.samples, comm.rank(), comm.size());
  std::vector<double> values(size_t(range.count * points));
  std::vector<std::int64_t> labels(size_t(range.count));
  const auto seed = std::uint64_t(cfg.get_int("data.seed"));
  if (meta.coords) {
    const long point_seed = cfg.get_int("data.point_seed");
    const gaussian::Coordinates x =
        data::random_points(point_seed > 0 ? std::uint64_t(point_seed) : seed, points, 1);
    data::generate_mogp_at(seed, std::vector<double>(x.data(), x.data() + points), range.first,
                           range.count, values.data(), labels.data());
    return write_file(cfg, comm, cfg.get_string("output.path"), meta, io::Dtype::Float64, values,
                      labels, x);
  }
  if (mogp)
    data::generate_mogp(seed, points, range.first, range.count, values.data(), labels.data());
  else
    data::generate_linear(seed, points, range.first, range.count, values.data());
  return write_file(cfg, comm, cfg.get_string("output.path"), meta, io::Dtype::Float64, values,
                    labels);
}

// An inpainting mask for `fieldgen dsd-sample` (sample.mask): one UInt8 field on data.shape with
// data.boundary, 0 on data.free_box (the sites to generate) and 1 elsewhere (frozen).
Outcome generate_mask(const Config& cfg, const Comm& comm) {
  const std::vector<long> shape = field_shape(cfg);
  const auto box = free_box(cfg);
  io::FieldMeta meta = io::FieldMeta::on_unit_box(1, shape);
  meta.periodic.assign(shape.size(), cfg.get_string("data.boundary") == "periodic");
  meta.kind = "counts";
  meta.channel_names = {"frozen"};
  std::vector<std::uint8_t> frozen;
  if (comm.is_root()) {
    frozen.assign(size_t(meta.points()), 1);
    for (long p = 0; p < meta.points(); ++p) {
      bool inside = true;
      for (size_t a = 0, q = size_t(p); a < shape.size(); ++a) {
        const size_t axis = shape.size() - 1 - a; // row-major: last axis fastest
        const long i = long(q % size_t(shape[axis]));
        q /= size_t(shape[axis]);
        inside = inside && i >= box[axis].first && i < box[axis].second;
      }
      frozen[size_t(p)] = inside ? 0 : 1;
    }
  }
  return write_file(cfg, comm, cfg.get_string("output.path"), meta, io::Dtype::UInt8, frozen, {});
}

// Gaussian random fields (grf, Float64) or their level cuts (microstructure, UInt8 counts: one
// unit per pore site), each rank its block of samples with its own SPDE solver (MPI_COMM_SELF).
Outcome generate_field(const Config& cfg, const Comm& comm) {
  const bool micro = cfg.get_string("data.kind") == "microstructure";
  const std::vector<long> shape = field_shape(cfg);
  const size_t d = shape.size();
  io::FieldMeta meta = io::FieldMeta::on_unit_box(cfg.get_int("data.n"), shape);
  meta.periodic.assign(d, cfg.get_string("data.boundary") == "periodic");
  meta.kind = micro ? "counts" : "continuous";
  meta.channel_names = {micro ? "pore" : "u"};
  const data::Range range = data::block_range(meta.samples, comm.rank(), comm.size());
  data::GrfParams p;
  p.order = int(cfg.get_int("data.order"));
  p.variance = cfg.get_real("data.variance");
  p.length_scale = cfg.get_real("data.length_scale");
  const auto seed = std::uint64_t(cfg.get_int("data.seed"));
  const size_t size = size_t(range.count * meta.points());
  if (micro) {
    const data::Microstructure m(meta.grid(), p, cfg.get_real("data.porosity"), seed);
    std::vector<std::uint8_t> phase(size);
    m.generate(range.first, range.count, phase.data());
    return write_file(cfg, comm, cfg.get_string("output.path"), meta, io::Dtype::UInt8, phase, {});
  }
  const data::GaussianRandomField f(meta.grid(), p, seed);
  std::vector<double> values(size);
  f.generate(range.first, range.count, values.data());
  return write_file(cfg, comm, cfg.get_string("output.path"), meta, io::Dtype::Float64, values, {});
}

// Meta of an imported dataset; shape and sample count are known on rank 0 and broadcast here.
io::FieldMeta imported_meta(const Config& cfg, const Comm& comm, long samples,
                            std::vector<long> shape, bool labels) {
  comm.broadcast(&samples, 1);
  long dim = long(shape.size());
  comm.broadcast(&dim, 1);
  shape.resize(size_t(dim));
  comm.broadcast(shape.data(), dim);
  long has_labels = labels;
  comm.broadcast(&has_labels, 1);
  io::FieldMeta meta;
  meta.samples = samples;
  meta.shape = shape;
  meta.lo.assign(size_t(dim), cfg.get_real("data.domain_lo"));
  meta.hi.assign(size_t(dim), cfg.get_real("data.domain_hi"));
  meta.periodic.assign(size_t(dim), false);
  meta.kind = counts_kind(cfg) ? "counts" : "continuous";
  meta.channel_names = {dim == 1 ? "u" : "intensity"};
  meta.labels = has_labels != 0;
  return meta;
}

long limited(const Config& cfg, long n) {
  const long limit = cfg.get_int("data.limit");
  return limit > 0 && limit < n ? limit : n;
}

// Writes the rows of `all` (rank 0 holds them; the others hold nothing) to output.path, or with
// data.holdout the named rows to output.holdout_path and the rest to output.path. Collective.
template <class T>
Outcome write_rows(const Config& cfg, const Comm& comm, io::FieldMeta meta, io::Dtype type,
                   const std::vector<T>& all, const std::vector<long>& held) {
  const auto scatter_write = [&](const std::string& path, long samples, const std::vector<T>& v) {
    meta.samples = samples;
    return write_file(cfg, comm, path, meta, type,
                      data::scatter_samples(comm, v, meta.samples, meta.sample_size()), {});
  };
  if (held.empty())
    return scatter_write(cfg.get_string("output.path"), meta.samples, all);
  data::RowSplit<T> split;
  comm.root_try([&] { split = data::split_rows(all, meta.sample_size(), held, "data.holdout"); });
  comm.broadcast(&split.kept_rows, 1);
  comm.broadcast(&split.held_rows, 1);
  scatter_write(cfg.get_string("output.holdout_path"), split.held_rows, split.held);
  Outcome o = scatter_write(cfg.get_string("output.path"), split.kept_rows, split.kept);
  o.held_out = split.held_rows;
  return o;
}

Outcome import_csv(const Config& cfg, const Comm& comm) {
  const bool counts = counts_kind(cfg);
  long rows = 0, columns = 0;
  std::vector<double> values;
  std::vector<std::int32_t> counted;
  const std::vector<long> held =
      data::parse_index_list(cfg.get_string("data.holdout"), "data.holdout");
  comm.root_try([&] {
    const std::string path = cfg.get_string("data.csv_path");
    data::CsvOptions options;
    options.header = data::detect_from(cfg.get_string("data.csv_header"));
    options.index_column = data::detect_from(cfg.get_string("data.csv_index_column"));
    options.counts = counts;
    data::CsvCurves curves = data::read_csv_curves(path, options);
    rows = limited(cfg, curves.rows);
    columns = curves.columns;
    curves.values.resize(size_t(rows * columns));
    if (cfg.get_bool("data.rescale"))
      data::rescale_min_max(curves.values, cfg.get_real("data.rescale_min"),
                            cfg.get_real("data.rescale_max"), path);
    if (!counts) {
      values = std::move(curves.values);
      return;
    }
    long max_count = 0;
    for (double v : curves.values) {
      if (v > INT32_MAX)
        throw DataError(cat(path, ": count ", v, " exceeds the int32 range of count fields"));
      counted.push_back(std::int32_t(v));
      max_count = std::max(max_count, long(v));
    }
    if (cfg.get_int("data.levels") > 0)
      data::quantise_levels(counted, cfg.get_int("data.levels"), max_count);
  });
  const io::FieldMeta meta = imported_meta(cfg, comm, rows, {columns}, false);
  if (counts)
    return write_rows(cfg, comm, meta, io::Dtype::Int32, counted, held);
  return write_rows(cfg, comm, meta, io::Dtype::Float64, values, held);
}

Outcome import_idx(const Config& cfg, const Comm& comm) {
  long n = 0;
  std::vector<long> shape;
  std::vector<std::int32_t> pixels;
  std::vector<std::int64_t> labels;
  const std::string labels_path = cfg.get_string("data.idx_labels");
  comm.root_try([&] {
    data::IdxImages images = data::read_idx_images(cfg.get_string("data.idx_images"), labels_path);
    n = limited(cfg, images.n);
    shape = {images.rows, images.cols};
    pixels.assign(images.pixels.begin(), images.pixels.begin() + n * images.rows * images.cols);
    labels.assign(images.labels.begin(), images.labels.begin() + (labels_path.empty() ? 0 : n));
    if (cfg.get_int("data.levels") > 0)
      data::quantise_levels(pixels, cfg.get_int("data.levels"), 255); // 8-bit intensities
  });
  const io::FieldMeta meta = imported_meta(cfg, comm, n, shape, !labels_path.empty());
  const auto local_labels =
      meta.labels ? data::scatter_samples(comm, labels, meta.samples, 1) : labels;
  // 8-bit intensities (quantised or not) fit in uint8: a quarter of the int32 file size.
  return write_file(cfg, comm, cfg.get_string("output.path"), meta, io::Dtype::UInt8,
                    data::scatter_samples(comm, pixels, meta.samples, meta.sample_size()),
                    local_labels);
}

void print_summary(const Config& cfg, const Comm& comm, const Outcome& o, double seconds) {
  if (!comm.is_root())
    return;
  const io::FieldMeta& m = o.meta;
  std::string shape;
  for (long d : m.dims())
    shape += (shape.empty() ? "" : ", ") + std::to_string(d);
  std::printf("fieldgen data: %s\n", cfg.get_string("data.kind").c_str());
  std::printf("  samples   %ld (%s, %s)\n", m.samples, m.kind.c_str(),
              m.labels ? "with labels" : "no labels");
  std::printf("  shape     [%s] %s\n", shape.c_str(), io::dtype_name(o.type));
  std::printf("  grid      %s%s\n", m.grid().describe().c_str(),
              m.coords ? " (random points in /coords)" : "");
  std::printf("  values    min %.6g  max %.6g  mean %.6g  std %.6g\n", o.stats.min, o.stats.max,
              o.stats.mean, o.stats.std);
  std::printf("  output    %s\n", cfg.get_string("output.path").c_str());
  if (o.held_out > 0)
    std::printf("  held out  %ld samples (rows %s) -> %s\n", o.held_out,
                cfg.get_string("data.holdout").c_str(),
                cfg.get_string("output.holdout_path").c_str());
  std::printf("  ranks     %d, %.2f s\n", comm.size(), seconds);
  std::fflush(stdout);
}

} // namespace

int command_data(const Args& args) {
  Config cfg = make_config();
  if (!cfg.parse(args))
    return 0;
  check_config(cfg);
  const Comm comm;
  io::check_output_path(cfg.get_string("output.path"), comm);
  if (!cfg.get_string("output.holdout_path").empty())
    io::check_output_path(cfg.get_string("output.holdout_path"), comm);
  const Stopwatch clock;
  const std::string kind = cfg.get_string("data.kind");
  const Outcome outcome = kind == "csv"                               ? import_csv(cfg, comm)
                          : kind == "idx"                             ? import_idx(cfg, comm)
                          : kind == "grf" || kind == "microstructure" ? generate_field(cfg, comm)
                          : kind == "mask"                            ? generate_mask(cfg, comm)
                                                                      : generate(cfg, comm);
  print_summary(cfg, comm, outcome, clock.seconds());
  return 0;
}

} // namespace fieldgen::app
