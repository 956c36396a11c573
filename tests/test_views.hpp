// Helpers shared by the test files: deterministic normal fills of Kokkos views (CounterRng, so
// the same on any rank count) and host copies of views for comparisons.
#pragma once

#include "fieldgen/core/rng.hpp"

#include <Kokkos_Core.hpp>

#include <cstdint>
#include <vector>

namespace fieldgen::testing {

// v[i] = scale * N(0, 1) draw i of CounterRng(seed, purpose), i the flat index of the view.
template <class View>
void fill_normal(const View& v, std::uint64_t seed, double scale = 1.0,
                 const char* purpose = "test.fill") {
  auto h = Kokkos::create_mirror_view(v);
  const CounterRng rng(seed, purpose_id(purpose));
  for (size_t i = 0; i < h.size(); ++i)
    h.data()[i] = typename View::value_type(scale * rng.normal(i, 0));
  Kokkos::deep_copy(v, h);
}

// The values of a (contiguous) view, copied to the host as doubles.
template <class View> std::vector<double> host(const View& v) {
  const auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), v);
  return std::vector<double>(h.data(), h.data() + h.size());
}

} // namespace fieldgen::testing
