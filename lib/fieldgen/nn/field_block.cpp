// FieldBlock: construction from a shape or a Decomposition, and checks.
#include "fieldgen/nn/field_block.hpp"

#include "fieldgen/core/error.hpp"

#include <tuple>

namespace fieldgen::nn {

FieldBlock FieldBlock::whole(std::vector<long> n) {
  for (long v : n)
    require(v >= 1, "FieldBlock: axis with ", v, " points");
  FieldBlock b;
  b.offset.assign(n.size(), 0);
  b.local = n;
  b.global = std::move(n);
  return b;
}

FieldBlock FieldBlock::of(const Decomposition& d) {
  FieldBlock b;
  for (int a = 0; a < d.dim(); ++a) {
    b.global.push_back(d.grid().n(a));
    b.offset.push_back(d.offset(a));
    b.local.push_back(d.local_n(a));
  }
  return b;
}

long FieldBlock::local_size() const {
  long s = 1;
  for (long v : local)
    s *= v;
  return s;
}

std::ostream& operator<<(std::ostream& s, const FieldBlock& b) {
  for (int a = 0; a < b.dim(); ++a)
    s << (a ? " x " : "") << "[" << b.offset[a] << ":" << b.offset[a] + b.local[a] << ")";
  s << " of ";
  for (int a = 0; a < b.dim(); ++a)
    s << (a ? " x " : "") << b.global[a];
  return s;
}

bool FieldBlock::operator<(const FieldBlock& o) const {
  return std::tie(global, offset, local) < std::tie(o.global, o.offset, o.local);
}

} // namespace fieldgen::nn
