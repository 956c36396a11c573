// data module, serial parts: MoGP and Linear statistics and reproducibility, the CSV reader
// (detection rules, every malformed-input error), IDX raw/gzip round trips and errors, the real
// data sets (AEMET through FIELDGEN_SHARED_DIR, Fashion-MNIST from the Debian package), value
// transforms, per-epoch permutations and the sample split over ranks.
#include <doctest/doctest.h>

#include "fieldgen/core/error.hpp"
#include "fieldgen/data/csv.hpp"
#include "fieldgen/data/idx.hpp"
#include "fieldgen/data/linear.hpp"
#include "fieldgen/data/mogp.hpp"
#include "fieldgen/data/permutation.hpp"
#include "fieldgen/data/sharding.hpp"
#include "fieldgen/data/transforms.hpp"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

using namespace fieldgen;
using namespace fieldgen::data;

namespace {

std::string write_text(const std::string& name, const std::string& text) {
  std::ofstream(name, std::ios::binary) << text;
  return name;
}

// The message of the fieldgen::Error that fn throws, or "" (and a failed check) if none.
std::string error_of(const std::function<void()>& fn, const std::string& kind) {
  try {
    fn();
  } catch (const Error& e) {
    CHECK(e.kind() == kind);
    return e.what();
  }
  FAIL_CHECK("no error thrown");
  return "";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

double x_of(long j, long n) {
  return double(j) / double(n - 1);
}

} // namespace

TEST_CASE("mogp: moments, components and kernel match the reference mixture") {
  const long n = 4000, points = 32;
  std::vector<double> u(size_t(n * points));
  std::vector<std::int64_t> comp(static_cast<size_t>(n));
  generate_mogp(7, points, 0, n, u.data(), comp.data());
  // Exactly balanced components (one of each per pair of samples).
  CHECK(std::count(comp.begin(), comp.end(), 0) == n / 2);
  for (long j = 0; j < points; ++j) {
    const double m = 10 * x_of(j, points) - 5;
    double s = 0, ss = 0;
    for (long i = 0; i < n; ++i) {
      s += u[size_t(i * points + j)];
      ss += u[size_t(i * points + j)] * u[size_t(i * points + j)];
    }
    const double mean = s / n, var = ss / n - mean * mean;
    // Standard error of the mean: sqrt(0.4 / n) = 0.01; of the variance (0.4 + m^2) <= 0.1.
    CHECK(std::abs(mean) < 0.06);
    CHECK(var == doctest::Approx(0.4 + m * m).epsilon(0.03));
  }
  // Every curve lies near the mean line of its component, far from the other one.
  double cov0 = 0, cov1 = 0, cov3 = 0;
  for (long i = 0; i < n; ++i) {
    double own = 0, other = 0;
    for (long j = 0; j < points; ++j) {
      const double m = 10 * x_of(j, points) - 5, v = u[size_t(i * points + j)];
      const double r = comp[size_t(i)] == 0 ? v - m : v + m;
      own += r * r;
      other += (comp[size_t(i)] == 0 ? v + m : v - m) * (comp[size_t(i)] == 0 ? v + m : v - m);
    }
    REQUIRE(own < other);
    // Residual covariance at lags 0, 1 and 3 grid steps from point 10.
    auto res = [&](long j) {
      const double m = 10 * x_of(j, points) - 5, v = u[size_t(i * points + j)];
      return comp[size_t(i)] == 0 ? v - m : v + m;
    };
    cov0 += res(10) * res(10);
    cov1 += res(10) * res(11);
    cov3 += res(10) * res(13);
  }
  const double h = 1.0 / (points - 1);
  auto k = [&](double d) { return 0.4 * std::exp(-d * d / (2 * 0.1 * 0.1)); };
  // Standard error of a covariance estimate ~ 0.4 * sqrt(2 / n) = 0.009.
  CHECK(std::abs(cov0 / n - k(0)) < 0.04);
  CHECK(std::abs(cov1 / n - k(h)) < 0.04);
  CHECK(std::abs(cov3 / n - k(3 * h)) < 0.04);
}

TEST_CASE("generators: sample i does not depend on how the samples are split") {
  const long points = 17, n = 50;
  std::vector<double> whole(size_t(n * points)), parts(size_t(n * points));
  std::vector<std::int64_t> cw(static_cast<size_t>(n)), cp(static_cast<size_t>(n));
  generate_mogp(3, points, 0, n, whole.data(), cw.data());
  generate_mogp(3, points, 0, 21, parts.data(), cp.data());
  generate_mogp(3, points, 21, n - 21, parts.data() + 21 * points, cp.data() + 21);
  CHECK(whole == parts);
  CHECK(cw == cp);
  std::vector<double> other(size_t(n * points));
  generate_mogp(4, points, 0, n, other.data(), nullptr);
  CHECK(other != whole);

  generate_linear(3, points, 0, n, whole.data());
  generate_linear(3, points, 0, 13, parts.data());
  generate_linear(3, points, 13, n - 13, parts.data() + 13 * points);
  CHECK(whole == parts);
}

TEST_CASE("linear: slope ~ N(2, 0.25) and bias ~ N(-1, 0.07) (std, not variance)") {
  const long n = 20000, points = 9;
  std::vector<double> u(size_t(n * points));
  generate_linear(11, points, 0, n, u.data());
  double sa = 0, saa = 0, sb = 0, sbb = 0;
  for (long i = 0; i < n; ++i) {
    const double b = u[size_t(i * points)], a = u[size_t(i * points + points - 1)] - b;
    for (long j = 0; j < points; ++j)
      REQUIRE(u[size_t(i * points + j)] == doctest::Approx(a * x_of(j, points) + b));
    sa += a;
    saa += a * a;
    sb += b;
    sbb += b * b;
  }
  const double ma = sa / n, mb = sb / n;
  // Standard errors: slope mean 0.0018, bias mean 0.0005, stds about 0.5% relative.
  CHECK(std::abs(ma - 2.0) < 0.01);
  CHECK(std::abs(mb + 1.0) < 0.003);
  CHECK(std::sqrt(saa / n - ma * ma) == doctest::Approx(0.25).epsilon(0.03));
  CHECK(std::sqrt(sbb / n - mb * mb) == doctest::Approx(0.07).epsilon(0.03));
}

TEST_CASE("csv: header and index column detection") {
  SUBCASE("R/pandas style: empty corner, quoted index, header") {
    const auto f = write_text("t_csv_r.csv", "\"\",\"X1\",\"X2\",\"X3\"\n\"1\",1.5,2,3\n"
                                             "\"2\",4,5,6.25\n");
    const CsvCurves c = read_csv_curves(f);
    CHECK(c.header);
    CHECK(c.index_column);
    CHECK(c.rows == 2);
    CHECK(c.columns == 3);
    CHECK(c.values == std::vector<double>{1.5, 2, 3, 4, 5, 6.25});
    std::remove(f.c_str());
  }
  SUBCASE("plain numbers, CRLF, blank lines and a byte-order mark") {
    const auto f = write_text("t_csv_plain.csv", "\xEF\xBB\xBF"
                                                 "0.5, -1e-3 ,7\r\n\r\n2,3,4\r\n\n");
    const CsvCurves c = read_csv_curves(f);
    CHECK_FALSE(c.header);
    CHECK_FALSE(c.index_column);
    CHECK(c.values == std::vector<double>{0.5, -1e-3, 7, 2, 3, 4});
    std::remove(f.c_str());
  }
  SUBCASE("a 0, 1, 2 counter and station names are index columns") {
    const auto f = write_text("t_csv_counter.csv", "0,5,6\n1,7,8\n2,9,10\n");
    CHECK(read_csv_curves(f).index_column);
    CHECK(read_csv_curves(f).columns == 2);
    const auto g = write_text("t_csv_names.csv", "name,a,b\nMadrid,1,2\nBilbao,3,4\n");
    const CsvCurves c = read_csv_curves(g);
    CHECK(c.header);
    CHECK(c.index_column);
    CHECK(c.values == std::vector<double>{1, 2, 3, 4});
    CsvOptions forced;
    forced.index_column = Detect::No;
    forced.header = Detect::No;
    CHECK(read_csv_curves(f, forced).columns == 3);
    std::remove(f.c_str());
    std::remove(g.c_str());
  }
  SUBCASE("a numeric header needs header = yes") {
    const auto f = write_text("t_csv_numhead.csv", "0,0.5,1\n3,4,5\n");
    CsvOptions o;
    o.header = Detect::Yes;
    const CsvCurves c = read_csv_curves(f, o);
    CHECK(c.rows == 1);
    CHECK(c.values == std::vector<double>{3, 4, 5});
    std::remove(f.c_str());
  }
}

TEST_CASE("csv: malformed input names file, line and column") {
  struct Case {
    const char* text;
    bool counts;
    std::vector<std::string> parts;
  };
  const std::vector<Case> cases = {
      {"1,2,3\n4,NaN,6\n", false, {"line 2, column 2", "'NaN' is not a finite number"}},
      {"1,2,3\n4,5,inf\n", false, {"line 2, column 3", "not a finite number"}},
      {"a,b,c\n1,2,3\n4,5x,6\n", false, {"line 3, column 2", "'5x' is not a number"}},
      {"1,2,3\n4,,6\n", false, {"line 2, column 2", "empty cell"}},
      {"1,2,3\n4,5,6\n7,8\n", false, {"line 3 has 2 cells, expected 3"}},
      {"1,2,3\n\n4,5,6,7\n", false, {"line 3 has 4 cells, expected 3"}},
      {"1,2,3\n4,-5,6\n", true, {"line 2, column 2", "count -5 is negative"}},
      {"1,2,3\n4,5.5,6\n", true, {"line 2, column 2", "count 5.5 is not a whole number"}},
      {"1,\"2,3\n", false, {"line 1", "unterminated quote"}},
      {"", false, {"no data"}},
      {"a,b,c\n", false, {"no data rows after the header"}},
      {"5\n7\n", false, {"1 value column(s), expected at least 2"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    const auto f = write_text("t_csv_bad.csv", c.text);
    CsvOptions o;
    o.counts = c.counts;
    const std::string msg = error_of([&] { read_csv_curves(f, o); }, "data");
    CHECK(contains(msg, "t_csv_bad.csv"));
    for (const auto& part : c.parts)
      CHECK(contains(msg, part));
    std::remove(f.c_str());
  }
  CsvOptions no_header;
  no_header.header = Detect::No;
  const auto f = write_text("t_csv_head.csv", "a,b,c\n1,2,3\n");
  CHECK(contains(error_of([&] { read_csv_curves(f, no_header); }, "data"),
                 "line 1, column 1: 'a' is not a number"));
  std::remove(f.c_str());
  CHECK(contains(error_of([] { read_csv_curves("t_no_such.csv"); }, "io"),
                 "t_no_such.csv: cannot open"));
}

TEST_CASE("transforms: global min-max rescale and count levels") {
  std::vector<double> v = {2, 4, 6, 10};
  rescale_min_max(v, -3, 3, "x");
  CHECK(v == std::vector<double>{-3, -1.5, 0, 3});
  std::vector<double> flat = {1, 1};
  CHECK(contains(error_of([&] { rescale_min_max(flat, -3, 3, "flat.csv"); }, "data"),
                 "flat.csv: every value is 1"));
  std::vector<std::int32_t> c = {0, 63, 64, 127, 128, 255};
  quantise_levels(c, 4, 255);
  CHECK(c == std::vector<std::int32_t>{0, 0, 1, 1, 2, 3});
}

TEST_CASE("transforms: held-out row lists and the train / held-out split") {
  CHECK(parse_index_list("", "data.holdout").empty());
  CHECK(parse_index_list("3, 0 ,12", "data.holdout") == std::vector<long>{3, 0, 12});
  for (const char* bad : {"1,,2", "a", "-1", "1.5", "2,", "3 4"})
    CHECK(contains(error_of([&] { parse_index_list(bad, "data.holdout"); }, "config"),
                   "data.holdout"));
  CHECK(contains(error_of([] { parse_index_list("1, 2, 1", "data.holdout"); }, "config"),
                 "row 1 is listed twice"));
  // 4 rows of 2 values: row r holds {10 r, 10 r + 1}.
  const std::vector<double> v = {0, 1, 10, 11, 20, 21, 30, 31};
  const RowSplit<double> s = split_rows(v, 2, {3, 1}, "x.csv");
  CHECK(s.held == std::vector<double>{30, 31, 10, 11}); // in the listed order
  CHECK(s.kept == std::vector<double>{0, 1, 20, 21});
  CHECK(s.held_rows == 2);
  CHECK(s.kept_rows == 2);
  CHECK(contains(error_of([&] { split_rows(v, 2, {4}, "x.csv"); }, "data"),
                 "x.csv: held-out row 4 does not exist (4 rows)"));
  CHECK(contains(error_of(
                     [&] {
                       split_rows(v, 2, {0, 1, 2, 3}, "x.csv");
                     },
                     "data"),
                 "all 4 rows are held out"));
}

namespace {

std::vector<std::uint8_t> idx_bytes(std::uint32_t magic, const std::vector<std::uint32_t>& dims,
                                    const std::vector<std::uint8_t>& data) {
  std::vector<std::uint8_t> b;
  auto put = [&](std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8)
      b.push_back(std::uint8_t(v >> s));
  };
  put(magic);
  for (auto d : dims)
    put(d);
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

std::string write_bytes(const std::string& name, const std::vector<std::uint8_t>& b, bool gz) {
  if (gz) {
    gzFile f = gzopen(name.c_str(), "wb");
    REQUIRE(f);
    REQUIRE(gzwrite(f, b.data(), unsigned(b.size())) == int(b.size()));
    gzclose(f);
  } else
    std::ofstream(name, std::ios::binary)
        .write(reinterpret_cast<const char*>(b.data()), std::streamsize(b.size()));
  return name;
}

} // namespace

TEST_CASE("idx: raw and gzipped round trip") {
  std::vector<std::uint8_t> pixels(5 * 3 * 4);
  for (size_t i = 0; i < pixels.size(); ++i)
    pixels[i] = std::uint8_t(i * 37 % 256);
  const std::vector<std::uint8_t> labels = {3, 1, 4, 1, 5};
  for (bool gz : {false, true}) {
    CAPTURE(gz);
    const auto im = write_bytes("t_idx_images", idx_bytes(0x803, {5, 3, 4}, pixels), gz);
    const auto lb = write_bytes("t_idx_labels", idx_bytes(0x801, {5}, labels), gz);
    const IdxImages r = read_idx_images(im, lb);
    CHECK(r.n == 5);
    CHECK(r.rows == 3);
    CHECK(r.cols == 4);
    CHECK(r.pixels == pixels);
    CHECK(r.labels == labels);
    CHECK(read_idx_images(im, "").labels.empty());
    std::remove(im.c_str());
    std::remove(lb.c_str());
  }
}

TEST_CASE("idx: bad magic, truncation, trailing bytes and count mismatch") {
  const std::vector<std::uint8_t> px(2 * 2 * 2, 9);
  auto msg = [](const std::vector<std::uint8_t>& b, bool gz) {
    const auto f = write_bytes("t_idx_bad", b, gz);
    const std::string m = error_of([&] { read_idx(f, 3); }, "data");
    CHECK(contains(m, "t_idx_bad"));
    std::remove(f.c_str());
    return m;
  };
  CHECK(contains(msg(idx_bytes(0x801, {2, 2, 2}, px), false),
                 "bad IDX magic number 0x00000801 at byte offset 0, expected 0x00000803"));
  CHECK(contains(msg(idx_bytes(0x0D03, {2, 2, 2}, px), true), "bad IDX magic number 0x00000d03"));
  CHECK(contains(msg({0, 0}, false), "truncated IDX header: 2 bytes"));
  CHECK(contains(msg(idx_bytes(0x803, {2}, {}), false), "dimension sizes end at byte offset 16"));
  auto cut = idx_bytes(0x803, {2, 2, 2}, px);
  cut.resize(cut.size() - 3);
  CHECK(contains(msg(cut, false),
                 "truncated IDX data: 2x2x2 needs 8 bytes from byte offset 16, the file ends at "
                 "byte offset 21"));
  CHECK(contains(msg(cut, true), "of the decompressed stream"));
  auto longer = idx_bytes(0x803, {2, 2, 2}, px);
  longer.push_back(1);
  CHECK(
      contains(msg(longer, false), "1 unexpected bytes after the 2x2x2 data, from byte offset 24"));

  // A gzip stream cut short.
  const auto gz = write_bytes("t_idx_gz", idx_bytes(0x803, {2, 2, 2}, px), true);
  std::ifstream in(gz, std::ios::binary);
  std::vector<char> packed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  packed.resize(packed.size() / 2);
  std::ofstream(gz, std::ios::binary).write(packed.data(), std::streamsize(packed.size()));
  CHECK(contains(error_of([&] { read_idx(gz, 3); }, "data"), "truncated or corrupt gzip stream"));
  std::remove(gz.c_str());

  const auto im = write_bytes("t_idx_im", idx_bytes(0x803, {2, 2, 2}, px), false);
  const auto lb = write_bytes("t_idx_lb", idx_bytes(0x801, {3}, {1, 2, 3}), false);
  CHECK(contains(error_of([&] { read_idx_images(im, lb); }, "data"),
                 "t_idx_lb: 3 labels for the 2 images of t_idx_im"));
  CHECK(contains(error_of([&] { read_idx_images("t_idx_missing", ""); }, "io"),
                 "t_idx_missing: cannot open"));
  std::remove(im.c_str());
  std::remove(lb.c_str());
}

TEST_CASE("real data: Fashion-MNIST from the Debian package") {
  const std::string dir = "/usr/share/datasets/fashion-mnist/";
  const std::string images = dir + "train-images-idx3-ubyte.gz";
  if (!std::ifstream(images)) {
    MESSAGE("skipped: ", images, " is absent (Debian package dataset-fashion-mnist)");
    return;
  }
  const IdxImages r = read_idx_images(images, dir + "train-labels-idx1-ubyte.gz");
  CHECK(r.n == 60000);
  CHECK(r.rows == 28);
  CHECK(r.cols == 28);
  CHECK(r.pixels.size() == 60000u * 28 * 28);
  REQUIRE(r.labels.size() == 60000u);
  std::vector<long> per_class(10, 0);
  for (auto l : r.labels) {
    REQUIRE(l <= 9);
    ++per_class[l];
  }
  CHECK(per_class == std::vector<long>(10, 6000)); // Fashion-MNIST is balanced
  CHECK(*std::max_element(r.pixels.begin(), r.pixels.end()) == 255);
}

TEST_CASE("real data: AEMET temperatures load as 73 curves of 365 days") {
  const std::string path = std::string(FIELDGEN_SHARED_DIR) + "/data/aemet.csv";
  const CsvCurves c = read_csv_curves(path);
  CHECK(c.header);
  CHECK(c.index_column);
  CHECK(c.rows == 73);
  CHECK(c.columns == 365);
  CHECK(c.values.front() == doctest::Approx(11.2733333333333));
  const auto [lo, hi] = std::minmax_element(c.values.begin(), c.values.end());
  CHECK(*lo > -15); // daily mean temperatures in Spain, deg C
  CHECK(*hi < 40);
}

TEST_CASE("epoch permutations are pure functions of (seed, epoch)") {
  const long n = 1000;
  const auto p = epoch_permutation(n, 5, 0);
  auto sorted = p;
  std::sort(sorted.begin(), sorted.end());
  for (long i = 0; i < n; ++i)
    REQUIRE(sorted[size_t(i)] == i);
  CHECK(p == epoch_permutation(n, 5, 0));
  CHECK(p != epoch_permutation(n, 5, 1));
  CHECK(p != epoch_permutation(n, 6, 0));
  long fixed = 0; // a uniform permutation has one fixed point on average
  for (long i = 0; i < n; ++i)
    fixed += p[size_t(i)] == i;
  CHECK(fixed < 10);
}

TEST_CASE("block ranges split N samples contiguously, sizes differing by at most one") {
  for (long n : {0L, 1L, 7L, 64L, 1001L})
    for (int size : {1, 2, 3, 4, 7}) {
      long next = 0;
      for (int r = 0; r < size; ++r) {
        const Range b = block_range(n, r, size);
        CHECK(b.first == next);
        CHECK(b.count >= n / size);
        CHECK(b.count <= n / size + 1);
        next += b.count;
      }
      CHECK(next == n);
    }
}
