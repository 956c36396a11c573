// `fieldgen eval` on count fields (kind "counts": DSD images and microstructures, 1-D to 3-D):
// the per-sample mass check on every generated sample, porosity, S2(r), interface density,
// chord-length distributions, intensity-histogram distance (also of a terminal-time
// configuration), nearest-neighbour distances to the training set (metrics/microstructure.hpp).
// command_eval dispatches here when the generated file holds counts.
#pragma once

#include "fieldgen/core/comm.hpp"
#include "fieldgen/core/config.hpp"
#include "fieldgen/core/timer.hpp"
#include "fieldgen/io/field_file.hpp"

namespace fieldgen::app {

// The eval.* keys only the count evaluation reads.
void add_count_eval_keys(Config& c);

// Collective. Writes output.dir/metrics.json and prints a summary; then throws a DataError
// (non-zero exit) if any generated sample misses its requested mass.
int eval_counts(const Config& cfg, const Comm& comm, const io::FieldFileReader& generated,
                const Stopwatch& clock);

} // namespace fieldgen::app
