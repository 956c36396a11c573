// Device-callable math functions under one name across Kokkos versions: Kokkos 3.x (Debian 12)
// has them in Kokkos::Experimental, Kokkos >= 3.7 / 4.x in Kokkos.
#pragma once

#include <Kokkos_Core.hpp>

namespace fieldgen::kmath {
#if KOKKOS_VERSION >= 30700
using Kokkos::cos;
using Kokkos::erf;
using Kokkos::exp;
using Kokkos::log;
using Kokkos::log1p;
using Kokkos::sin;
using Kokkos::sqrt;
using Kokkos::tanh;
#else
using Kokkos::Experimental::cos;
using Kokkos::Experimental::erf;
using Kokkos::Experimental::exp;
using Kokkos::Experimental::log;
using Kokkos::Experimental::log1p;
using Kokkos::Experimental::sin;
using Kokkos::Experimental::sqrt;
using Kokkos::Experimental::tanh;
#endif
} // namespace fieldgen::kmath
