// NoiseLoss: batch-mean Cameron-Martin loss of the noise prediction and its gradient (loss.hpp).
#include "fieldgen/funcdiff/loss.hpp"

#include "fieldgen/core/error.hpp"

namespace fieldgen::funcdiff {

double elbo_weight(const Schedule& schedule, long t) {
  const double b = schedule.beta(t), g = schedule.gamma(t);
  const double bt = t == 1 ? b : schedule.beta_tilde(t);
  return b * b / (bt * (1.0 - b) * (1.0 - g));
}

template <class Real>
NoiseLoss<Real>::NoiseLoss(const gaussian::GaussianMeasure<Real>& measure, bool elbo)
    : measure_(measure), elbo_(elbo) {}

template <class Real>
std::vector<double> NoiseLoss<Real>::weights(const std::vector<long>& t, const Schedule& schedule,
                                             long batch) const {
  require(long(t.size()) == batch, "NoiseLoss: ", t.size(), " times for a batch of ", batch);
  std::vector<double> w(size_t(batch), 1.0 / double(batch)); // the batch mean
  if (elbo_)
    for (long b = 0; b < batch; ++b)
      w[size_t(b)] *= elbo_weight(schedule, t[size_t(b)]);
  return w;
}

template <class Real>
void NoiseLoss<Real>::difference(const Tensor3<Real>& xi, const Tensor3<Real>& pred) {
  require(xi.extent(0) == pred.extent(0) && xi.extent(1) == pred.extent(1) &&
              xi.extent(2) == pred.extent(2),
          "NoiseLoss: xi and the prediction differ in shape");
  if (diff_.extent(0) != xi.extent(0) || diff_.extent(1) != xi.extent(1) ||
      diff_.extent(2) != xi.extent(2)) {
    diff_ =
        Tensor3<Real>("fieldgen::funcdiff::loss_diff", xi.extent(0), xi.extent(1), xi.extent(2));
    grad_diff_ =
        Tensor3<Real>("fieldgen::funcdiff::loss_grad", xi.extent(0), xi.extent(1), xi.extent(2));
  }
  const Tensor3<Real> d = diff_;
  Kokkos::parallel_for(
      "fieldgen::funcdiff::loss_diff",
      Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<3>>(
          {0, 0, 0}, {long(xi.extent(0)), long(xi.extent(1)), long(xi.extent(2))}),
      KOKKOS_LAMBDA(const long b, const long c, const long i) {
        d(b, c, i) = xi(b, c, i) - pred(b, c, i);
      });
  Kokkos::fence();
}

template <class Real>
double NoiseLoss<Real>::value(const Tensor3<Real>& xi, const Tensor3<Real>& pred,
                              const std::vector<long>& t, const Schedule& schedule) {
  difference(xi, pred);
  const std::vector<double> w = weights(t, schedule, long(xi.extent(0)));
  const std::vector<double> l = measure_.cm_norm2(diff_);
  double loss = 0;
  for (size_t b = 0; b < l.size(); ++b)
    loss += w[b] * l[b];
  return loss;
}

template <class Real>
double NoiseLoss<Real>::value_and_grad(const Tensor3<Real>& xi, const Tensor3<Real>& pred,
                                       const std::vector<long>& t, const Schedule& schedule,
                                       const Tensor3<Real>& grad_pred) {
  require(grad_pred.extent(0) == pred.extent(0) && grad_pred.extent(1) == pred.extent(1) &&
              grad_pred.extent(2) == pred.extent(2),
          "NoiseLoss: grad_pred must have the prediction's shape");
  difference(xi, pred);
  const long batch = long(xi.extent(0));
  const std::vector<double> w = weights(t, schedule, batch);
  const std::vector<double> l = measure_.cm_grad(diff_, grad_diff_);
  double loss = 0;
  Kokkos::View<double*, MemSpace> wd("fieldgen::funcdiff::loss_weights", size_t(batch));
  auto wh = Kokkos::create_mirror_view(wd);
  for (long b = 0; b < batch; ++b) {
    loss += w[size_t(b)] * l[size_t(b)];
    wh(b) = w[size_t(b)];
  }
  Kokkos::deep_copy(wd, wh);
  // d = xi - pred, so d loss / d pred = -w_b dL/dd.
  const Tensor3<Real> gd = grad_diff_;
  Kokkos::parallel_for(
      "fieldgen::funcdiff::loss_grad_pred",
      Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<3>>(
          {0, 0, 0}, {batch, long(xi.extent(1)), long(xi.extent(2))}),
      KOKKOS_LAMBDA(const long b, const long c, const long i) {
        grad_pred(b, c, i) = Real(-wd(b) * double(gd(b, c, i)));
      });
  Kokkos::fence();
  return loss;
}

template class NoiseLoss<float>;
template class NoiseLoss<double>;

} // namespace fieldgen::funcdiff
