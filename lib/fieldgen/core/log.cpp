// Rank-0 timestamped logger.
#include "fieldgen/core/log.hpp"

#include <mpi.h>

#include <chrono>
#include <cstdio>
#include <ctime>

namespace fieldgen::log {
namespace {
const auto origin = std::chrono::steady_clock::now();

int world_rank() {
  int init = 0, rank = 0;
  MPI_Initialized(&init);
  if (init)
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

std::string stamp() {
  char buf[64];
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  char out[96];
  std::snprintf(out, sizeof out, "[%s +%.1fs]", buf, elapsed_seconds());
  return out;
}
} // namespace

double elapsed_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - origin).count();
}

void write(const std::string& line) {
  if (world_rank() != 0)
    return;
  std::printf("%s %s\n", stamp().c_str(), line.c_str());
  std::fflush(stdout);
}

void write_all(const std::string& line) {
  std::fprintf(stderr, "%s [rank %d] %s\n", stamp().c_str(), world_rank(), line.c_str());
  std::fflush(stderr);
}

} // namespace fieldgen::log
