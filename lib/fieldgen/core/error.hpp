// Typed errors of fieldgen. Every failure a user can cause (bad key, bad value, bad file) is
// thrown as one of these, caught in the app's main() and reported as one line by
// Runtime::fail(), which also makes sure no other rank is left waiting.
#pragma once

#include <mpi.h>

#include <sstream>
#include <stdexcept>
#include <string>

namespace fieldgen {

// Collective: every rank detects the same error (e.g. a config check), so rank 0 alone reports
// it and all ranks exit cleanly. Local: one rank detected it; that rank reports it and aborts
// the job so that no other rank hangs in a collective call.
enum class ErrorScope { Collective, Local };

class Error : public std::runtime_error {
public:
  Error(std::string kind, const std::string& message, ErrorScope scope = ErrorScope::Local)
      : std::runtime_error(message), kind_(std::move(kind)), scope_(scope) {}
  const std::string& kind() const { return kind_; }
  ErrorScope scope() const { return scope_; }

private:
  std::string kind_;
  ErrorScope scope_;
};

// Bad configuration key or value; always collective (every rank parses the same deck).
struct ConfigError : Error {
  explicit ConfigError(const std::string& m) : Error("config", m, ErrorScope::Collective) {}
};
// Missing, unreadable, truncated or wrongly shaped file.
struct IoError : Error {
  explicit IoError(const std::string& m, ErrorScope s = ErrorScope::Local) : Error("io", m, s) {}
};
// Malformed input data (non-numeric cell, ragged row, bad magic number, ...).
struct DataError : Error {
  explicit DataError(const std::string& m, ErrorScope s = ErrorScope::Local)
      : Error("data", m, s) {}
};
// Numerical failure (NaN loss, failed factorisation, solver divergence).
struct NumericError : Error {
  explicit NumericError(const std::string& m, ErrorScope s = ErrorScope::Local)
      : Error("numeric", m, s) {}
};
// Misuse of the library API (wrong shapes, inconsistent arguments): a programming error.
struct UsageError : Error {
  explicit UsageError(const std::string& m, ErrorScope s = ErrorScope::Local)
      : Error("usage", m, s) {}
};
struct MpiError : Error {
  explicit MpiError(const std::string& m) : Error("mpi", m) {}
};

// Concatenates its arguments with operator<< into one string.
template <class... Args> std::string cat(const Args&... args) {
  std::ostringstream s;
  (s << ... << args);
  return s.str();
}

// Throws UsageError with the message when cond is false.
template <class... Args> void require(bool cond, const Args&... args) {
  if (!cond)
    throw UsageError(cat(args...));
}

void throw_mpi_error(int code, const char* call, const char* file, int line);

} // namespace fieldgen

// Checks the return code of an MPI call.
#define FIELDGEN_MPI_CHECK(call)                                                                   \
  do {                                                                                             \
    int fieldgen_mpi_rc_ = (call);                                                                 \
    if (fieldgen_mpi_rc_ != MPI_SUCCESS)                                                           \
      ::fieldgen::throw_mpi_error(fieldgen_mpi_rc_, #call, __FILE__, __LINE__);                    \
  } while (0)
