// Dataset: training batches from a field file (io/field_file.hpp), sharded over ranks and
// shuffled reproducibly per epoch.
//
// Batches. Each epoch visits the samples in the order of epoch_permutation(N, seed, epoch)
// (data/permutation.hpp; the identity when shuffling is off). Global batch b of an epoch is
// positions [b B, (b + 1) B) of that order; the N % B samples left at the end of an epoch are
// skipped in that epoch (different ones each epoch), so an epoch has floor(N / B) batches.
// Ranks. B must be a multiple of the number of ranks P; rank r takes the contiguous share
// positions [b B + r B/P, b B + (r + 1) B/P) of the batch. Batch contents therefore do not
// depend on P, and over P ranks one batch is exactly the batch a single rank would read.
// Resuming. position() is the (epoch, batch) of the next batch; a trainer stores it in its
// checkpoint and seek()s to it to continue exactly where it stopped.
#pragma once

#include "fieldgen/core/comm.hpp"
#include "fieldgen/io/field_file.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace fieldgen::data {

struct DataPosition {
  long epoch = 0;
  long batch = 0; // next batch within the epoch
  bool operator==(const DataPosition& o) const { return epoch == o.epoch && batch == o.batch; }
};

class Dataset {
public:
  struct Options {
    long batch = 64;        // global batch size B, a multiple of the number of ranks
    std::uint64_t seed = 0; // shuffle seed
    bool shuffle = true;    // false: every epoch in file order
    io::FieldExpect expect; // checked when the file is opened
  };

  // Collective. IoError for a bad file; ConfigError if B is not a positive multiple of the
  // number of ranks or exceeds N.
  Dataset(const std::string& path, const Comm& comm, const Options& options);

  const io::FieldMeta& meta() const { return reader_.meta(); }
  long global_batch() const { return options_.batch; }
  long local_batch() const { return options_.batch / comm_.size(); }
  long batches_per_epoch() const { return meta().samples / options_.batch; }
  DataPosition position() const { return position_; }
  void seek(const DataPosition& position);

  // Global indices of the samples this rank reads for the batch at `position`, in batch order.
  std::vector<long> local_samples(const DataPosition& position) const;

  // Collective: reads this rank's share of the batch at position() into
  // fields[local_batch][C][points] (converted to T) and, when `labels` is given, its labels;
  // then moves to the next batch (the next epoch after the last one).
  template <class T> void next(T* fields, std::int64_t* labels = nullptr) {
    const Gather g = gather();
    const long size = meta().sample_size();
    std::vector<T> rows(g.rows.size() * size_t(size));
    reader_.read_fields_at(g.rows, rows.data());
    for (size_t k = 0; k < g.rows.size(); ++k)
      std::copy_n(rows.data() + k * size, size, fields + g.slot[k] * size);
    if (labels) {
      std::vector<std::int64_t> l(g.rows.size());
      reader_.read_labels_at(g.rows, l.data());
      for (size_t k = 0; k < g.rows.size(); ++k)
        labels[g.slot[k]] = l[k];
    }
    advance();
  }

private:
  // The local samples of the current batch sorted by index (as HDF5 reads them) and the slot
  // of the batch each one goes to.
  struct Gather {
    std::vector<long> rows;
    std::vector<size_t> slot;
  };
  Gather gather() const;
  const std::vector<long>& order(long epoch) const;
  void advance();

  Comm comm_;
  io::FieldFileReader reader_;
  Options options_;
  DataPosition position_;
  mutable long cached_epoch_ = -1;
  mutable std::vector<long> cached_order_;
};

} // namespace fieldgen::data
