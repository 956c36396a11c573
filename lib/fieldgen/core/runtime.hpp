// Runtime: RAII guard that initialises MPI -> Kokkos -> PETSc and finalises them in reverse.
// One per process, created first in main(). fail() turns a caught fieldgen::Error into one
// clear line on stderr and an exit code, without leaving any rank hanging.
#pragma once

#include "fieldgen/core/error.hpp"

namespace fieldgen {

class Runtime {
public:
  Runtime(int& argc, char**& argv);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }

  // Reports e and returns the exit code for main(). A collective error is printed by rank 0 and
  // all ranks return; if some rank does not arrive within a grace period (the error was not
  // collective after all), or the error is local, the job is aborted with MPI_Abort.
  int fail(const Error& e);
  // Same for an unexpected std::exception (treated as local).
  int fail(const std::exception& e);

private:
  int rank_ = 0;
  int size_ = 1;
};

// Exit code of fieldgen for a failure of the given kind ("config" -> 2, others -> 1).
int exit_code_for(const std::string& kind);

} // namespace fieldgen
