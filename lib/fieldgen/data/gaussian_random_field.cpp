// Gaussian random fields from the SPDE sampler (see gaussian_random_field.hpp).
#include "fieldgen/data/gaussian_random_field.hpp"

#include "fieldgen/core/error.hpp"
#include "fieldgen/core/rng.hpp"
#include "fieldgen/gaussian/matern.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace fieldgen::data {
namespace {

// Fields drawn per SpdeMeasure::sample call: bounds the solver's dense [points][items] buffer
// (16 x 64^3 doubles = 32 MiB) while amortising the call.
const long chunk = 16;

} // namespace

GaussianRandomField::GaussianRandomField(const Grid& grid, const GrfParams& params,
                                         std::uint64_t seed)
    : params_(params), seed_(seed) {
  require(params.length_scale > 0, "GaussianRandomField: length scale must be > 0 (got ",
          params.length_scale, ")");
  gaussian::matern_smoothness(params.order, grid.dim()); // UsageError unless a > d/2
  dec_ = std::make_unique<Decomposition>(grid, MPI_COMM_SELF);
  gaussian::SpdeParams p;
  p.order = params.order;
  p.variance = params.variance;
  p.length_scale = params.length_scale;
  measure_ = std::make_unique<gaussian::SpdeMeasure<double>>(*dec_, p);
}

void GaussianRandomField::generate(long first, long count, double* values) const {
  require(first >= 0 && count >= 0, "GaussianRandomField::generate: first = ", first,
          ", count = ", count);
  const CounterRng rng(seed_, purpose_id("data.grf"));
  const long n = points();
  for (long done = 0; done < count; done += chunk) {
    const long m = std::min(chunk, count - done);
    Tensor3<double> u("fieldgen::data::grf_chunk", m, 1, n);
    measure_->sample(u, rng, 0, std::uint64_t(first + done));
    const auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), u);
    std::copy_n(host.data(), m * n, values + done * n);
  }
}

double GaussianRandomField::mean_pointwise_variance() const {
  const Grid& g = grid();
  const double pi = 3.141592653589793238462643;
  std::vector<double> mu[Grid::max_dim];
  for (int a = 0; a < Grid::max_dim; ++a) {
    if (a >= g.dim()) {
      mu[a] = {0.0};
      continue;
    }
    const double n = double(g.n(a)), h = g.h(a);
    for (long j = 0; j < g.n(a); ++j) {
      const double s = std::sin(pi * double(j) / (g.periodic(a) ? n : 2 * n));
      mu[a].push_back(4 * s * s / (h * h));
    }
  }
  const double k2 = measure_->kappa() * measure_->kappa();
  double sum = 0;
  for (double m0 : mu[0])
    for (double m1 : mu[1])
      for (double m2 : mu[2])
        sum += std::pow(k2 + m0 + m1 + m2, -params_.order);
  const double s = measure_->scale();
  return s * s / g.cell_volume() * sum / double(g.size());
}

} // namespace fieldgen::data
