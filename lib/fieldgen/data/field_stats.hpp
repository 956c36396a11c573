// Summary statistics of a sharded dataset (the `fieldgen data` report): every value of every
// rank's samples, combined with MPI reductions.
#pragma once

#include "fieldgen/core/comm.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace fieldgen::data {

struct FieldStats {
  long count = 0;
  double min = 0, max = 0, mean = 0, std = 0; // std: population standard deviation
};

// Collective; two passes (mean, then squared deviations) for accuracy.
template <class T> FieldStats field_stats(const Comm& comm, const std::vector<T>& local) {
  FieldStats s;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo, sum = 0;
  for (const T& v : local) {
    lo = std::min(lo, double(v));
    hi = std::max(hi, double(v));
    sum += double(v);
  }
  s.count = comm.sum(long(local.size()));
  s.min = comm.min(lo);
  s.max = comm.max(hi);
  s.mean = comm.sum(sum) / double(std::max(s.count, 1L));
  double squares = 0;
  for (const T& v : local)
    squares += (double(v) - s.mean) * (double(v) - s.mean);
  s.std = std::sqrt(comm.sum(squares) / double(std::max(s.count, 1L)));
  return s;
}

} // namespace fieldgen::data
