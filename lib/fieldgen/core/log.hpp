// Rank-0 logging with wall-clock timestamps and elapsed time since start:
//   [2026-11-22 07:30:12 +12.3s] message
#pragma once

#include "fieldgen/core/error.hpp"

#include <string>

namespace fieldgen::log {

void write(const std::string& line);     // rank 0 only, stdout
void write_all(const std::string& line); // every rank, prefixed with the rank, stderr

template <class... Args> void info(const Args&... args) {
  write(cat(args...));
}
template <class... Args> void warn(const Args&... args) {
  write(cat("warning: ", args...));
}

// Seconds since the process first called into the logger (or the timer origin).
double elapsed_seconds();

} // namespace fieldgen::log
