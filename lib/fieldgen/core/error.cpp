// MPI error-code translation for FIELDGEN_MPI_CHECK.
#include "fieldgen/core/error.hpp"

namespace fieldgen {

void throw_mpi_error(int code, const char* call, const char* file, int line) {
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(code, text, &len);
  throw MpiError(cat(call, " failed (", std::string(text, len), ") at ", file, ":", line));
}

} // namespace fieldgen
