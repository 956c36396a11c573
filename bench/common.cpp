// Helpers shared by the benchmark sections (common.hpp).
#include "common.hpp"

#include "fieldgen/core/timer.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <thread>

namespace fieldgen::bench {

double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

std::vector<double> medians(const std::vector<std::function<void()>>& fns, int min_rounds,
                            bool cpu) {
  for (int i = 0; i < 2; ++i)
    for (const auto& f : fns)
      f();
  Kokkos::fence();
  std::vector<std::vector<double>> t(fns.size());
  Stopwatch total;
  while (long(t[0].size()) < min_rounds || (total.seconds() < 0.3 && t[0].size() < 200))
    for (size_t i = 0; i < fns.size(); ++i) {
      const Stopwatch s;
      const double c = cpu_seconds();
      fns[i]();
      Kokkos::fence();
      t[i].push_back(cpu ? cpu_seconds() - c : s.seconds());
    }
  std::vector<double> m;
  for (auto& ti : t)
    m.push_back(median(ti));
  return m;
}

double median(std::vector<double> t) {
  std::nth_element(t.begin(), t.begin() + long(t.size() / 2), t.end());
  return t[t.size() / 2];
}

void raw(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, long m, long n, long k, float alpha,
         const float* a, long lda, const float* b, long ldb, float beta, float* c, long ldc) {
  cblas_sgemm(CblasRowMajor, ta, tb, int(m), int(n), int(k), alpha, a, int(lda), b, int(ldb), beta,
              c, int(ldc));
}
void raw(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, long m, long n, long k, double alpha,
         const double* a, long lda, const double* b, long ldb, double beta, double* c, long ldc) {
  cblas_dgemm(CblasRowMajor, ta, tb, int(m), int(n), int(k), alpha, a, int(lda), b, int(ldb), beta,
              c, int(ldc));
}

void quiet_barrier(const Comm& comm) {
  MPI_Request request;
  FIELDGEN_MPI_CHECK(MPI_Ibarrier(comm.get(), &request));
  int done = 0;
  while (!done) {
    FIELDGEN_MPI_CHECK(MPI_Test(&request, &done, MPI_STATUS_IGNORE));
    if (!done)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

} // namespace fieldgen::bench
