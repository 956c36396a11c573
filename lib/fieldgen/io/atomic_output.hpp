// AtomicOutput: every output and checkpoint file is written under a temporary name beside its
// final one ("<path>.tmp") and renamed onto the final name only when complete, so a reader never
// sees a partial file and a failed run leaves none behind: if an error unwinds before commit(),
// the destructor removes the temporary file.
#pragma once

#include "fieldgen/core/comm.hpp"

#include <string>

namespace fieldgen::io {

// Collective. Rank 0 checks that the directory of `path` exists and is writable and that `path`
// is not a directory (IoError otherwise, reported on every rank). Commands call it on their
// output paths before the expensive work, so a typo costs seconds, not a whole run.
void check_output_path(const std::string& path, const Comm& comm);

class AtomicOutput {
public:
  // Collective: check_output_path(path, comm).
  AtomicOutput(const std::string& path, const Comm& comm);
  // Without a commit(), rank 0 removes the temporary file (no communication: safe while an
  // error unwinds).
  ~AtomicOutput();
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  const std::string& path() const { return path_; }
  const std::string& temp_path() const { return temp_; }
  // Collective: call after every rank has closed the temporary file. A barrier, then rank 0
  // renames it onto the final name (replacing an older file of that name).
  void commit();

private:
  Comm comm_;
  std::string path_, temp_;
  bool committed_ = false;
};

} // namespace fieldgen::io
