// AtomicOutput: temporary name, rename on success, removal on failure (see atomic_output.hpp).
#include "fieldgen/io/atomic_output.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace fieldgen::io {
namespace {

void check_writable_on_root(const std::string& path) {
  if (path.empty())
    throw IoError("output path is empty");
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    throw IoError(cat(path, ": is a directory, expected a file name"));
  const auto slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw IoError(cat(path, ": output directory '", dir, "' does not exist"));
  if (::access(dir.c_str(), W_OK) != 0)
    throw IoError(
        cat(path, ": output directory '", dir, "' is not writable (", std::strerror(errno), ")"));
}

} // namespace

void check_output_path(const std::string& path, const Comm& comm) {
  comm.root_try([&] { check_writable_on_root(path); });
}

AtomicOutput::AtomicOutput(const std::string& path, const Comm& comm)
    : comm_(comm), path_(path), temp_(path + ".tmp") {
  check_output_path(path_, comm_);
}

AtomicOutput::~AtomicOutput() {
  if (!committed_ && comm_.is_root())
    std::remove(temp_.c_str());
}

void AtomicOutput::commit() {
  require(!committed_, "AtomicOutput::commit called twice for ", path_);
  comm_.barrier();
  comm_.root_try([&] {
    if (std::rename(temp_.c_str(), path_.c_str()) != 0)
      throw IoError(cat(path_, ": cannot rename the finished '", temp_, "' onto it (",
                        std::strerror(errno), ")"));
  });
  committed_ = true;
}

} // namespace fieldgen::io
