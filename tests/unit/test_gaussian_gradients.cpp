// Finite-difference checks (double precision) of the gradient of every loss of the gaussian
// module: white noise, kernel Gram (L2 and H1, every kernel), Whittle-Matern SPDE (L2 and H1,
// 1-D/2-D/3-D, even and odd order, periodic and reflecting axes). The losses are quadratic, so
// central differences are exact up to rounding; the functional checked is sum_b w_b L(d_b)
// with distinct weights so that a mix-up between batch items would show.
#include <doctest/doctest.h>

#include "fieldgen/gaussian/kernel_measure.hpp"
#include "fieldgen/gaussian/spde_measure.hpp"
#include "fieldgen/gaussian/white_noise.hpp"

#include <cmath>
#include <cstddef>
#include <cstdio>

using namespace fieldgen;
using namespace fieldgen::gaussian;

namespace {

// Norm-wise relative error between cm_grad and central differences of cm_norm2.
double gradient_error(const GaussianMeasure<double>& m, long batch, long channels) {
  const long n = m.local_points();
  Tensor3<double> d("d", batch, channels, n), g("g", batch, channels, n);
  const CounterRng rng(17, purpose_id("test.gradient"));
  for (long b = 0; b < batch; ++b)
    for (long c = 0; c < channels; ++c)
      for (long i = 0; i < n; ++i)
        d(b, c, i) = rng.normal(std::uint64_t((b * channels + c) * n + i), 0);
  std::vector<double> w(static_cast<size_t>(batch));
  for (long b = 0; b < batch; ++b)
    w[size_t(b)] = 1.0 + 0.5 * double(b);
  auto functional = [&]() {
    const std::vector<double> l = m.cm_norm2(d);
    double s = 0;
    for (long b = 0; b < batch; ++b)
      s += w[size_t(b)] * l[size_t(b)];
    return s;
  };
  const std::vector<double> losses = m.cm_grad(d, g);
  const std::vector<double> direct = m.cm_norm2(d);
  for (long b = 0; b < batch; ++b)
    CHECK(losses[size_t(b)] == doctest::Approx(direct[size_t(b)]).epsilon(1e-12));
  double diff = 0, norm = 0;
  const double step = 1e-3;
  for (long b = 0; b < batch; ++b)
    for (long c = 0; c < channels; ++c)
      for (long i = 0; i < n; ++i) {
        const double v = d(b, c, i);
        d(b, c, i) = v + step;
        const double up = functional();
        d(b, c, i) = v - step;
        const double down = functional();
        d(b, c, i) = v;
        const double fd = (up - down) / (2 * step), an = w[size_t(b)] * g(b, c, i);
        diff += (fd - an) * (fd - an);
        norm += an * an;
      }
  const double err = std::sqrt(diff / norm);
  std::printf("gradient check %-100s %.2e\n", m.describe().c_str(), err);
  return err;
}

} // namespace

TEST_CASE("white noise loss gradient") {
  CHECK(gradient_error(WhiteNoise<double>(23), 2, 2) < 1e-6);
  const Decomposition dec(Grid::unit({6, 5}), MPI_COMM_SELF);
  CHECK(gradient_error(WhiteNoise<double>(dec), 2, 1) < 1e-6);
}

TEST_CASE("kernel loss gradients (L2 and H1)") {
  const Coordinates x1 = grid_coordinates(Grid::unit({24}));
  const Coordinates x2 = grid_coordinates(Grid::unit({4, 5}));
  for (KernelType t :
       {KernelType::Exponential, KernelType::Matern32, KernelType::Matern52, KernelType::Rbf}) {
    CAPTURE(kernel_name(t));
    const KernelParams p{t, 1.0, 0.2, 1e-6};
    CHECK(gradient_error(KernelMeasure<double>(p, x2), 2, 2) < 1e-6);
    CHECK(gradient_error(KernelMeasure<double>(p, x1, LossSpace::H1), 2, 1) < 1e-6);
  }
}

TEST_CASE("Whittle-Matern loss gradients (L2 and H1)") {
  struct Case {
    Grid grid;
    int order;
  };
  const Case cases[] = {
      {Grid({20}, {0.0}, {1.0}, {false}), 1},
      {Grid({20}, {0.0}, {2.0}, {true}), 2},
      {Grid({17}, {-1.0}, {1.0}, {false}), 3},
      {Grid({7, 6}, {0.0, 0.0}, {1.0, 1.5}, {true, false}), 2},
      {Grid({6, 7}, {0.0, 0.0}, {1.0, 1.0}, {true, true}), 3},
      {Grid({4, 5, 6}, {0.0, 0.0, 0.0}, {1.0, 1.0, 1.0}, {false, true, false}), 2},
  };
  for (const Case& c : cases) {
    CAPTURE(c.grid.describe());
    CAPTURE(c.order);
    const Decomposition dec(c.grid, MPI_COMM_SELF);
    for (LossSpace space : {LossSpace::L2, LossSpace::H1}) {
      const SpdeMeasure<double> m(dec, SpdeParams{c.order, 1.5, 0.3}, space);
      CHECK(gradient_error(m, 2, 1) < 1e-6);
    }
  }
}
