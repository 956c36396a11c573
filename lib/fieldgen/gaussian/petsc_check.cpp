// Translation of PETSc error codes into fieldgen errors (see petsc_check.hpp).
#include "fieldgen/gaussian/petsc_check.hpp"

#include "fieldgen/core/error.hpp"

#include <string>

namespace fieldgen::gaussian {

void throw_petsc_error(PetscErrorCode code, const char* call, const char* file, int line) {
  const char* text = nullptr;
  PetscErrorMessage(code, &text, nullptr);
  const std::string message = cat(call, " failed (PETSc error ", int(code), ": ",
                                  text ? text : "unknown", ") at ", file, ":", line);
  switch (code) {
  case PETSC_ERR_ARG_SIZ:
  case PETSC_ERR_ARG_IDN:
  case PETSC_ERR_ARG_WRONG:
  case PETSC_ERR_ARG_CORRUPT:
  case PETSC_ERR_ARG_OUTOFRANGE:
  case PETSC_ERR_ARG_BADPTR:
  case PETSC_ERR_ARG_NOTSAMETYPE:
  case PETSC_ERR_ARG_NOTSAMECOMM:
  case PETSC_ERR_ARG_WRONGSTATE:
  case PETSC_ERR_ARG_INCOMP:
  case PETSC_ERR_ARG_NULL:
  case PETSC_ERR_ARG_UNKNOWN_TYPE:
    throw UsageError(message);
  default:
    throw NumericError(message);
  }
}

} // namespace fieldgen::gaussian
