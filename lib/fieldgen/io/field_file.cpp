// Field files: writer and validating reader (see field_file.hpp).
#include "fieldgen/io/field_file.hpp"

#include "fieldgen/io/agree.hpp"

namespace fieldgen::io {
namespace {

std::string list_text(const std::vector<long>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i)
    s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

// "rank 3 [N, C, n1] with n1 = 64, C = 1"
std::string expected_text(int dim, const FieldExpect& e) {
  std::string s = cat("rank ", dim + 2, " [N, C");
  for (int a = 0; a < dim; ++a)
    s += cat(", n", a + 1);
  s += "]";
  std::string with;
  for (size_t a = 0; a < e.shape.size(); ++a)
    with += cat(with.empty() ? "" : ", ", "n", a + 1, " = ", e.shape[a]);
  if (e.channels > 0)
    with += cat(with.empty() ? "" : ", ", "C = ", e.channels);
  return with.empty() ? s : s + " with " + with;
}

FieldMeta checked(const FieldMeta& meta, Dtype type) {
  meta.check();
  require(meta.kind != "counts" || (type != Dtype::Float32 && type != Dtype::Float64),
          "FieldFileWriter: counts need an integer type, not ", dtype_name(type));
  return meta;
}

} // namespace

FieldMeta FieldMeta::on_unit_box(long samples, std::vector<long> shape) {
  FieldMeta m;
  m.samples = samples;
  m.shape = std::move(shape);
  m.lo.assign(m.shape.size(), 0.0);
  m.hi.assign(m.shape.size(), 1.0);
  m.periodic.assign(m.shape.size(), false);
  m.channel_names = {"u"};
  return m;
}

long FieldMeta::points() const {
  long p = 1;
  for (long n : shape)
    p *= n;
  return p;
}

long FieldMeta::sample_size() const {
  return channels * points();
}

Grid FieldMeta::grid() const {
  return Grid(shape, lo, hi, periodic);
}

std::vector<long> FieldMeta::dims() const {
  std::vector<long> d = {samples, channels};
  d.insert(d.end(), shape.begin(), shape.end());
  return d;
}

void FieldMeta::check() const {
  require(samples >= 1, "FieldMeta: ", samples, " samples");
  require(channels >= 1, "FieldMeta: ", channels, " channels");
  grid(); // checks shape, domain and periodic flags
  require(kind == "continuous" || kind == "counts", "FieldMeta: kind '", kind,
          "' is neither continuous nor counts");
  require(long(channel_names.size()) == channels, "FieldMeta: ", channel_names.size(),
          " channel names for ", channels, " channels");
}

// ---- writer ----

FieldFileWriter::FieldFileWriter(const std::string& path, const FieldMeta& meta, Dtype type,
                                 const Provenance& provenance, const Comm& comm)
    : meta_(checked(meta, type)), out_(path, comm),
      file_(out_.temp_path(), H5File::Mode::Create, comm, path) {
  file_.create_dataset("/fields", type, meta_.dims());
  file_.set_attr("/fields", "kind", meta_.kind);
  file_.set_attr("/fields", "domain_lo", meta_.lo);
  file_.set_attr("/fields", "domain_hi", meta_.hi);
  file_.set_attr("/fields", "periodic",
                 std::vector<long>(meta_.periodic.begin(), meta_.periodic.end()));
  file_.set_attr("/fields", "channel_names", meta_.channel_names);
  if (meta_.labels)
    file_.create_dataset("/labels", Dtype::Int64, {meta_.samples});
  if (meta_.coords)
    file_.create_dataset("/coords", Dtype::Float64, {meta_.samples, meta_.points(), meta_.dim()});
  file_.create_group("/provenance");
  file_.set_attr("/provenance", "version", provenance.version);
  file_.set_attr("/provenance", "config", provenance.config);
  file_.set_attr("/provenance", "seed", provenance.seed);
  file_.set_attr("/provenance", "ranks", provenance.ranks);
}

std::vector<long> FieldFileWriter::offset(long first) const {
  std::vector<long> o(meta_.dims().size(), 0);
  o[0] = first;
  return o;
}

std::vector<long> FieldFileWriter::block(long count) const {
  std::vector<long> b = meta_.dims();
  b[0] = count;
  return b;
}

void FieldFileWriter::write_labels(long first, long count, const std::int64_t* labels) {
  require(meta_.labels, "FieldFileWriter: write_labels without meta.labels");
  file_.write("/labels", {first}, {count}, labels);
}

void FieldFileWriter::write_coords(long first, long count, const double* coords) {
  require(meta_.coords, "FieldFileWriter: write_coords without meta.coords");
  file_.write("/coords", {first, 0, 0}, {count, meta_.points(), long(meta_.dim())}, coords);
}

void FieldFileWriter::write_table(const std::string& name, long width, long first, long count,
                                  const std::int64_t* data) {
  if (!file_.exists(name))
    file_.create_dataset(name, Dtype::Int64, {meta_.samples, width});
  file_.write(name, {first, 0}, {count, width}, data);
}

void FieldFileWriter::commit() {
  file_.close();
  out_.commit();
}

// ---- reader ----

FieldFileReader::FieldFileReader(const std::string& path, const Comm& comm,
                                 const FieldExpect& expect)
    : file_(path, H5File::Mode::Read, comm) {
  const std::string& f = file_.name();
  // Every rank reads the same metadata, so every rank reaches the same verdict.
  agree(file_.comm(), [&] {
    if (!file_.exists("/fields"))
      throw IoError(cat(f, ": no dataset /fields (not a fieldgen field file?)"));
    const DatasetInfo info = file_.dataset_info("/fields");
    const int rank = int(info.dims.size());
    if (rank < 3 || rank > 5)
      throw IoError(cat(f, ": /fields has shape ", info.shape_text(),
                        ", expected rank 3 to 5 [N, C, n1(, n2, n3)]"));
    const int dim = rank - 2;
    const int want_dim = expect.shape.empty() ? expect.dim : int(expect.shape.size());
    bool shape_ok = want_dim == 0 || want_dim == dim;
    for (size_t a = 0; shape_ok && a < expect.shape.size(); ++a)
      shape_ok = info.dims[2 + a] == expect.shape[a];
    shape_ok = shape_ok && (expect.channels == 0 || info.dims[1] == expect.channels);
    if (!shape_ok)
      throw IoError(cat(f, ": /fields has shape ", info.shape_text(), ", expected ",
                        expected_text(want_dim ? want_dim : dim, expect)));
    if (!info.floating && !info.integer)
      throw IoError(cat(f, ": /fields holds ", info.type, ", expected numbers"));

    meta_.samples = info.dims[0];
    meta_.channels = info.dims[1];
    meta_.shape.assign(info.dims.begin() + 2, info.dims.end());
    meta_.kind = file_.attr_string("/fields", "kind");
    if (meta_.kind != "continuous" && meta_.kind != "counts")
      throw IoError(cat(f, ": attribute 'kind' of /fields is '", meta_.kind,
                        "', expected continuous or counts"));
    if (!expect.kind.empty() && meta_.kind != expect.kind)
      throw IoError(cat(f, ": /fields holds ", meta_.kind, " data, expected ", expect.kind));
    if (meta_.kind == "counts" && !info.integer)
      throw IoError(cat(f, ": /fields holds counts as ", info.type, ", expected an integer type"));
    meta_.lo = file_.attr_doubles("/fields", "domain_lo");
    meta_.hi = file_.attr_doubles("/fields", "domain_hi");
    const auto periodic = file_.attr_longs("/fields", "periodic");
    meta_.periodic.assign(periodic.begin(), periodic.end());
    meta_.channel_names = file_.attr_strings("/fields", "channel_names");
    for (const auto& [name, n] : {std::pair<const char*, size_t>{"domain_lo", meta_.lo.size()},
                                  {"domain_hi", meta_.hi.size()},
                                  {"periodic", meta_.periodic.size()}})
      if (long(n) != dim)
        throw IoError(cat(f, ": attribute '", name, "' of /fields has ", n, " values, expected ",
                          dim, " (one per axis)"));
    for (int a = 0; a < dim; ++a)
      if (!(meta_.hi[a] > meta_.lo[a]))
        throw IoError(cat(f, ": /fields domain on axis ", a, " is [", meta_.lo[a], ", ",
                          meta_.hi[a], "], expected lo < hi"));
    if (long(meta_.channel_names.size()) != meta_.channels)
      throw IoError(cat(f, ": attribute 'channel_names' of /fields has ",
                        meta_.channel_names.size(), " names, expected C = ", meta_.channels));

    meta_.labels = file_.exists("/labels");
    if (meta_.labels) {
      const DatasetInfo l = file_.dataset_info("/labels");
      if (l.dims != std::vector<long>{meta_.samples} || !l.integer)
        throw IoError(cat(f, ": /labels has shape ", l.shape_text(), " of ", l.type, ", expected [",
                          meta_.samples, "] of integers (one per sample)"));
    }
    meta_.coords = file_.exists("/coords");
    if (meta_.coords) {
      const DatasetInfo c = file_.dataset_info("/coords");
      const std::vector<long> want = {meta_.samples, meta_.points(), long(dim)};
      if (c.dims != want || !c.floating)
        throw IoError(cat(f, ": /coords has shape ", c.shape_text(), " of ", c.type, ", expected ",
                          list_text(want), " of floats [N, points, d]"));
    }
  });
}

Provenance FieldFileReader::provenance() const {
  Provenance p;
  agree(file_.comm(), [&] {
    if (!file_.exists("/provenance"))
      throw IoError(cat(file_.name(), ": no group /provenance"));
    p.version = file_.attr_string("/provenance", "version");
    p.config = file_.attr_string("/provenance", "config");
    p.seed = file_.attr_long("/provenance", "seed");
    p.ranks = file_.attr_long("/provenance", "ranks");
  });
  return p;
}

std::vector<long> FieldFileReader::offset(long first) const {
  std::vector<long> o(meta_.dims().size(), 0);
  o[0] = first;
  return o;
}

std::vector<long> FieldFileReader::block(long count) const {
  std::vector<long> b = meta_.dims();
  b[0] = count;
  return b;
}

void FieldFileReader::require_optional(bool present, const char* what) const {
  if (!present)
    throw IoError(cat(file_.name(), ": no dataset ", what), ErrorScope::Collective);
}

void FieldFileReader::read_labels(long first, long count, std::int64_t* labels) const {
  require_optional(meta_.labels, "/labels");
  file_.read("/labels", {first}, {count}, labels);
}

void FieldFileReader::read_labels_at(const std::vector<long>& samples, std::int64_t* labels) const {
  require_optional(meta_.labels, "/labels");
  file_.read_rows("/labels", samples, labels);
}

void FieldFileReader::read_coords(long first, long count, double* coords) const {
  require_optional(meta_.coords, "/coords");
  file_.read("/coords", {first, 0, 0}, {count, meta_.points(), long(meta_.dim())}, coords);
}

} // namespace fieldgen::io
