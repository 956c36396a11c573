// update_step: gradient average, NaN stop, clipping, Adam and EMA (update_step.hpp).
#include "fieldgen/nn/update_step.hpp"

#include "fieldgen/core/error.hpp"
#include "fieldgen/nn/grad_clip.hpp"

#include <cmath>

namespace fieldgen::nn {

template <class Real>
double update_step(double loss, long step, const DataParallel& parallel,
                   const Parameters<Real>& params, Adam<Real>& adam, Ema<Real>& ema,
                   const LrSchedule& lr, const UpdateOptions& options) {
  parallel.average_gradients(params);
  double mean = 0;
  FIELDGEN_MPI_CHECK(MPI_Allreduce(&loss, &mean, 1, MPI_DOUBLE, MPI_SUM, parallel.comm()));
  mean /= double(parallel.size());
  if (!std::isfinite(mean))
    throw NumericError(cat(options.what, " is ", mean, " at step ", step + 1, " (lr ",
                           lr(adam.steps()), "); no update made, the last checkpoint ",
                           options.checkpoint.empty() ? "(none)" : options.checkpoint,
                           " holds the last good state"),
                       ErrorScope::Collective);
  if (options.clip > 0)
    clip_grad_norm(params, options.clip);
  adam.step(params, lr(adam.steps()));
  ema.update(params);
  return mean;
}

template double update_step(double, long, const DataParallel&, const Parameters<float>&,
                            Adam<float>&, Ema<float>&, const LrSchedule&, const UpdateOptions&);
template double update_step(double, long, const DataParallel&, const Parameters<double>&,
                            Adam<double>&, Ema<double>&, const LrSchedule&, const UpdateOptions&);

} // namespace fieldgen::nn
