// io and data at 1, 2 and 4 ranks: field files written sharded and read back with another
// sharding bit for bit, layout errors reported identically on every rank, atomic output, dataset
// batches that cover every sample once per epoch in the serially computed order for any rank
// count (and resume exactly), generators independent of the rank count, and parameter files.
#include <doctest/doctest.h>

#include "fieldgen/core/comm.hpp"
#include "fieldgen/data/dataset.hpp"
#include "fieldgen/data/linear.hpp"
#include "fieldgen/data/mogp.hpp"
#include "fieldgen/data/permutation.hpp"
#include "fieldgen/data/sharding.hpp"
#include "fieldgen/io/field_file.hpp"
#include "fieldgen/io/parameter_file.hpp"
#include "fieldgen/nn/parameters.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

using namespace fieldgen;

namespace {

// File names carry the rank count: CTest may run the 1-, 2- and 4-rank tests side by side.
std::string name(const std::string& stem, const Comm& comm) {
  return cat("t_", stem, "_np", comm.size(), ".h5");
}

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

void remove_file(const Comm& comm, const std::string& path) {
  comm.barrier();
  if (comm.is_root())
    std::remove(path.c_str());
  comm.barrier();
}

// The error every rank gets from fn: kind and message, "" if none.
std::string error_of(const std::function<void()>& fn, const std::string& kind = "io") {
  try {
    fn();
  } catch (const Error& e) {
    CHECK(e.kind() == kind);
    CHECK(e.scope() == ErrorScope::Collective);
    return e.what();
  }
  FAIL_CHECK("no error thrown");
  return "";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A test field: value of sample s, channel c, point p (exact in float).
double value(long s, long c, long p) {
  return double(s * 1000 + c * 100 + p) + 0.25;
}

io::FieldMeta test_meta(long n) {
  io::FieldMeta m;
  m.samples = n;
  m.channels = 2;
  m.shape = {5, 3};
  m.lo = {0.0, -1.0};
  m.hi = {2.0, 1.0};
  m.periodic = {true, false};
  m.kind = "continuous";
  m.channel_names = {"rho", "T"};
  m.labels = true;
  m.coords = true;
  return m;
}

// Writes the test field sharded by block_range, stored as `type`.
void write_test_file(const std::string& path, const io::FieldMeta& m, io::Dtype type,
                     const Comm& comm) {
  const data::Range r = data::block_range(m.samples, comm.rank(), comm.size());
  std::vector<double> f, coords;
  std::vector<std::int64_t> labels;
  for (long s = r.first; s < r.first + r.count; ++s) {
    labels.push_back(7 * s);
    for (long c = 0; c < m.channels; ++c)
      for (long p = 0; p < m.points(); ++p)
        f.push_back(value(s, c, p));
    for (long p = 0; p < m.points(); ++p)
      for (int a = 0; a < m.dim(); ++a)
        coords.push_back(double(s) + 0.5 * p + a);
  }
  io::Provenance prov;
  prov.config = "[data]\nkind = test\n";
  prov.seed = 99;
  prov.ranks = comm.size();
  io::FieldFileWriter w(path, m, type, prov, comm);
  w.write_fields(r.first, r.count, f.data());
  w.write_labels(r.first, r.count, labels.data());
  w.write_coords(r.first, r.count, coords.data());
  w.commit();
}

} // namespace

TEST_CASE("field file: sharded write, read back with another sharding, bit for bit") {
  const Comm comm;
  const std::string path = name("roundtrip", comm);
  const long n = 13; // not a multiple of 2 or 4: uneven shards
  for (io::Dtype type : {io::Dtype::Float64, io::Dtype::Float32}) {
    CAPTURE(io::dtype_name(type));
    write_test_file(path, test_meta(n), type, comm);
    CHECK_FALSE(exists(path + ".tmp"));

    io::FieldFileReader reader(path, comm, {2, {5, 3}, 2, "continuous"});
    const io::FieldMeta& m = reader.meta();
    CHECK(m.samples == n);
    CHECK(m.channels == 2);
    CHECK(m.shape == std::vector<long>{5, 3});
    CHECK(m.lo == std::vector<double>{0.0, -1.0});
    CHECK(m.hi == std::vector<double>{2.0, 1.0});
    CHECK(m.periodic == std::vector<bool>{true, false});
    CHECK(m.channel_names == std::vector<std::string>{"rho", "T"});
    CHECK(m.labels);
    CHECK(m.coords);
    const io::Provenance p = reader.provenance();
    CHECK(p.version == FIELDGEN_VERSION);
    CHECK(p.config == "[data]\nkind = test\n");
    CHECK(p.seed == 99);
    CHECK(p.ranks == comm.size());

    // Reversed blocks: rank r reads the block rank P-1-r wrote.
    const data::Range r = data::block_range(n, comm.size() - 1 - comm.rank(), comm.size());
    std::vector<double> f(size_t(r.count * m.sample_size()));
    std::vector<float> ff(f.size());
    std::vector<std::int64_t> labels(size_t(r.count));
    reader.read_fields(r.first, r.count, f.data());
    reader.read_fields(r.first, r.count, ff.data());
    reader.read_labels(r.first, r.count, labels.data());
    bool same = true;
    size_t k = 0;
    for (long s = r.first; s < r.first + r.count; ++s) {
      same = same && labels[size_t(s - r.first)] == 7 * s;
      for (long c = 0; c < m.channels; ++c)
        for (long q = 0; q < m.points(); ++q, ++k)
          same = same && f[k] == value(s, c, q) && ff[k] == float(value(s, c, q));
    }
    CHECK(same);

    // Strided samples r, r + P, ... through the indexed read; coords of the first sample.
    std::vector<long> mine;
    for (long s = comm.rank(); s < n; s += comm.size())
      mine.push_back(s);
    std::vector<double> g(mine.size() * size_t(m.sample_size()));
    std::vector<std::int64_t> gl(mine.size());
    reader.read_fields_at(mine, g.data());
    reader.read_labels_at(mine, gl.data());
    same = true;
    k = 0;
    for (size_t i = 0; i < mine.size(); ++i) {
      same = same && gl[i] == 7 * mine[i];
      for (long c = 0; c < m.channels; ++c)
        for (long q = 0; q < m.points(); ++q, ++k)
          same = same && g[k] == value(mine[i], c, q);
    }
    CHECK(same);
    std::vector<double> coords(size_t(m.points() * m.dim()));
    reader.read_coords(3, 1, coords.data());
    CHECK(coords[2 * 4 + 1] == 3 + 0.5 * 4 + 1);
  }
  remove_file(comm, path);
}

TEST_CASE("field file: layout errors name the file and expected vs found on every rank") {
  const Comm comm;
  const std::string path = name("layout", comm);
  write_test_file(path, test_meta(10), io::Dtype::Float32, comm);

  CHECK(error_of([&] {
          io::FieldFileReader(path, comm, {0, {6, 3}, 0, ""});
        }) == path +
                  ": /fields has shape [10, 2, 5, 3], expected rank 4 [N, C, n1, n2] with n1 = 6, "
                  "n2 = 3");
  CHECK(error_of([&] {
          io::FieldFileReader(path, comm, {1, {}, 0, ""});
        }) == path + ": /fields has shape [10, 2, 5, 3], expected rank 3 [N, C, n1]");
  CHECK(contains(error_of([&] {
                   io::FieldFileReader(path, comm, {2, {}, 1, ""});
                 }),
                 "expected rank 4 [N, C, n1, n2] with C = 1"));
  CHECK(contains(error_of([&] {
                   io::FieldFileReader(path, comm, {0, {}, 0, "counts"});
                 }),
                 path + ": /fields holds continuous data, expected counts"));

  const std::string missing = name("missing", comm);
  CHECK(contains(error_of([&] { io::FieldFileReader(missing, comm); }),
                 missing + ": cannot open (No such file or directory)"));

  const std::string text = name("text", comm);
  if (comm.is_root())
    std::ofstream(text) << "not hdf5 at all\n";
  comm.barrier();
  CHECK(contains(error_of([&] { io::FieldFileReader(text, comm); }), text + ": not an HDF5 file"));

  // The first 1000 bytes of a real file: an HDF5 signature, then nothing.
  const std::string cut = name("truncated", comm);
  if (comm.is_root()) {
    std::ifstream in(path, std::ios::binary);
    std::vector<char> head(1000);
    in.read(head.data(), std::streamsize(head.size()));
    std::ofstream(cut, std::ios::binary).write(head.data(), std::streamsize(head.size()));
  }
  comm.barrier();
  const std::string m = error_of([&] { io::FieldFileReader(cut, comm); });
  CHECK(contains(m, cut + ": "));
  CHECK(contains(m, "truncated"));

  // A valid HDF5 file that is not a field file: a parameter file.
  const std::string other = name("other", comm);
  io::VectorFileWriter vw(other, {{"w", 0, 4}}, comm);
  const std::vector<float> four(4, 1.0f);
  vw.write("values", four.data());
  vw.commit();
  CHECK(error_of([&] { io::FieldFileReader(other, comm); }) ==
        other + ": no dataset /fields (not a fieldgen field file?)");

  for (const auto& f : {path, text, cut, other})
    remove_file(comm, f);
}

TEST_CASE("atomic output: no file and no temporary file after an error, replace on commit") {
  const Comm comm;
  const std::string path = name("atomic", comm);
  const io::FieldMeta m = test_meta(4);
  CHECK(contains(error_of(
                     [&] {
                       io::FieldFileWriter w(path, m, io::Dtype::Float64, {}, comm);
                       // A collective failure half way: the labels do not fit the dataset.
                       const std::vector<std::int64_t> l(8, 0);
                       w.write_labels(0, 8, l.data());
                       w.commit();
                     },
                     "usage"),
                 "exceeds /labels [4]"));
  comm.barrier();
  CHECK_FALSE(exists(path));
  CHECK_FALSE(exists(path + ".tmp"));
  comm.barrier(); // everyone has looked before rank 0 puts an old file there

  if (comm.is_root())
    std::ofstream(path) << "old content";
  comm.barrier();
  write_test_file(path, m, io::Dtype::Float64, comm);
  CHECK(io::FieldFileReader(path, comm).meta().samples == 4);
  CHECK_FALSE(exists(path + ".tmp"));

  CHECK(contains(error_of([&] { io::AtomicOutput("no_such_dir/x.h5", comm); }),
                 "no_such_dir/x.h5: output directory 'no_such_dir/' does not exist"));
  remove_file(comm, path);
}

namespace {

// A one-point field file whose sample s holds the value s, labelled 7 s.
std::string index_file(long n, const Comm& comm) {
  const std::string path = name(cat("index", n), comm);
  io::FieldMeta m = io::FieldMeta::on_unit_box(n, {2});
  m.labels = true;
  const data::Range r = data::block_range(n, comm.rank(), comm.size());
  std::vector<double> f;
  std::vector<std::int64_t> l;
  for (long s = r.first; s < r.first + r.count; ++s) {
    f.insert(f.end(), {double(s), double(s)});
    l.push_back(7 * s);
  }
  io::FieldFileWriter w(path, m, io::Dtype::Float64, {}, comm);
  w.write_fields(r.first, r.count, f.data());
  w.write_labels(r.first, r.count, l.data());
  w.commit();
  return path;
}

// Reads one batch on every rank; returns the whole global batch (sample ids, in batch order).
std::vector<long> next_global_batch(data::Dataset& ds, const Comm& comm) {
  const long b = ds.local_batch();
  std::vector<double> f(size_t(b * 2));
  std::vector<std::int64_t> l(static_cast<size_t>(b));
  ds.next(f.data(), l.data());
  std::vector<long> mine;
  for (long i = 0; i < b; ++i) {
    CHECK(l[size_t(i)] == 7 * long(f[size_t(2 * i)]));
    mine.push_back(long(f[size_t(2 * i)]));
  }
  std::vector<long> all(size_t(b * comm.size()));
  FIELDGEN_MPI_CHECK(
      MPI_Allgather(mine.data(), int(b), MPI_LONG, all.data(), int(b), MPI_LONG, comm.get()));
  return all;
}

} // namespace

TEST_CASE("dataset: every sample once per epoch, in the serial order for any rank count") {
  const Comm comm;
  const long n = 24, batch = 8, seed = 17;
  const std::string path = index_file(n, comm);
  data::Dataset::Options opt;
  opt.batch = batch;
  opt.seed = seed;
  data::Dataset ds(path, comm, opt);
  CHECK(ds.batches_per_epoch() == 3);
  CHECK(ds.local_batch() == batch / comm.size());
  std::vector<std::vector<long>> seen;
  for (long e = 0; e < 3; ++e) {
    const auto perm = data::epoch_permutation(n, seed, e);
    std::vector<int> count(size_t(n), 0);
    for (long b = 0; b < 3; ++b) {
      CHECK(ds.position() == data::DataPosition{e, b});
      const auto got = next_global_batch(ds, comm);
      seen.push_back(got);
      CHECK(got == std::vector<long>(perm.begin() + b * batch, perm.begin() + (b + 1) * batch));
      for (long s : got)
        ++count[size_t(s)];
    }
    CHECK(std::all_of(count.begin(), count.end(), [](int c) { return c == 1; }));
  }
  // Resume at (epoch 1, batch 2) and at (2, 0): the same batches as the uninterrupted run.
  data::Dataset resumed(path, comm, opt);
  resumed.seek({1, 2});
  CHECK(next_global_batch(resumed, comm) == seen[5]);
  CHECK(resumed.position() == data::DataPosition{2, 0});
  CHECK(next_global_batch(resumed, comm) == seen[6]);

  // Unshuffled: file order.
  opt.shuffle = false;
  data::Dataset plain(path, comm, opt);
  CHECK(next_global_batch(plain, comm) == std::vector<long>{0, 1, 2, 3, 4, 5, 6, 7});
  remove_file(comm, path);
}

TEST_CASE("dataset: the N mod B rest is skipped, and bad batch sizes are refused") {
  const Comm comm;
  const long n = 27;
  const std::string path = index_file(n, comm);
  data::Dataset::Options opt;
  opt.batch = 8;
  data::Dataset ds(path, comm, opt);
  CHECK(ds.batches_per_epoch() == 3);
  std::vector<int> count(size_t(n), 0);
  for (int b = 0; b < 3; ++b)
    for (long s : next_global_batch(ds, comm))
      ++count[size_t(s)];
  CHECK(std::count(count.begin(), count.end(), 1) == 24);
  CHECK(std::count(count.begin(), count.end(), 0) == 3);
  CHECK(ds.position() == data::DataPosition{1, 0});

  opt.batch = 32;
  CHECK(contains(error_of([&] { data::Dataset(path, comm, opt); }, "config"),
                 "batch size 32 exceeds the 27 samples"));
  if (comm.size() > 1) {
    opt.batch = 2 * comm.size() + 1;
    CHECK(contains(error_of([&] { data::Dataset(path, comm, opt); }, "config"),
                   "must be a positive multiple of the number of ranks"));
  }
  remove_file(comm, path);
}

TEST_CASE("generators: a sharded MoGP/Linear file equals the serial computation") {
  const Comm comm;
  const long n = 11, points = 16;
  for (bool mogp : {true, false}) {
    CAPTURE(mogp);
    const std::string path = name(mogp ? "mogp" : "linear", comm);
    io::FieldMeta m = io::FieldMeta::on_unit_box(n, {points});
    m.labels = mogp;
    const data::Range r = data::block_range(n, comm.rank(), comm.size());
    std::vector<double> f(size_t(r.count * points));
    std::vector<std::int64_t> l(size_t(r.count));
    if (mogp)
      data::generate_mogp(5, points, r.first, r.count, f.data(), l.data());
    else
      data::generate_linear(5, points, r.first, r.count, f.data());
    {
      io::FieldFileWriter w(path, m, io::Dtype::Float64, {}, comm);
      w.write_fields(r.first, r.count, f.data());
      if (mogp)
        w.write_labels(r.first, r.count, l.data());
      w.commit();
    }
    std::vector<double> serial(size_t(n * points)), read(serial.size());
    std::vector<std::int64_t> serial_l(static_cast<size_t>(n)), read_l(static_cast<size_t>(n));
    if (mogp)
      data::generate_mogp(5, points, 0, n, serial.data(), serial_l.data());
    else
      data::generate_linear(5, points, 0, n, serial.data());
    io::FieldFileReader reader(path, comm);
    reader.read_fields(0, n, read.data());
    CHECK(read == serial);
    if (mogp) {
      reader.read_labels(0, n, read_l.data());
      CHECK(read_l == serial_l);
    }
    remove_file(comm, path);
  }
}

TEST_CASE("parameter files: round trip, extra vectors, block table mismatch") {
  const Comm comm;
  const std::string path = name("params", comm);
  nn::Parameters<float> p;
  p.reserve("lift.weight", 6);
  p.reserve("lift.bias", 3);
  p.reserve("proj.weight", 5);
  p.allocate();
  auto host = Kokkos::create_mirror_view(p.values());
  for (long i = 0; i < p.size(); ++i)
    host(i) = 0.5f * float(i) - 1.0f / 3.0f;
  Kokkos::deep_copy(p.values(), host);
  io::save_parameters(path, p, comm, "[train]\nlr = 0.001\n");
  CHECK_FALSE(exists(path + ".tmp"));

  nn::Parameters<float> q;
  q.reserve("lift.weight", 6);
  q.reserve("lift.bias", 3);
  q.reserve("proj.weight", 5);
  q.allocate();
  io::load_parameters(path, q, comm);
  auto qh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), q.values());
  bool same = true;
  for (long i = 0; i < p.size(); ++i)
    same = same && qh(i) == host(i);
  CHECK(same);

  nn::Parameters<float> wrong;
  wrong.reserve("lift.weight", 6);
  wrong.reserve("lift.bias", 4);
  wrong.reserve("proj.weight", 5);
  wrong.allocate();
  CHECK(error_of([&] { io::load_parameters(path, wrong, comm); }) ==
        path + ": parameter block 1 is 'lift.bias' (offset 6, size 3), expected 'lift.bias' "
               "(offset 6, size 4)");
  nn::Parameters<float> shorter;
  shorter.reserve("lift.weight", 6);
  shorter.allocate();
  CHECK(contains(error_of([&] { io::load_parameters(path, shorter, comm); }),
                 "parameter block 1 'lift.bias' (offset 6, size 3) is not in the model"));

  // Checkpoint-style: several named vectors, read back converted to double.
  const io::BlockTable table = io::block_table(p);
  const std::vector<float> m1(size_t(p.size()), 0.25f), m2(size_t(p.size()), 2.0f);
  io::VectorFileWriter w(path, table, comm);
  w.write("values", host.data());
  w.write("adam_m", m1.data());
  w.write("adam_v", m2.data());
  w.file().set_attr("/", "step", 1234L);
  w.commit();
  io::VectorFileReader r(path, table, comm);
  CHECK(r.has("adam_v"));
  CHECK_FALSE(r.has("ema"));
  std::vector<double> back(size_t(p.size()));
  r.read("adam_m", back.data());
  CHECK(back == std::vector<double>(size_t(p.size()), 0.25));
  CHECK(r.file().attr_long("/", "step") == 1234);
  CHECK(error_of([&] { r.read("ema", back.data()); }) == path + ": no dataset /parameters/ema");
  remove_file(comm, path);
}
