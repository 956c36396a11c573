// DSD tau-leaping sampler across ranks: a run split over the ranks of MPI_COMM_WORLD (uniform
// scatter start, inpainting mask, labels, rates that read the neighbours' counts through a halo
// exchange) gathered on rank 0 is bit-identical to the same run on rank 0 alone, for a small 2-D
// lattice with a mask (with and without corrector leaps), a 3-D box and a 1024 x 1024 field;
// mass per (sample, channel) is exact.
#include <doctest/doctest.h>

#include "fieldgen/core/comm.hpp"
#include "fieldgen/dsd/count_blocks.hpp"
#include "fieldgen/dsd/initial_state.hpp"
#include "fieldgen/dsd/tau_leap_sampler.hpp"
#include "fieldgen/mesh/halo.hpp"

#include <cstdint>
#include <vector>

using namespace fieldgen;
using namespace fieldgen::dsd;

namespace {

// rho(y, v) = (0.3 + label/4 + n(y + v) / (1 + n(y))) (1 + t): a deterministic function of the
// counts at the site and at its neighbour across the edge (read from a width-1 halo, zero beyond
// a no-flux boundary), so a wrong halo changes the result.
RateFunction<double> neighbour_rates(const Decomposition& dec, int channels) {
  auto halo = std::make_shared<Halo<double>>(dec, 1);
  const BlockIndex ix = BlockIndex::of(dec);
  const int dim = dec.dim();
  long stride[3] = {0, 0, 0};
  for (int a = dim - 1, s = 1; a >= 0; --a) {
    stride[a] = s;
    s *= int(halo->padded_n(a));
  }
  return [halo, ix, dim, stride, channels, &dec](const CountView& n, const std::vector<double>& t,
                                                 const std::vector<int>& labels,
                                                 const RateView<double>& rho) {
    const long nb = long(n.extent(0)), np = long(n.extent(2));
    Tensor3<double> real("real", size_t(nb), size_t(channels), size_t(np));
    Kokkos::parallel_for(
        "test::to_real", Kokkos::RangePolicy<ExecSpace>(0, long(real.size())),
        KOKKOS_LAMBDA(long i) { real.data()[i] = double(n.data()[i]); });
    Tensor3<double> padded = pad(real, dec, 1);
    halo->exchange(padded);
    auto ph = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), padded);
    auto rh = Kokkos::create_mirror_view(rho);
    for (long b = 0; b < nb; ++b)
      for (long c = 0; c < channels; ++c)
        for (long p = 0; p < np; ++p) {
          const long i[3] = {p / (ix.n[2] * ix.n[1]), (p / ix.n[2]) % ix.n[1], p % ix.n[2]};
          long here = 0;
          for (int a = 0; a < dim; ++a)
            here += (i[a] + 1) * stride[a];
          for (int a = 0; a < dim; ++a)
            for (int s = -1; s <= 1; s += 2) {
              const double there = ph(b, c, here + s * stride[a]);
              rh(b, c, direction(a, s), p) =
                  (0.3 + 0.25 * labels[size_t(b)] + there / (1.0 + ph(b, c, here))) *
                  (1.0 + t[size_t(b)]);
            }
        }
    Kokkos::deep_copy(rho, rh);
  };
}

// Runs samples on dec's ranks and returns the whole fields on dec's rank 0.
std::vector<int> run_on(const Decomposition& dec, const std::vector<std::uint8_t>& frozen,
                        const std::vector<std::uint64_t>& samples, const std::vector<int>& labels,
                        const std::vector<long>& mass, int channels, const TimeGrid& times,
                        double eps, int corrections) {
  const long nb = long(samples.size());
  CountView counts("counts", size_t(nb), size_t(channels), size_t(dec.local_size()));
  // Frozen sites hold a known pattern: 2 units in every channel.
  Kokkos::deep_copy(counts, 2);
  scatter_uniform(dec, frozen, samples, mass, 77, counts);
  TauLeapSampler<double> sampler(dec, channels, times, eps, 2024);
  sampler.set_mask(frozen);
  sampler.set_corrector(1.5, corrections, 0.5); // forward rate 1.5 at t <= 0.5
  sampler.run(counts, samples, labels, neighbour_rates(dec, channels), 100000);
  const auto whole = gather_counts(dec, counts);
  return std::vector<int>(whole.data(), whole.data() + whole.size());
}

