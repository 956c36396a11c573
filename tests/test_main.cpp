// doctest main for every fieldgen test executable: the RAII runtime guard (MPI -> Kokkos ->
// PETSc) wraps the whole run; the exit code is the maximum over ranks so that a failure on any
// rank fails the test.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "fieldgen/core/runtime.hpp"

#include <mpi.h>

int main(int argc, char** argv) {
  fieldgen::Runtime runtime(argc, argv);
  doctest::Context context;
  context.applyCommandLine(argc, argv);
  if (runtime.rank() != 0)
    context.setOption("out", "/dev/null"); // one report, from rank 0; failures still count below
  int result = context.run();
  MPI_Allreduce(MPI_IN_PLACE, &result, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  return result;
}
