// DataParallel: gradient allreduce, parameter broadcast and identity check over a duplicated
// communicator.
#include "fieldgen/nn/data_parallel.hpp"

#include <climits>
#include <cstdint>

namespace fieldgen::nn {

namespace {

// The MPI calls take an int count.
template <class Real> void require_int_count(const Parameters<Real>& params, const char* what) {
  require(params.allocated(), "DataParallel::", what, ": parameters are not allocated");
  require(params.size() <= long(INT_MAX), "DataParallel::", what, ": ", params.size(),
          " values exceed one MPI message");
}

template <class Real> void allreduce_sum(const Comm& comm, const Vector<Real>& v) {
  const auto host = Kokkos::create_mirror_view(v);
  Kokkos::deep_copy(host, v);
  comm.allreduce_sum(host.data(), long(host.extent(0)));
  Kokkos::deep_copy(v, host);
}

} // namespace

template <class Real> void DataParallel::sum_gradients(const Parameters<Real>& params) const {
  require_int_count(params, "sum_gradients");
  allreduce_sum(comm_, params.grads());
}

template <class Real> void DataParallel::average_gradients(const Parameters<Real>& params) const {
  require_int_count(params, "average_gradients");
  const auto g = params.grads();
  allreduce_sum(comm_, g);
  const Real scale = Real(1.0 / double(comm_.size()));
  Kokkos::parallel_for(
      "fieldgen::nn::average_gradients", Kokkos::RangePolicy<ExecSpace>(0, g.extent(0)),
      KOKKOS_LAMBDA(const long i) { g(i) *= scale; });
}

template <class Real>
void DataParallel::broadcast_parameters(const Parameters<Real>& params) const {
  require_int_count(params, "broadcast_parameters");
  const auto v = params.values();
  const auto host = Kokkos::create_mirror_view(v);
  Kokkos::deep_copy(host, v);
  comm_.broadcast(host.data(), long(host.extent(0)), 0);
  Kokkos::deep_copy(v, host);
}

template <class Real>
bool DataParallel::parameters_identical(const Parameters<Real>& params) const {
  require_int_count(params, "parameters_identical");
  const auto host = Kokkos::create_mirror_view(params.values());
  Kokkos::deep_copy(host, params.values());
  // 64-bit FNV-1a over the bytes: bitwise equality, so -0.0 and 0.0 (or two NaNs) differ.
  std::uint64_t h = 14695981039346656037ull;
  const auto* bytes = reinterpret_cast<const unsigned char*>(host.data());
  const size_t n = host.extent(0) * sizeof(Real);
  for (size_t i = 0; i < n; ++i)
    h = (h ^ bytes[i]) * 1099511628211ull;
  const auto hash = static_cast<unsigned long long>(h);
  return comm_.min(hash) == comm_.max(hash);
}

template void DataParallel::sum_gradients(const Parameters<float>&) const;
template void DataParallel::sum_gradients(const Parameters<double>&) const;
template void DataParallel::average_gradients(const Parameters<float>&) const;
template void DataParallel::average_gradients(const Parameters<double>&) const;
template void DataParallel::broadcast_parameters(const Parameters<float>&) const;
template void DataParallel::broadcast_parameters(const Parameters<double>&) const;
template bool DataParallel::parameters_identical(const Parameters<float>&) const;
template bool DataParallel::parameters_identical(const Parameters<double>&) const;

} // namespace fieldgen::nn
