// Sampler: ancestral and conditional DDPM sampling (sampler.hpp).
#include "fieldgen/funcdiff/sampler.hpp"

#include "fieldgen/core/log.hpp"
#include "fieldgen/core/timer.hpp"

#include "fieldgen/core/error.hpp"

#include <algorithm>
#include <cmath>

namespace fieldgen::funcdiff {

data::Range sample_range(long total, long chunk, int rank, int size) {
  require(total >= 0 && chunk >= 1, "sample_range: total ", total, ", chunk ", chunk);
  const long chunks = (total + chunk - 1) / chunk;
  const data::Range c = data::block_range(chunks, rank, size);
  const long first = std::min(total, c.first * chunk);
  const long last = std::min(total, (c.first + c.count) * chunk);
  return {first, last - first};
}

template <class Real>
Sampler<Real>::Sampler(nn::Denoiser<Real>& model, const nn::Parameters<Real>& params,
                       const gaussian::GaussianMeasure<Real>& measure, const Schedule& schedule,
                       std::uint64_t seed, bool antithetic)
    : model_(model), params_(params), measure_(measure), schedule_(schedule),
      init_rng_(seed, purpose_id("sample.init")), noise_rng_(seed, purpose_id("sample.noise")),
      obs_rng_(seed, purpose_id("sample.obs")), antithetic_(antithetic) {}

template <class Real>
void Sampler<Real>::draw(const Tensor3<Real>& out, const CounterRng& rng, std::uint32_t step,
                         std::uint64_t first) const {
  measure_.sample(out, rng, step, first);
  if (!antithetic_)
    return;
  Kokkos::parallel_for(
      "fieldgen::funcdiff::antithetic",
      Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<2>>(
          {0, 0}, {long(out.extent(0)) / 2, long(out.extent(2))}),
      KOKKOS_LAMBDA(const long p, const long i) { out(2 * p + 1, 0, i) = -out(2 * p, 0, i); });
  Kokkos::fence();
}

template <class Real>
void Sampler<Real>::condition(const Tensor3<Real>& u, long s, std::uint64_t first,
                              const Observations& obs, const Tensor3<Real>& work) {
  draw(work, obs_rng_, std::uint32_t(s), first);
  const double a = std::sqrt(schedule_.gamma(s)), c = std::sqrt(1.0 - schedule_.gamma(s));
  Kokkos::View<long*, MemSpace> index("fieldgen::funcdiff::obs_index", size_t(obs.size()));
  Kokkos::View<double*, MemSpace> value("fieldgen::funcdiff::obs_value", size_t(obs.size()));
  {
    auto hi = Kokkos::create_mirror_view(index);
    auto hv = Kokkos::create_mirror_view(value);
    for (long k = 0; k < obs.size(); ++k) {
      hi(k) = obs.index[size_t(k)];
      hv(k) = obs.value[size_t(k)];
    }
    Kokkos::deep_copy(index, hi);
    Kokkos::deep_copy(value, hv);
  }
  Kokkos::parallel_for(
      "fieldgen::funcdiff::condition",
      Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<2>>({0, 0}, {long(u.extent(0)), obs.size()}),
      KOKKOS_LAMBDA(const long b, const long k) {
        const long i = index(k);
        u(b, 0, i) = Real(a * value(k) + c * double(work(b, 0, i)));
      });
  Kokkos::fence();
}

template <class Real>
void Sampler<Real>::generate(std::uint64_t first, long count, Real* out, const Observations* obs,
                             long n_free) {
  require(count >= 0 && n_free >= 0, "Sampler: count ", count, ", n_free ", n_free);
  require(!antithetic_ || (first % 2 == 0 && count % 2 == 0),
          "Sampler: antithetic pairs need an even first sample and count, got ", first, " and ",
          count);
  if (count == 0)
    return;
  const long n = measure_.local_points();
  if (obs)
    for (long i : obs->index)
      require(i >= 0 && i < n, "Sampler: observation at point ", i, " of ", n);
  Tensor3<Real> u("fieldgen::funcdiff::sample_u", count, 1, n);
  Tensor3<Real> z("fieldgen::funcdiff::sample_z", count, 1, n);
  Vector<Real> t_in("fieldgen::funcdiff::sample_t", count);
  const long T = schedule_.steps();
  draw(u, init_rng_, 0, first);
  if (obs && T >= n_free)
    condition(u, T, first, *obs, z);
  for (long t = T; t >= 1; --t) {
    Kokkos::deep_copy(t_in, Real(t));
    const Tensor3<Real> pred = model_.forward(params_, u, t_in);
    if (t > 1)
      draw(z, noise_rng_, std::uint32_t(t), first);
    else
      Kokkos::deep_copy(z, Real(0));
    const double b = schedule_.beta(t);
    const double c_pred = b / std::sqrt(1.0 - schedule_.gamma(t)); // b_t / sqrt(1 - g_t)
    const double c_scale = 1.0 / std::sqrt(1.0 - b);               // 1 / sqrt(1 - b_t)
    const double c_noise = std::sqrt(schedule_.beta_tilde(t));     // sqrt(bt_t)
    Kokkos::parallel_for(
        "fieldgen::funcdiff::ancestral_step",
        Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<2>>({0, 0}, {count, n}),
        KOKKOS_LAMBDA(const long k, const long i) {
          u(k, 0, i) = Real(c_scale * (double(u(k, 0, i)) - c_pred * double(pred(k, 0, i))) +
                            c_noise * double(z(k, 0, i)));
        });
    Kokkos::fence();
    if (obs && t - 1 >= n_free)
      condition(u, t - 1, first, *obs, z);
  }
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), u);
  std::copy_n(host.data(), count * n, out);
}

template <class Real>
data::Range Sampler<Real>::generate_sharded(long total, long chunk, const Comm& comm,
                                            std::vector<Real>& out, const Observations* obs,
                                            long n_free) {
  const data::Range r = sample_range(total, chunk, comm.rank(), comm.size());
  const long n = measure_.local_points();
  out.assign(size_t(r.count * n), Real(0));
  const Stopwatch clock;
  for (long k = 0; k < r.count; k += chunk) {
    const long m = std::min(chunk, r.count - k);
    generate(std::uint64_t(r.first + k), m, out.data() + k * n, obs, n_free);
    // Progress of rank 0's share (every rank holds about the same number of curves).
    const double s = clock.seconds(), rate = double(k + m) / s;
    log::info("sampled ", k + m, "/", r.count, " curves on rank 0 (", comm.size(), " ranks, ",
              total, " in all), ", rate, " curves/s per rank, ETA ",
              long(double(r.count - k - m) / rate), " s");
  }
  return r;
}

template class Sampler<float>;
template class Sampler<double>;

} // namespace fieldgen::funcdiff
