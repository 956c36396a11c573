// SpdeMeasure: noise assembly, chains of AMG-preconditioned solves for sampling and chains of
// stencil applications for the losses (see spde_measure.hpp).
#include "fieldgen/gaussian/spde_measure.hpp"

#include "fieldgen/core/error.hpp"
#include "fieldgen/gaussian/batch_columns.hpp"
#include "fieldgen/gaussian/matern.hpp"
#include "fieldgen/gaussian/petsc_check.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <utility>

namespace fieldgen::gaussian {
namespace {

// Everything the noise kernel needs, copied by value into it.
struct NoiseGeometry {
  BlockIndex ix;
  int dim = 1;
  bool periodic[3] = {false, false, false};
  double inv_h[3] = {0, 0, 0};
  double inv_sqrt_cell = 1; // white noise of variance h^{-d}: N(0, 1) / sqrt(h^d)
  double kappa = 1;
  bool odd = false;
};

// Right-hand side at local point i: W1_i (even a) or kappa W1_i + (D^T W2)_i (odd a), with
// (D^T W2)_i = sum_a (W2(i - e_a, a) - W2(i, a)) / h_a over the edges that exist (all on periodic
// axes, none leaving a non-periodic one); scaled by 1/sqrt(h^d) to variance h^{-d} per node/edge.
double noise_value(const NoiseGeometry& geo, const CounterRng& rng, std::uint64_t base,
                   std::uint32_t step, long i) {
  long g[3];
  geo.ix.global_multi(i, g);
  const long* n = geo.ix.global_n;
  auto flat = [n](const long* q) { return std::uint64_t((q[0] * n[1] + q[1]) * n[2] + q[2]); };
  double v = rng.normal(base + flat(g), step, 0); // W1
  if (geo.odd) {
    v *= geo.kappa;
    for (int a = 0; a < geo.dim; ++a) {
      const std::uint32_t sub = std::uint32_t(1 + a); // W2 of the edges along axis a
      if (geo.periodic[a] || g[a] < n[a] - 1)
        v -= geo.inv_h[a] * rng.normal(base + flat(g), step, sub);
      if (geo.periodic[a] || g[a] > 0) {
        long low[3] = {g[0], g[1], g[2]};
        low[a] = (g[a] + n[a] - 1) % n[a];
        v += geo.inv_h[a] * rng.normal(base + flat(low), step, sub);
      }
    }
  }
  return v * geo.inv_sqrt_cell;
}

void copy_column_to(const DenseMatrix& m, long column, Vec v) {
  PetscScalar* p = nullptr;
  FIELDGEN_PETSC_CHECK(VecGetArray(v, &p));
  std::copy_n(m.a.data() + column * m.rows, m.rows, p);
  FIELDGEN_PETSC_CHECK(VecRestoreArray(v, &p));
}

void copy_column_from(Vec v, DenseMatrix& m, long column) {
  const PetscScalar* p = nullptr;
  FIELDGEN_PETSC_CHECK(VecGetArrayRead(v, &p));
  std::copy_n(p, m.rows, m.a.data() + column * m.rows);
  FIELDGEN_PETSC_CHECK(VecRestoreArrayRead(v, &p));
}

} // namespace

template <class Real>
SpdeMeasure<Real>::SpdeMeasure(const Decomposition& dec, const SpdeParams& params, LossSpace space)
    : grid_(dec.grid()), index_(BlockIndex::of(dec)), params_(params), space_(space) {
  const int d = grid_.dim();
  require(params.variance > 0, "SpdeMeasure: variance must be > 0 (got ", params.variance, ")");
  const double kappa = matern_kappa(params.order, d, params.length_scale);
  // s^2 = variance / sigma^2(kappa): the continuum field has the requested pointwise variance.
  scale_ = std::sqrt(params.variance / matern_unit_variance(params.order, d, kappa));
  system_ = std::make_unique<SpdeSystem>(dec, kappa, params.rtol, params.max_iterations);
  for (auto& w : work_)
    system_->create_vector(w.out());
}

template <class Real>
void SpdeMeasure<Real>::fill_noise(Vec w, const CounterRng& rng, std::uint32_t step,
                                   std::uint64_t m) const {
  NoiseGeometry geo;
  geo.ix = index_;
  geo.dim = grid_.dim();
  for (int a = 0; a < geo.dim; ++a) {
    geo.periodic[a] = grid_.periodic(a);
    geo.inv_h[a] = 1 / grid_.h(a);
  }
  geo.inv_sqrt_cell = 1 / std::sqrt(grid_.cell_volume());
  geo.kappa = system_->kappa();
  geo.odd = params_.order % 2 == 1;
  const std::uint64_t base = m * std::uint64_t(global_points());
  PetscScalar* p = nullptr;
  FIELDGEN_PETSC_CHECK(VecGetArray(w, &p));
  Kokkos::parallel_for("fieldgen::gaussian::spde_noise",
                       Kokkos::RangePolicy<Kokkos::DefaultHostExecutionSpace>(0, geo.ix.size()),
                       [=](const long i) { p[i] = noise_value(geo, rng, base, step, i); });
  FIELDGEN_PETSC_CHECK(VecRestoreArray(w, &p));
}

template <class Real>
void SpdeMeasure<Real>::sample(const Tensor3<Real>& out, const CounterRng& rng, std::uint32_t step,
                               std::uint64_t first_sample) const {
  this->check_shape(out, "sample output");
  const long channels = long(out.extent(1)), items = long(out.extent(0)) * channels;
  DenseMatrix u(local_points(), items);
  const int solves = (params_.order + 1) / 2; // a/2 for even a, (a+1)/2 for odd a
  for (long item = 0; item < items; ++item) {
    fill_noise(work_[0].get(), rng, step,
               first_sample * std::uint64_t(channels) + std::uint64_t(item));
    Vec src = work_[0].get(), dst = work_[1].get();
    for (int k = 0; k < solves; ++k) {
      system_->solve(src, dst);
      std::swap(src, dst);
    }
    copy_column_from(src, u, item);
  }
  from_columns(u, scale_, out); // u = s A^{-a/2} W
}

template <class Real> void SpdeMeasure<Real>::apply_power(Vec x, Vec y, int power) const {
  if (power == 0) {
    FIELDGEN_PETSC_CHECK(VecCopy(x, y));
    return;
  }
  // Alternate between y and the third work vector so that the last application writes y.
  Vec src = x;
  for (int k = 0; k < power; ++k) {
    Vec dst = (power - 1 - k) % 2 == 0 ? y : work_[2].get();
    system_->apply(src, dst);
    src = dst;
  }
}

template <class Real> double SpdeMeasure<Real>::local_dot(Vec x, Vec y) {
  const PetscScalar *px = nullptr, *py = nullptr;
  PetscInt n = 0;
  FIELDGEN_PETSC_CHECK(VecGetLocalSize(x, &n));
  FIELDGEN_PETSC_CHECK(VecGetArrayRead(x, &px));
  FIELDGEN_PETSC_CHECK(VecGetArrayRead(y, &py));
  double s = 0;
  for (PetscInt i = 0; i < n; ++i)
    s += px[i] * py[i];
  FIELDGEN_PETSC_CHECK(VecRestoreArrayRead(y, &py));
  FIELDGEN_PETSC_CHECK(VecRestoreArrayRead(x, &px));
  return s;
}

template <class Real>
std::vector<double> SpdeMeasure<Real>::cm_norm2(const Tensor3<Real>& d) const {
  this->check_shape(d, "cm_norm2 input");
  const DenseMatrix x = to_columns(d);
  const int a = params_.order;
  const double shift = 1 - system_->kappa() * system_->kappa(); // I - L_h = A + (1 - kappa^2) I
  std::vector<double> q(static_cast<size_t>(x.cols));
  const Vec w0 = work_[0].get(), w1 = work_[1].get(), w2 = work_[2].get();
  for (long item = 0; item < x.cols; ++item) {
    copy_column_to(x, item, w0);
    // Symmetric split: <d, A^a d> = <v, A^(a mod 2) v> with v = A^(a/2) d; for H1 the factor
    // (I - L_h) commutes with A and goes in the middle.
    apply_power(w0, w1, a / 2); // v in w1
    Vec middle = w1;
    if (a % 2 == 1) {
      system_->apply(w1, w0);
      middle = w0;
    }
    if (space_ == LossSpace::H1) {
      system_->apply(middle, w2);
      FIELDGEN_PETSC_CHECK(VecAXPY(w2, shift, middle));
      middle = w2;
    }
    q[size_t(item)] = local_dot(w1, middle);
  }
  system_->comm().allreduce_sum(q.data(), long(q.size()));
  // L = 1/2 s^{-2} h^d q
  return sum_channels(q, long(d.extent(1)), 0.5 * grid_.cell_volume() / (scale_ * scale_));
}

template <class Real>
std::vector<double> SpdeMeasure<Real>::cm_grad(const Tensor3<Real>& d,
                                               const Tensor3<Real>& grad) const {
  this->check_shape(d, "cm_grad input");
  this->check_shape(grad, "cm_grad output");
  require(grad.extent(0) == d.extent(0) && grad.extent(1) == d.extent(1) && grad.data() != d.data(),
          "SpdeMeasure::cm_grad: grad must match the shape of d and not alias it");
  const DenseMatrix x = to_columns(d);
  DenseMatrix g(x.rows, x.cols);
  const double shift = 1 - system_->kappa() * system_->kappa();
  std::vector<double> q(static_cast<size_t>(x.cols));
  const Vec w0 = work_[0].get(), w1 = work_[1].get(), w2 = work_[2].get();
  for (long item = 0; item < x.cols; ++item) {
    copy_column_to(x, item, w0);
    apply_power(w0, w1, params_.order); // A^a d
    Vec result = w1;
    if (space_ == LossSpace::H1) {
      system_->apply(w1, w2);
      FIELDGEN_PETSC_CHECK(VecAXPY(w2, shift, w1)); // (I - L_h) A^a d
      result = w2;
    }
    q[size_t(item)] = local_dot(w0, result);
    copy_column_from(result, g, item);
  }
  system_->comm().allreduce_sum(q.data(), long(q.size()));
  const double c = grid_.cell_volume() / (scale_ * scale_); // dL/dd = s^{-2} h^d (...) d
  from_columns(g, c, grad);
  return sum_channels(q, long(d.extent(1)), 0.5 * c);
}

template <class Real> std::string SpdeMeasure<Real>::describe() const {
  return cat("Whittle-Matern SPDE a=", params_.order, " (nu ",
             matern_smoothness(params_.order, grid_.dim()), ", variance ", params_.variance,
             ", length ", params_.length_scale, ", kappa ", system_->kappa(), ", s ", scale_,
             ") on ", grid_.describe(), ", ", space_ == LossSpace::L2 ? "L2" : "H1", " loss, ",
             system_->solver(), " rtol ", params_.rtol);
}

template class SpdeMeasure<float>;
template class SpdeMeasure<double>;

} // namespace fieldgen::gaussian
