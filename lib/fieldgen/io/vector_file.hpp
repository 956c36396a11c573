// Vector files: named vectors that share one block layout, e.g. a model's parameters, its Adam
// moments and its EMA weights (nn::Parameters keeps all values in one contiguous buffer):
//   /parameters/<name>  [total] float32 or float64, one dataset per vector
//   /parameters         attributes block_names, block_offsets, block_sizes (the block table)
//   /                   attribute version, plus whatever the caller adds through file()
// Written atomically (io/atomic_output.hpp). The vectors are identical on every rank (data
// parallel training): rank 0 writes them, every rank reads them, all collectively.
#pragma once

#include "fieldgen/core/comm.hpp"
#include "fieldgen/io/atomic_output.hpp"
#include "fieldgen/io/hdf5.hpp"

#include <string>
#include <vector>

namespace fieldgen::io {

struct Block {
  std::string name;
  long offset = 0, size = 0;
};
using BlockTable = std::vector<Block>;
long total_size(const BlockTable& table);

class VectorFileWriter {
public:
  // Collective: creates "<path>.tmp" with the group /parameters and its block table.
  VectorFileWriter(const std::string& path, const BlockTable& table, const Comm& comm);
  // Collective: stores /parameters/<name> from data[total_size(table)] (rank 0's copy).
  template <class Real> void write(const std::string& name, const Real* data) {
    file_.create_dataset(dataset(name), dtype_of<Real>(), {total_});
    const long count = file_.comm().is_root() ? total_ : 0;
    file_.write(dataset(name), {0}, {count}, data);
  }
  // For further attributes or datasets (configuration, step, RNG counters, data position).
  H5File& file() { return file_; }
  // Collective: closes the file and renames it onto its final name.
  void commit();

private:
  static std::string dataset(const std::string& name) { return "/parameters/" + name; }
  AtomicOutput out_; // declared before file_: the temp file is removed after it is closed
  H5File file_;
  long total_ = 0;
};

class VectorFileReader {
public:
  // Collective. IoError if the file is unreadable, has no block table, or its table differs
  // from `expected` (the message names the first mismatching block).
  VectorFileReader(const std::string& path, const BlockTable& expected, const Comm& comm);
  bool has(const std::string& name) const;
  // Collective: every rank reads /parameters/<name> into data[total_size(table)], converting
  // to Real. IoError if it is missing or not a float vector of that length.
  template <class Real> void read(const std::string& name, Real* data) const {
    check_vector(name);
    file_.read("/parameters/" + name, {0}, {total_}, data);
  }
  const H5File& file() const { return file_; }

private:
  void check_vector(const std::string& name) const;
  H5File file_;
  long total_ = 0;
};

} // namespace fieldgen::io
