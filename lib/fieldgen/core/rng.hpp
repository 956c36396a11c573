// Counter-based random numbers (Random123 Philox4x32-10). A generator is keyed by (seed, purpose);
// each draw is a pure function of (key, global index, step, sub-stream), so a random field or a
// data shuffle is identical however the work is split over ranks. Never seed per rank.
#pragma once

#include "fieldgen/core/kokkos_math.hpp"

#include <Kokkos_Core.hpp>
#include <Random123/philox.h>

#include <cmath>
#include <cstdint>

namespace fieldgen {

// FNV-1a hash of a purpose name ("data.mogp", "train.noise", ...) into the second key word.
constexpr std::uint32_t purpose_id(const char* s) {
  std::uint32_t h = 2166136261u;
  while (*s)
    h = (h ^ std::uint32_t(static_cast<unsigned char>(*s++))) * 16777619u;
  return h;
}

class CounterRng {
public:
  using Philox = r123::Philox4x32;

  KOKKOS_INLINE_FUNCTION CounterRng() = default;
  KOKKOS_INLINE_FUNCTION CounterRng(std::uint64_t seed, std::uint32_t purpose) {
    // Fold a 64-bit seed into the first key word; the purpose fills the second.
    key_[0] = std::uint32_t(seed) ^ std::uint32_t(seed >> 32) * 0x9E3779B9u;
    key_[1] = purpose;
  }

  // Four raw 32-bit words for counter (index, step, sub).
  KOKKOS_INLINE_FUNCTION Philox::ctr_type raw(std::uint64_t index, std::uint32_t step,
                                              std::uint32_t sub) const {
    Philox::ctr_type c = {{std::uint32_t(index), std::uint32_t(index >> 32), step, sub}};
    Philox::key_type k = {{key_[0], key_[1]}};
    Philox gen;
    return gen(c, k);
  }

  // Two independent uniforms in the open interval (0, 1), 53-bit resolution each.
  KOKKOS_INLINE_FUNCTION void uniform2(std::uint64_t index, std::uint32_t step, std::uint32_t sub,
                                       double& u0, double& u1) const {
    const auto r = raw(index, step, sub);
    u0 = to_open_unit(r[0], r[1]);
    u1 = to_open_unit(r[2], r[3]);
  }
  KOKKOS_INLINE_FUNCTION double uniform(std::uint64_t index, std::uint32_t step,
                                        std::uint32_t sub = 0) const {
    double u0, u1;
    uniform2(index, step, sub, u0, u1);
    return u0;
  }
  // Two independent standard normals (Box-Muller on the two uniforms).
  KOKKOS_INLINE_FUNCTION void normal2(std::uint64_t index, std::uint32_t step, std::uint32_t sub,
                                      double& z0, double& z1) const {
    double u0, u1;
    uniform2(index, step, sub, u0, u1);
    const double r = kmath::sqrt(-2.0 * kmath::log(u0));
    const double a = 6.283185307179586476925 * u1;
    z0 = r * kmath::cos(a);
    z1 = r * kmath::sin(a);
  }
  KOKKOS_INLINE_FUNCTION double normal(std::uint64_t index, std::uint32_t step,
                                       std::uint32_t sub = 0) const {
    double z0, z1;
    normal2(index, step, sub, z0, z1);
    return z0;
  }

private:
  // (hi:21 bits of a, 32 bits of b) -> 53-bit integer m; returns (m + 0.5) / 2^53.
  KOKKOS_INLINE_FUNCTION static double to_open_unit(std::uint32_t a, std::uint32_t b) {
    const std::uint64_t m = (std::uint64_t(a >> 11) << 32) | b;
    return (double(m) + 0.5) * 1.1102230246251565404e-16;
  }
  std::uint32_t key_[2] = {0, 0};
};

} // namespace fieldgen