void check_ranks_agree(const Grid& grid, const std::vector<std::uint8_t>& frozen, int channels,
                       const TimeGrid& times, double eps, long nb, int corrections = 0) {
  const Comm comm;
  std::vector<std::uint64_t> samples;
  std::vector<int> labels;
  std::vector<long> mass;
  for (long b = 0; b < nb; ++b) {
    samples.push_back(std::uint64_t(10 + 3 * b));
    labels.push_back(int(b % 3));
    for (int c = 0; c < channels; ++c)
      mass.push_back(grid.size() / 3 + 17 * b + c);
  }
  const Decomposition split(grid, MPI_COMM_WORLD);
  const std::vector<int> all =
      run_on(split, frozen, samples, labels, mass, channels, times, eps, corrections);
  if (comm.rank() != 0)
    return;
  const Decomposition alone(grid, MPI_COMM_SELF);
  const std::vector<int> ref =
      run_on(alone, frozen, samples, labels, mass, channels, times, eps, corrections);
  REQUIRE(all.size() == ref.size());
  long differ = 0;
  for (size_t i = 0; i < ref.size(); ++i)
    differ += all[i] != ref[i];
  CHECK(differ == 0);
  const long np = grid.size();
  for (long b = 0; b < nb; ++b)
    for (int c = 0; c < channels; ++c) {
      long free_mass = 0;
      for (long p = 0; p < np; ++p) {
        const int n = all[size_t((b * channels + c) * np + p)];
        REQUIRE(n >= 0);
        if (!frozen.empty() && frozen[size_t(p)])
          REQUIRE(n == 2);
        else
          free_mass += n;
      }
      CHECK(free_mass == mass[size_t(b * channels + c)]);
    }
}

} // namespace

TEST_CASE("dsd tau-leaping is bit-identical on any rank count (2-D, mask, labels, halo rates)") {
  const Grid grid({24, 18}, {0, 0}, {1, 1}, {true, false});
  std::vector<std::uint8_t> frozen(size_t(grid.size()), 0);
  for (long x = 8; x < 14; ++x) // a 6 x 5 frozen window across the middle of the lattice
    for (long y = 6; y < 11; ++y)
      frozen[size_t(x * 18 + y)] = 1;
  check_ranks_agree(grid, frozen, 2, TimeGrid::logit(20), 0.2, 3);
  check_ranks_agree(grid, frozen, 2, TimeGrid::logit(20), 0.2, 3, 3);
}

TEST_CASE("dsd tau-leaping of a 1024 x 1024 field is the same split over ranks as on one") {
  const Grid grid({1024, 1024}, {0, 0}, {1, 1}, {false, false});
  // A coarse power schedule and eps = 0.5 keep the run to a few steps; what is checked is the
  // split, not the path length.
  check_ranks_agree(grid, {}, 1, TimeGrid::power(4, 1.0), 0.5, 1);
}

TEST_CASE("dsd tau-leaping is bit-identical on any rank count in 3-D") {
  const Grid grid({8, 6, 5}, {0, 0, 0}, {1, 1, 1}, {false, true, false});
  std::vector<std::uint8_t> frozen(size_t(grid.size()), 0);
  for (long y = 0; y < 6; ++y) // a frozen column through the middle of the box
    frozen[size_t((4 * 6 + y) * 5 + 2)] = 1;
  check_ranks_agree(grid, frozen, 1, TimeGrid::logit(10), 0.3, 2);
}
