// Binomial tau-leaping over a decomposed lattice (see tau_leap_sampler.hpp): the closed-edge
// table, the per-item CFL step (one max-reduction per item, one allreduce per step), the move
// kernel that scatters transfers into a padded array, and the halo sum-scatter that delivers them.
#include "fieldgen/dsd/tau_leap_sampler.hpp"

#include "fieldgen/core/error.hpp"
#include "fieldgen/core/rng.hpp"
#include "fieldgen/dsd/binomial.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace fieldgen::dsd {

template <class Real>
TauLeapSampler<Real>::TauLeapSampler(const Decomposition& dec, int channels, TimeGrid times,
                                     double tolerance, std::uint64_t seed, EndAt end)
    : dec_(&dec), comm_(dec.comm()), index_(BlockIndex::of(dec)), channels_(channels),
      times_(std::move(times)), tolerance_(tolerance), seed_(seed), end_(end), halo_(dec, 1) {
  require(channels >= 1, "dsd::TauLeapSampler: needs at least one channel (got ", channels, ")");
  require(tolerance > 0.0 && tolerance <= 1.0, "dsd::TauLeapSampler: tolerance ", tolerance,
          " outside (0, 1]");
  require(times_.steps() >= 1, "dsd::TauLeapSampler: the time grid has no steps");
  set_mask({});
}

template <class Real> void TauLeapSampler<Real>::set_mask(const std::vector<std::uint8_t>& frozen) {
  const Grid& grid = dec_->grid();
  require(frozen.empty() || long(frozen.size()) == grid.size(), "dsd::TauLeapSampler: mask has ",
          frozen.size(), " sites, the lattice ", grid.describe(), " has ", grid.size());
  const int dim = grid.dim();
  const BlockIndex ix = index_;
  closed_ = Kokkos::View<std::uint8_t*, MemSpace>("fieldgen::dsd::closed_edges", size_t(ix.size()));
  auto closed_h = Kokkos::create_mirror_view(closed_);
  for (long p = 0; p < ix.size(); ++p) {
    long g[Grid::max_dim];
    ix.global_multi(p, g);
    const long here = (g[0] * ix.global_n[1] + g[1]) * ix.global_n[2] + g[2];
    const bool frozen_here = !frozen.empty() && frozen[size_t(here)] != 0;
    std::uint8_t bits = 0;
    for (int a = 0; a < dim; ++a)
      for (int s = -1; s <= 1; s += 2) {
        long y[Grid::max_dim] = {g[0], g[1], g[2]};
        y[a] += s;
        bool closed = frozen_here;
        if (y[a] < 0 || y[a] >= ix.global_n[a]) {
          if (!grid.periodic(a))
            closed = true; // no flux across a reflecting boundary
          y[a] = y[a] < 0 ? ix.global_n[a] - 1 : 0;
        }
        const long there = (y[0] * ix.global_n[1] + y[1]) * ix.global_n[2] + y[2];
        if (!frozen.empty() && frozen[size_t(there)] != 0)
          closed = true; // no flux across the mask edge
        if (closed)
          bits |= std::uint8_t(1u << direction(a, s));
      }
    closed_h(p) = bits;
  }
  Kokkos::deep_copy(closed_, closed_h);
}

template <class Real>
void TauLeapSampler<Real>::set_corrector(double forward_rate, int steps, double below) {
  require(forward_rate > 0.0 && std::isfinite(forward_rate),
          "dsd::TauLeapSampler: corrector forward rate ", forward_rate, " (need > 0)");
  require(steps >= 0, "dsd::TauLeapSampler: corrector steps ", steps, " (need >= 0)");
  corrector_rate_ = forward_rate;
  corrector_steps_ = steps;
  corrector_below_ = below;
}

