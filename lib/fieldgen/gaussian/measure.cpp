// GaussianMeasure: shared argument checks.
#include "fieldgen/gaussian/measure.hpp"

#include "fieldgen/core/error.hpp"

namespace fieldgen::gaussian {

template <class Real>
void GaussianMeasure<Real>::check_shape(const Tensor3<Real>& t, const char* what) const {
  if (t.extent(1) < 1 || long(t.extent(2)) != local_points())
    throw UsageError(cat(describe(), ": ", what, " must be [batch][channels >= 1][", local_points(),
                         " points], got [", t.extent(0), "][", t.extent(1), "][", t.extent(2),
                         "]"));
}

template class GaussianMeasure<float>;
template class GaussianMeasure<double>;

} // namespace fieldgen::gaussian
