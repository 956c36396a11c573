// FieldBlock: the part of a global regular grid that this rank holds (global points, offset and
// local points per axis), as spectral layers and neural operators need it to evaluate Fourier
// modes and coordinates at global indices. Whole field on one rank: offset 0, local = global.
#pragma once

#include "fieldgen/mesh/decomposition.hpp"

#include <ostream>
#include <vector>

namespace fieldgen::nn {

struct FieldBlock {
  std::vector<long> global, offset, local; // one entry per axis, axis 0 slowest

  static FieldBlock whole(std::vector<long> n);
  static FieldBlock of(const Decomposition& d);

  int dim() const { return int(global.size()); }
  long local_size() const;
  bool operator==(const FieldBlock& o) const {
    return global == o.global && offset == o.offset && local == o.local;
  }
  bool operator<(const FieldBlock& o) const; // for caches keyed by block
};

// e.g. "[16:32) x [0:64) of 64 x 64"; streamed (not pre-formatted) into error messages so that
// checks on the hot path cost nothing unless they fail.
std::ostream& operator<<(std::ostream& s, const FieldBlock& b);

} // namespace fieldgen::nn