template <class Real>
void TauLeapSampler<Real>::begin(const std::vector<std::uint64_t>& samples,
                                 const std::vector<int>& labels) {
  require(labels.empty() || labels.size() == samples.size(), "dsd::TauLeapSampler: ", labels.size(),
          " labels for ", samples.size(), " samples");
  samples_ = samples;
  labels_ = labels;
  t_.assign(samples.size(), times_.t(times_.steps()));
  tau_.assign(samples.size(), 0.0);
  corrections_left_.assign(samples.size(), 0);
  corrector_tau_.assign(samples.size(), 0.0);
  step_ = 0;
  stats_ = TauLeapStats{};
  stats_.min_tau = std::numeric_limits<double>::infinity();
}

template <class Real>
bool TauLeapSampler<Real>::step(const CountView& counts, const RateFunction<Real>& rates) {
  const long nb = long(samples_.size()), nc = channels_, np = index_.size();
  if (nb == 0)
    return false;
  const int dim = dec_->dim(), nd = 2 * dim;
  require(long(counts.extent(0)) == nb && long(counts.extent(1)) == nc &&
              long(counts.extent(2)) == np,
          "dsd::TauLeapSampler: counts are ", counts.extent(0), "x", counts.extent(1), "x",
          counts.extent(2), ", expected ", nb, "x", nc, "x", np, " (batch x channel x block)");
  if (long(rates_.extent(0)) != nb) {
    rates_ = RateView<Real>("fieldgen::dsd::sample_rates", size_t(nb), size_t(nc), size_t(nd),
                            size_t(np));
    transfer_ = Tensor3<std::int32_t>("fieldgen::dsd::sample_transfers", size_t(nb), size_t(nc),
                                      size_t(halo_.padded_size()));
  }
  const double t_first = times_.t(1);
  const double t_end = end_ == EndAt::Zero ? 0.0 : t_first;
  // Items that already ended at 0 are evaluated at t_1 (a rate model needs t > 0); their rates
  // are never used.
  std::vector<double> t_eval(t_);
  for (double& t : t_eval)
    t = std::max(t, t_first);
  rates(counts, t_eval, labels_, rates_);

  // Per item, the forward rate added to every open direction: r for a corrector leap, else 0.
  auto extra = Kokkos::View<double*, MemSpace>("fieldgen::dsd::sample_extra_rate", size_t(nb));
  {
    auto extra_h = Kokkos::create_mirror_view(extra);
    for (long b = 0; b < nb; ++b)
      extra_h(b) = corrections_left_[size_t(b)] > 0 ? corrector_rate_ : 0.0;
    Kokkos::deep_copy(extra, extra_h);
  }

  // Largest site total of open-direction rates over occupied sites, per item; a negative, NaN or
  // infinite rate there makes it +infinity (reported below on every rank alike).
  // One team per item, a max-reduction over its (channel, site) entries.
  const auto rho = rates_;
  const auto closed = closed_;
  const double inf = std::numeric_limits<double>::infinity();
  const double largest = std::numeric_limits<double>::max();
  Kokkos::View<double*, MemSpace> item_max("fieldgen::dsd::sample_item_max", size_t(nb));
  using Team = Kokkos::TeamPolicy<ExecSpace>::member_type;
  Kokkos::parallel_for(
      "fieldgen::dsd::sample_max_rate", Kokkos::TeamPolicy<ExecSpace>(int(nb), Kokkos::AUTO),
      KOKKOS_LAMBDA(const Team& team) {
        const long b = team.league_rank();
        double m = 0.0;
        Kokkos::parallel_reduce(
            Kokkos::TeamThreadRange(team, nc * np),
            [&](const long i, double& acc) {
              const long c = i / np, p = i % np;
              if (counts(b, c, p) <= 0)
                return;
              double s = 0.0;
              for (int v = 0; v < nd; ++v)
                if (!(closed(p) >> v & 1u)) {
                  const double r = double(rho(b, c, v, p));
                  s += r >= 0.0 && r <= largest ? r + extra(b) : inf;
                }
              acc = s > acc ? s : acc;
            },
            Kokkos::Max<double>(m));
        Kokkos::single(Kokkos::PerTeam(team), [&]() { item_max(b) = m; });
      });
  auto item_max_h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), item_max);
  std::vector<double> smax(item_max_h.data(), item_max_h.data() + nb);
  FIELDGEN_MPI_CHECK(
      MPI_Allreduce(MPI_IN_PLACE, smax.data(), int(nb), MPI_DOUBLE, MPI_MAX, comm_.get()));

  // Per-item step: a pending corrector leap at the held clock, or the CFL limit eps / max S, cut
  // to land exactly on t_1; from t_1 the final leap to 0 (EndAt::Zero, see the header).
  auto taus = Kokkos::View<double*, MemSpace>("fieldgen::dsd::sample_tau", size_t(nb));
  auto ids = Kokkos::View<std::uint64_t*, MemSpace>("fieldgen::dsd::sample_ids", size_t(nb));
  auto taus_h = Kokkos::create_mirror_view(taus);
  auto ids_h = Kokkos::create_mirror_view(ids);
  bool running = false;
  for (long b = 0; b < nb; ++b) {
    ids_h(b) = samples_[size_t(b)];
    double& t = t_[size_t(b)];
    double& tau = tau_[size_t(b)];
    tau = 0.0;
    int& corrections = corrections_left_[size_t(b)];
    if (corrections == 0 && t <= t_end) {
      taus_h(b) = 0.0;
      continue;
    }
    if (!std::isfinite(smax[size_t(b)]))
      throw NumericError(cat("dsd::TauLeapSampler: a negative, NaN or infinite rate at an "
                             "occupied site of sample ",
                             samples_[size_t(b)], " at t = ", t, " (step ", step_, ")"),
                         ErrorScope::Collective);
    const double rest = t - t_first;
    const double cfl = smax[size_t(b)] > 0.0 ? tolerance_ / smax[size_t(b)] : rest;
    if (corrections > 0) {
      // One leap size for all leaps at this clock, set by the first: a state-dependent tau would
      // bias the stationary law (a state y held ~1 / tau(y) leaps is over-weighted by that).
      double& tc = corrector_tau_[size_t(b)];
      if (corrections == corrector_steps_)
        tc = smax[size_t(b)] > 0.0 ? tolerance_ / smax[size_t(b)] : 0.0; // 0: nothing can move
      tau = tc;
      --corrections;
    } else if (t <= t_first) {
      tau = t;
      t = 0.0;
    } else {
      tau = std::min(cfl, rest);
      t = cfl >= rest ? t_first : t - cfl;
      if (t <= corrector_below_)
        corrections = corrector_steps_;
    }
    running = running || t > t_end || corrections > 0;
    taus_h(b) = tau;
    stats_.min_tau = std::min(stats_.min_tau, tau);
    stats_.max_rate = std::max(stats_.max_rate, smax[size_t(b)]);
  }
  Kokkos::deep_copy(taus, taus_h);
  Kokkos::deep_copy(ids, ids_h);

  // Moves: each occupied site draws its movers and their directions and scatters them into the
  // padded transfer array (interior: -movers here; +out[v] at the neighbour, maybe a ghost).
  long pn[Grid::max_dim] = {1, 1, 1}, stride[Grid::max_dim] = {0, 0, 0};
  for (int a = 0; a < dim; ++a)
    pn[a] = halo_.padded_n(a);
  for (int a = dim - 1, s = 1; a >= 0; --a) {
    stride[a] = s;
    s *= int(pn[a]);
  }
  const long s0 = stride[0], s1 = stride[1], s2 = stride[2];
  const BlockIndex ix = index_;
  const std::uint64_t sites = std::uint64_t(dec_->grid().size());
  const CounterRng rng(seed_, purpose_id("dsd.sample"));
  const std::uint32_t stepno = std::uint32_t(step_);
  const auto tr = transfer_;
  Kokkos::parallel_for(
      "fieldgen::dsd::sample_moves",
      Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<3>>({0, 0, 0}, {nb, nc, np}),
      KOKKOS_LAMBDA(const long b, const long c, const long p) {
        const int n = counts(b, c, p);
        const double tau = taus(b);
        if (n <= 0 || tau <= 0.0)
          return;
        const unsigned shut = closed(p);
        double w[2 * Grid::max_dim];
        double s = 0.0;
        for (int v = 0; v < nd; ++v) {
          w[v] = (shut >> v & 1u) ? 0.0 : double(rho(b, c, v, p)) + extra(b);
          s += w[v];
        }
        if (s <= 0.0)
          return;
        const std::uint64_t index = (ids(b) * std::uint64_t(nc) + std::uint64_t(c)) * sites +
                                    std::uint64_t(ix.global_flat(p));
        const long movers = binomial(rng, index, stepno, 0, n, tau * s);
        if (movers == 0)
          return;
        long out[2 * Grid::max_dim];
        multinomial(rng, index, stepno, 1, movers, w, nd, out);
        const long i2 = p % ix.n[2], i1 = (p / ix.n[2]) % ix.n[1], i0 = p / (ix.n[2] * ix.n[1]);
        const long here =
            (i0 + 1) * s0 + (dim > 1 ? (i1 + 1) * s1 : 0) + (dim > 2 ? (i2 + 1) * s2 : 0);
        const long step_of[Grid::max_dim] = {s0, s1, s2};
        Kokkos::atomic_add(&tr(b, c, here), std::int32_t(-movers));
        for (int v = 0; v < nd; ++v)
          if (out[v] > 0)
            Kokkos::atomic_add(&tr(b, c, here + (v & 1 ? 1 : -1) * step_of[v / 2]),
                               std::int32_t(out[v]));
      });
  Kokkos::fence();
  halo_.sum_scatter(transfer_);

  long negative = 0;
  Kokkos::parallel_reduce(
      "fieldgen::dsd::sample_apply",
      Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<3>>({0, 0, 0}, {nb, nc, np}),
      KOKKOS_LAMBDA(const long b, const long c, const long p, long& bad) {
        const long i2 = p % ix.n[2], i1 = (p / ix.n[2]) % ix.n[1], i0 = p / (ix.n[2] * ix.n[1]);
        const long here =
            (i0 + 1) * s0 + (dim > 1 ? (i1 + 1) * s1 : 0) + (dim > 2 ? (i2 + 1) * s2 : 0);
        const int n = counts(b, c, p) + tr(b, c, here);
        tr(b, c, here) = 0;
        counts(b, c, p) = n;
        bad += n < 0;
      },
      negative);
  // Impossible by construction (movers <= n); a failure here is a bug, not bad input.
  if (negative > 0)
    throw NumericError(
        cat("dsd::TauLeapSampler: ", negative, " negative counts after step ", step_));
  ++step_;
  stats_.steps = step_;
  return running; // the same on every rank: the step sizes come from allreduced maxima
}

template <class Real>
TauLeapStats TauLeapSampler<Real>::run(const CountView& counts,
                                       const std::vector<std::uint64_t>& samples,
                                       const std::vector<int>& labels,
                                       const RateFunction<Real>& rates, long max_steps,
                                       const std::function<void(const TauLeapSampler&)>& progress) {
  begin(samples, labels);
  for (bool more = true; more;) {
    more = step(counts, rates);
    if (progress)
      progress(*this);
    if (more && step_ >= max_steps)
      throw NumericError(cat("dsd::TauLeapSampler: the end time not reached within ", max_steps,
                             " steps (largest site rate ", stats_.max_rate, ", smallest step ",
                             stats_.min_tau, "); raise the step limit or the tolerance"),
                         ErrorScope::Collective);
  }
  return stats_;
}

template class TauLeapSampler<float>;
template class TauLeapSampler<double>;

} // namespace fieldgen::dsd
