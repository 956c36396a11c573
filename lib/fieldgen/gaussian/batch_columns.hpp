// Conversions between a batch Tensor3 [batch][channel][point] (any memory space, float or
// double) and a host DenseMatrix [point][item] with one column per field, item = b * channels + c,
// for the families that work on the host (LAPACK, PETSc).
#pragma once

#include "fieldgen/core/views.hpp"
#include "fieldgen/gaussian/dense.hpp"

#include <vector>

namespace fieldgen::gaussian {

template <class Real> DenseMatrix to_columns(const Tensor3<Real>& t);
// t(b, c, i) = scale * m(i, b * channels + c); m must have t's points and items.
template <class Real> void from_columns(const DenseMatrix& m, double scale, const Tensor3<Real>& t);
// <x_j, y_j> for every column j.
std::vector<double> column_dots(const DenseMatrix& x, const DenseMatrix& y);
// Per-item values summed over the channels of each batch item, times scale.
std::vector<double> sum_channels(const std::vector<double>& per_item, long channels, double scale);

} // namespace fieldgen::gaussian
