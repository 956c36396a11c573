// PETSc error checking for the gaussian module: FIELDGEN_PETSC_CHECK(call) turns a non-zero
// PetscErrorCode into a fieldgen error naming the call (UsageError for argument/size errors,
// NumericError for everything else: failed factorisations, non-convergence, memory).
#pragma once

#include <petscsys.h>

namespace fieldgen::gaussian {

[[noreturn]] void throw_petsc_error(PetscErrorCode code, const char* call, const char* file,
                                    int line);

} // namespace fieldgen::gaussian

#define FIELDGEN_PETSC_CHECK(call)                                                                 \
  do {                                                                                             \
    const PetscErrorCode fieldgen_petsc_rc_ = (call);                                              \
    if (fieldgen_petsc_rc_ != 0)                                                                   \
      ::fieldgen::gaussian::throw_petsc_error(fieldgen_petsc_rc_, #call, __FILE__, __LINE__);      \
  } while (0)
