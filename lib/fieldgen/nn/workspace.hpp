// ensure(): keeps a layer's work buffer across calls and reallocates it only when the wanted
// extents change, so a layer called repeatedly with the same shapes allocates nothing.
#pragma once

#include <Kokkos_Core.hpp>

#include <string>

namespace fieldgen::nn {

template <class View, class... Extents>
void ensure(View& v, const std::string& label, Extents... extents) {
  static_assert(sizeof...(Extents) == View::rank, "ensure: one extent per rank");
  const size_t want[] = {size_t(extents)...};
  bool same = v.use_count() > 0;
  for (size_t r = 0; r < View::rank; ++r)
    same = same && v.extent(r) == want[r];
  if (!same)
    v = View(label, size_t(extents)...);
}

} // namespace fieldgen::nn
