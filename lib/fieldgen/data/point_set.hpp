// Point sets of scattered-point data (DESIGN.md "Data model": a field file may carry /coords
// [N, points, d] beside /fields). FuncDiff's GNO case (Kerrigan et al. 2023, "a GNO case on
// randomly placed points") uses ONE point set for a whole dataset, written as every sample's
// /coords: the GNO runs a batch on one radius graph and the kernel-Gram noise measure is
// factorised once per point set (O(n^3)), so a shared set keeps training at the cost of the
// grid case, while discretisation invariance is shown by sampling on other point sets (a
// regular grid, a fresh random set). Per-sample sets would need a graph and a Cholesky factor
// per curve.
#pragma once

#include "fieldgen/core/comm.hpp"
#include "fieldgen/gaussian/kernel_measure.hpp"

#include <cstdint>
#include <string>

namespace fieldgen::data {

// n points drawn uniformly in [0, 1]^dim: coordinate a of draw i is
// CounterRng(seed, "data.points").uniform(i, 0, a) (so the set does not depend on the rank
// count). In 1-D the points are sorted ascending (curve order for plots, the H1 form of the
// kernel measure, and index-lag statistics).
gaussian::Coordinates random_points(std::uint64_t seed, long n, int dim);

// Collective: the point set of a field file with /coords, i.e. its first sample's coordinates;
// DataError naming the file and sample if another sample has different coordinates (the file
// is not one shared point set) and IoError if the file has no /coords.
gaussian::Coordinates read_point_set(const std::string& path, const Comm& comm);

// The coordinates repeated for `count` samples, laid out [count][points][dim] as
// io::FieldFileWriter::write_coords takes them.
std::vector<double> repeat_points(const gaussian::Coordinates& points, long count);

} // namespace fieldgen::data
