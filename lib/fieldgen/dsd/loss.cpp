// Poisson and L1 rate losses of the DSD rate network (loss.hpp): one pass over the
// (batch, channel, direction, site) entries that writes the gradient and reduces the value.
#include "fieldgen/dsd/loss.hpp"

#include "fieldgen/core/error.hpp"
#include "fieldgen/core/kokkos_math.hpp"

#include <limits>

namespace fieldgen::dsd {

RateLossKind parse_rate_loss(const std::string& name) {
  if (name == "poisson")
    return RateLossKind::Poisson;
  if (name == "l1")
    return RateLossKind::L1;
  throw ConfigError(cat("rate loss '", name, "' (expected poisson or l1)"));
}

const char* rate_loss_name(RateLossKind kind) {
  return kind == RateLossKind::Poisson ? "poisson" : "l1";
}

template <class Real>
RateLoss<Real>::RateLoss(const Grid& grid, RateLossKind kind) : grid_(grid), kind_(kind) {}

template <class Real>
double RateLoss<Real>::value_and_grad(const CountView& n, const RateView<Real>& target,
                                      const Tensor3<Real>& rho, const std::vector<double>& dt,
                                      const Tensor3<Real>& grad) {
  const long nb = long(n.extent(0)), nc = long(n.extent(1)), np = long(n.extent(2));
  const int dim = grid_.dim();
  const long nd = 2 * dim;
  require(np == grid_.size() && long(target.extent(0)) == nb && long(target.extent(1)) == nc &&
              long(target.extent(2)) == nd && long(target.extent(3)) == np &&
              long(rho.extent(0)) == nb && long(rho.extent(1)) == nc * nd &&
              long(rho.extent(2)) == np && grad.extent(0) == rho.extent(0) &&
              grad.extent(1) == rho.extent(1) && grad.extent(2) == rho.extent(2) &&
              long(dt.size()) == nb,
          "dsd::RateLoss: n [", nb, "][", nc, "][", np, "], target [", target.extent(0), "][",
          target.extent(1), "][", target.extent(2), "][", target.extent(3), "], rho [",
          rho.extent(0), "][", rho.extent(1), "][", rho.extent(2), "], ", dt.size(),
          " intervals on the lattice ", grid_.describe());
  if (dt_.extent(0) != size_t(nb))
    dt_ = Vector<double>("fieldgen::dsd::loss_dt", size_t(nb));
  {
    auto h = Kokkos::create_mirror_view(dt_);
    for (long b = 0; b < nb; ++b)
      h(b) = dt[size_t(b)];
    Kokkos::deep_copy(dt_, h);
  }
  const Vector<double> w = dt_;
  const long n1 = dim > 1 ? grid_.n(1) : 1, n0 = grid_.n(0);
  int periodic = 0;
  for (int a = 0; a < dim; ++a)
    periodic |= grid_.periodic(a) ? 1 << a : 0;
  const bool poisson = kind_ == RateLossKind::Poisson;
  const double tiny = double(std::numeric_limits<Real>::min());
  const double inv_batch = 1.0 / double(nb);

  // Entry i = ((b C + c) 2d + v) np + q, the flat index of rho and grad.
  long orphans = 0; // R > 0 at n = 0
  Kokkos::parallel_reduce(
      "fieldgen::dsd::rate_loss_check", Kokkos::RangePolicy<ExecSpace>(0, nb * nc * nd * np),
      KOKKOS_LAMBDA(long i, long& bad) {
        const long q = i % np, v = (i / np) % nd, c = (i / (np * nd)) % nc, b = i / (np * nd * nc);
        bad += n(b, c, q) == 0 && target(b, c, v, q) > Real(0);
      },
      orphans);
  if (orphans > 0)
    throw DataError(cat("dsd::RateLoss: ", orphans,
                        " reverse-rate targets > 0 at sites without units (targets and counts "
                        "do not belong together)"));
  double value = 0;
  Kokkos::parallel_reduce(
      "fieldgen::dsd::rate_loss", Kokkos::RangePolicy<ExecSpace>(0, nb * nc * nd * np),
      KOKKOS_LAMBDA(long i, double& sum) {
        const long q = i % np, v = (i / np) % nd, c = (i / (np * nd)) % nc, b = i / (np * nd * nc);
        const long a = v / 2, step = v % 2 ? 1 : -1;
        const long x = a == 0 ? q / n1 : q % n1, side = a == 0 ? n0 : n1;
        const bool open = (periodic & (1 << a)) || (x + step >= 0 && x + step < side);
        const double count = double(n(b, c, q)), r = double(target(b, c, v, q));
        Real* g = &grad(b, c * nd + v, q);
        if (count == 0 || !open) {
          *g = Real(0);
          return;
        }
        const double weight = w(b) * inv_batch;
        const double s_raw = count * double(rho(b, c * nd + v, q));
        const double s = s_raw < tiny ? tiny : s_raw; // a NaN stays NaN (NaN stop)
        if (poisson) {
          sum += weight * (r > 0 ? s - r - r * kmath::log(s / r) : s);
          *g = Real(weight * count * (1 - r / s));
        } else {
          sum += weight * (s > r ? s - r : r - s);
          *g = Real(weight * count * (s > r ? 1 : s < r ? -1 : 0));
        }
      },
      value);
  return value;
}

template class RateLoss<float>;
template class RateLoss<double>;

} // namespace fieldgen::dsd
