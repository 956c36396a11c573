// Point sets of scattered-point data (point_set.hpp).
#include "fieldgen/data/point_set.hpp"

#include "fieldgen/core/error.hpp"
#include "fieldgen/core/rng.hpp"
#include "fieldgen/io/field_file.hpp"

#include <algorithm>

namespace fieldgen::data {

gaussian::Coordinates random_points(std::uint64_t seed, long n, int dim) {
  require(n >= 1 && dim >= 1 && dim <= 3, "random_points: n = ", n, ", dim = ", dim);
  const CounterRng rng(seed, purpose_id("data.points"));
  gaussian::Coordinates x("fieldgen::data::random_points", size_t(n), size_t(dim));
  for (long i = 0; i < n; ++i)
    for (int a = 0; a < dim; ++a)
      x(i, a) = rng.uniform(std::uint64_t(i), 0, std::uint32_t(a));
  if (dim == 1)
    std::sort(x.data(), x.data() + n);
  return x;
}

gaussian::Coordinates read_point_set(const std::string& path, const Comm& comm) {
  const io::FieldFileReader reader(path, comm);
  const io::FieldMeta& m = reader.meta();
  const long n = m.points(), d = m.dim(), stride = n * d;
  std::vector<double> all(size_t(m.samples * stride));
  reader.read_coords(0, m.samples, all.data());
  for (long s = 1; s < m.samples; ++s)
    if (!std::equal(all.begin(), all.begin() + stride, all.begin() + s * stride))
      throw DataError(cat(path, ": sample ", s, " has other /coords than sample 0; FuncDiff ",
                          "needs one point set shared by every sample"),
                      ErrorScope::Collective);
  gaussian::Coordinates x("fieldgen::data::point_set", size_t(n), size_t(d));
  std::copy_n(all.begin(), stride, x.data());
  return x;
}

std::vector<double> repeat_points(const gaussian::Coordinates& points, long count) {
  const long stride = long(points.size());
  std::vector<double> out(size_t(count * stride));
  for (long s = 0; s < count; ++s)
    std::copy_n(points.data(), stride, out.begin() + s * stride);
  return out;
}

} // namespace fieldgen::data
