// Exact forward sample of discrete spatial diffusion and its reverse-rate target (see
// forward_sampler.hpp). Three kernels over the (batch, channel, point) entries: a check for
// negative counts, a prefix count that numbers the units of every field, and a scatter of the
// units to their destinations that also adds up the rate ratios.
#include "fieldgen/dsd/forward_sampler.hpp"

#include "fieldgen/core/error.hpp"
#include "fieldgen/core/rng.hpp"

#include <utility>

namespace fieldgen::dsd {

template <class Real>
ForwardSampler<Real>::ForwardSampler(const Grid& grid, double rate, TimeGrid times,
                                     std::uint64_t seed)
    : grid_(grid), cache_(grid, rate, std::move(times)), seed_(seed) {}

template <class Real>
void ForwardSampler<Real>::sample(const CountView& x0, const std::vector<int>& steps,
                                  const std::vector<std::uint64_t>& draws, const CountView& nt,
                                  const RateView<Real>& target) {
  const long nb = long(x0.extent(0)), nc = long(x0.extent(1)), np = long(x0.extent(2));
  const int dim = grid_.dim();
  require(np == grid_.size(), "dsd::ForwardSampler: counts have ", np, " points, lattice ",
          grid_.describe(), " has ", grid_.size());
  require(long(steps.size()) == nb && long(draws.size()) == nb,
          "dsd::ForwardSampler: ", steps.size(), " time indices and ", draws.size(),
          " draw ids for a batch of ", nb);
  require(nt.extent(0) == x0.extent(0) && nt.extent(1) == x0.extent(1) &&
              nt.extent(2) == x0.extent(2),
          "dsd::ForwardSampler: n_t is ", nt.extent(0), "x", nt.extent(1), "x", nt.extent(2),
          ", x0 is ", nb, "x", nc, "x", np);
  require(long(target.extent(0)) == nb && long(target.extent(1)) == nc &&
              long(target.extent(2)) == 2 * dim && long(target.extent(3)) == np,
          "dsd::ForwardSampler: target is ", target.extent(0), "x", target.extent(1), "x",
          target.extent(2), "x", target.extent(3), ", expected ", nb, "x", nc, "x", 2 * dim, "x",
          np);

  // Per batch item, the kernels of its time index (computed now if not cached).
  Kokkos::View<Kernel1d* [3], MemSpace> kernels("fieldgen::dsd::forward_kernels", size_t(nb));
  auto kernels_h = Kokkos::create_mirror_view(kernels);
  for (long b = 0; b < nb; ++b) {
    require(draws[size_t(b)] < (std::uint64_t(1) << 30), "dsd::ForwardSampler: draw id ",
            draws[size_t(b)], " of batch item ", b, " (need < 2^30)");
    for (int a = 0; a < dim; ++a)
      kernels_h(b, a) = cache_.kernel(a, steps[size_t(b)]);
  }
  Kokkos::deep_copy(kernels, kernels_h);
  Kokkos::View<std::uint32_t*, MemSpace> streams("fieldgen::dsd::forward_streams", size_t(nb));
  Kokkos::View<std::int32_t*, MemSpace> ks("fieldgen::dsd::forward_steps", size_t(nb));
  auto streams_h = Kokkos::create_mirror_view(streams);
  auto ks_h = Kokkos::create_mirror_view(ks);
  for (long b = 0; b < nb; ++b) {
    streams_h(b) = std::uint32_t(draws[size_t(b)]) << 2;
    ks_h(b) = steps[size_t(b)];
  }
  Kokkos::deep_copy(streams, streams_h);
  Kokkos::deep_copy(ks, ks_h);

  if (offsets_.extent(0) != x0.extent(0) || offsets_.extent(1) != x0.extent(1) ||
      offsets_.extent(2) != x0.extent(2))
    offsets_ =
        decltype(offsets_)("fieldgen::dsd::unit_offsets", size_t(nb), size_t(nc), size_t(np));
  const long total = nb * nc * np;
  auto x0_flat = x0;
  auto off = offsets_;

  // Exclusive prefix count of units over all entries; a unit's index within its field is its
  // prefix minus the prefix at the field's first entry. Negative counts are reported.
  long negative = 0;
  Kokkos::parallel_reduce(
      "fieldgen::dsd::count_negative", Kokkos::RangePolicy<ExecSpace>(0, total),
      KOKKOS_LAMBDA(long i, long& bad) {
        bad += x0_flat(i / (nc * np), (i / np) % nc, i % np) < 0;
      },
      negative);
  if (negative > 0)
    throw UsageError(cat("dsd::ForwardSampler: ", negative, " negative counts in x0"));
  Kokkos::parallel_scan(
      "fieldgen::dsd::unit_prefix", Kokkos::RangePolicy<ExecSpace>(0, total),
      KOKKOS_LAMBDA(long i, std::int64_t& run, bool final) {
        const long b = i / (nc * np), c = (i / np) % nc, p = i % np;
        if (final)
          off(b, c, p) = run;
        run += x0_flat(b, c, p);
      });

  Kokkos::deep_copy(nt, 0);
  Kokkos::deep_copy(target, Real(0));
  const CounterRng rng(seed_, purpose_id("dsd.forward"));
  const double rate = cache_.rate();
  const long shape[3] = {grid_.n(0), dim > 1 ? grid_.n(1) : 1, dim > 2 ? grid_.n(2) : 1};
  const long n0 = shape[0], n1 = shape[1], n2 = shape[2];
  int periodic_mask = 0;
  for (int a = 0; a < dim; ++a)
    periodic_mask |= grid_.periodic(a) ? 1 << a : 0;

  Kokkos::parallel_for(
      "fieldgen::dsd::forward_scatter", Kokkos::RangePolicy<ExecSpace>(0, total),
      KOKKOS_LAMBDA(long i) {
        const long b = i / (nc * np), c = (i / np) % nc, p = i % np;
        const int count = x0_flat(b, c, p);
        if (count == 0)
          return;
        const long n[3] = {n0, n1, n2};
        const long x[3] = {p / (n1 * n2), (p / n2) % n1, p % n2};
        const std::int64_t first = off(b, c, p) - off(b, 0, 0);
        const std::uint32_t k = std::uint32_t(ks(b));
        for (int j = 0; j < count; ++j) {
          const std::uint64_t unit = std::uint64_t(first + j);
          long y[3] = {0, 0, 0};
          for (int a = 0; a < dim; ++a)
            y[a] = kernels(b, a).sample(int(x[a]), rng.uniform(unit, k, streams(b) | a));
          const long q = (y[0] * n1 + y[1]) * n2 + y[2];
          Kokkos::atomic_add(&nt(b, c, q), 1);
          for (int a = 0; a < dim; ++a) {
            const Kernel1d& kern = kernels(b, a);
            const double here = kern(int(x[a]), int(y[a]));
            for (int s = -1; s <= 1; s += 2) {
              long z = y[a] + s;
              if (z < 0 || z >= n[a]) {
                if (!(periodic_mask & (1 << a)))
                  continue; // no flux across a reflecting edge
                z = z < 0 ? n[a] - 1 : 0;
              }
              const double ratio = kern(int(x[a]), int(z)) / here;
              Kokkos::atomic_add(&target(b, c, 2 * a + (s > 0 ? 1 : 0), q), Real(rate * ratio));
            }
          }
        }
      });
  Kokkos::fence();
}

template class ForwardSampler<float>;
template class ForwardSampler<double>;

} // namespace fieldgen::dsd
