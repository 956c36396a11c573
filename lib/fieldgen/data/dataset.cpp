// Dataset: per-epoch permutation, batch split over ranks, collective batch reads.
#include "fieldgen/data/dataset.hpp"

#include "fieldgen/data/permutation.hpp"

#include <algorithm>
#include <numeric>

namespace fieldgen::data {

Dataset::Dataset(const std::string& path, const Comm& comm, const Options& options)
    : comm_(comm), reader_(path, comm_, options.expect), options_(options) {
  if (options_.batch < 1 || options_.batch % comm_.size() != 0)
    throw ConfigError(cat("batch size ", options_.batch,
                          " must be a positive multiple of the number of ranks (", comm_.size(),
                          ")"));
  if (options_.batch > meta().samples)
    throw ConfigError(cat("batch size ", options_.batch, " exceeds the ", meta().samples,
                          " samples of ", reader_.name()));
}

void Dataset::seek(const DataPosition& position) {
  require(position.epoch >= 0 && position.batch >= 0 && position.batch < batches_per_epoch(),
          "Dataset::seek: position (", position.epoch, ", ", position.batch,
          ") outside an epoch of ", batches_per_epoch(), " batches");
  position_ = position;
}

const std::vector<long>& Dataset::order(long epoch) const {
  if (cached_epoch_ != epoch) {
    if (options_.shuffle)
      cached_order_ = epoch_permutation(meta().samples, options_.seed, epoch);
    else {
      cached_order_.resize(size_t(meta().samples));
      std::iota(cached_order_.begin(), cached_order_.end(), 0L);
    }
    cached_epoch_ = epoch;
  }
  return cached_order_;
}

std::vector<long> Dataset::local_samples(const DataPosition& position) const {
  const std::vector<long>& o = order(position.epoch);
  const long first = position.batch * options_.batch + comm_.rank() * local_batch();
  return {o.begin() + first, o.begin() + first + local_batch()};
}

Dataset::Gather Dataset::gather() const {
  const std::vector<long> samples = local_samples(position_);
  Gather g;
  g.slot.resize(samples.size());
  std::iota(g.slot.begin(), g.slot.end(), size_t(0));
  std::sort(g.slot.begin(), g.slot.end(),
            [&](size_t a, size_t b) { return samples[a] < samples[b]; });
  for (size_t s : g.slot)
    g.rows.push_back(samples[s]);
  return g;
}

void Dataset::advance() {
  if (++position_.batch == batches_per_epoch()) {
    position_.batch = 0;
    ++position_.epoch;
  }
}

} // namespace fieldgen::data
