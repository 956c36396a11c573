// Runtime guard: MPI -> Kokkos -> PETSc initialisation, reverse finalisation, error exits.
#include "fieldgen/core/runtime.hpp"

#include <Kokkos_Core.hpp>
#include <petscsys.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

namespace fieldgen {

Runtime::Runtime(int& argc, char**& argv) {
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  // Kokkos sees only its own --kokkos-* flags: it would otherwise answer fieldgen's --help.
  std::vector<char*> kokkos_args{argv[0]};
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], "--kokkos-", 9) == 0)
      kokkos_args.push_back(argv[i]);
  int kokkos_argc = int(kokkos_args.size());
  kokkos_args.push_back(nullptr);
  char** kokkos_argv = kokkos_args.data();
  Kokkos::initialize(kokkos_argc, kokkos_argv);
  // PETSc must not parse fieldgen's command line; it reuses the MPI already initialised.
  PetscOptionsSetValue(nullptr, "-no_signal_handler", nullptr);
  PetscInitializeNoArguments();
}

Runtime::~Runtime() {
  PetscFinalize();
  Kokkos::finalize();
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized)
    MPI_Finalize();
}

int exit_code_for(const std::string& kind) {
  return kind == "config" ? 2 : 1;
}

int Runtime::fail(const Error& e) {
  const int code = exit_code_for(e.kind());
  const bool collective = e.scope() == ErrorScope::Collective;
  if (rank_ == 0 || !collective) {
    if (size_ > 1 && !collective)
      std::fprintf(stderr, "fieldgen: %s error (rank %d): %s\n", e.kind().c_str(), rank_, e.what());
    else
      std::fprintf(stderr, "fieldgen: %s error: %s\n", e.kind().c_str(), e.what());
    std::fflush(stderr);
  }
  if (size_ == 1)
    return code;
  if (collective) {
    // Every rank should be here; wait for all of them (up to 10 s) before a clean exit.
    MPI_Request req;
    MPI_Ibarrier(MPI_COMM_WORLD, &req);
    int done = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done && std::chrono::steady_clock::now() < deadline) {
      MPI_Test(&req, &done, MPI_STATUS_IGNORE);
      if (!done)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (done)
      return code;
  }
  MPI_Abort(MPI_COMM_WORLD, code);
  return code;
}

int Runtime::fail(const std::exception& e) {
  return fail(Error("internal", e.what()));
}

} // namespace fieldgen
