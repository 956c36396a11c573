// Field files (DESIGN.md "Data model"): one HDF5 file per dataset or sample set,
//   /fields      [N, C, n1(, n2, n3)]  values (float for continuous fields, integer for counts)
//                attributes: kind ("continuous" | "counts"), domain_lo, domain_hi (one per axis),
//                periodic (0/1 per axis), channel_names (C strings)
//   /labels      [N] int64, optional (class labels, mixture components)
//   /coords      [N, n1*n2*n3, d] float64, optional (point coordinates of each sample)
//   /<table>     [N, k] int64, optional per-sample tables (e.g. /requested_mass [N, C] of the
//                DSD sampler: the mass each sample was asked to have)
//   /provenance  group with attributes version, config (effective config text), seed, ranks.
// FieldFileWriter writes it atomically (io/atomic_output.hpp), each rank its own contiguous range
// of samples, collectively; FieldFileReader checks the layout and reads any range of samples.
#pragma once

#include "fieldgen/core/comm.hpp"
#include "fieldgen/io/atomic_output.hpp"
#include "fieldgen/io/hdf5.hpp"
#include "fieldgen/mesh/grid.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace fieldgen::io {

// Everything about a field dataset but the values.
struct FieldMeta {
  long samples = 0;                       // N
  long channels = 1;                      // C
  std::vector<long> shape;                // n1 (, n2, n3)
  std::vector<double> lo, hi;             // domain per axis
  std::vector<bool> periodic;             // per axis
  std::string kind = "continuous";        // or "counts"
  std::vector<std::string> channel_names; // C names
  bool labels = false;                    // /labels present
  bool coords = false;                    // /coords present

  // Unit box [0, 1]^d, non-periodic, one channel named "u".
  static FieldMeta on_unit_box(long samples, std::vector<long> shape);
  int dim() const { return int(shape.size()); }
  long points() const;      // n1 * n2 * n3
  long sample_size() const; // C * points
  Grid grid() const;
  std::vector<long> dims() const; // [N, C, n1, ...]
  void check() const;             // UsageError if the fields are inconsistent
};

struct Provenance {
  std::string version = FIELDGEN_VERSION;
  std::string config; // effective configuration text (Config::effective_text())
  long seed = 0;
  long ranks = 1;
};

// What a reader requires of a file; zero or empty entries accept anything.
struct FieldExpect {
  int dim = 0;
  std::vector<long> shape; // n1 (, n2, n3); implies dim
  long channels = 0;
  std::string kind;
};

class FieldFileWriter {
public:
  // Collective. Creates "<path>.tmp" with /fields stored as `type` (an integer type for counts),
  // its attributes, /labels and /coords when meta asks for them, and /provenance.
  FieldFileWriter(const std::string& path, const FieldMeta& meta, Dtype type,
                  const Provenance& provenance, const Comm& comm);

  const FieldMeta& meta() const { return meta_; }
  // Collective: this rank's samples [first, first + count), data laid out [count][C][points].
  template <class T> void write_fields(long first, long count, const T* data) {
    file_.write("/fields", offset(first), block(count), data);
  }
  void write_labels(long first, long count, const std::int64_t* labels);
  // data laid out [count][points][dim].
  void write_coords(long first, long count, const double* coords);
  // Collective: rows [first, first + count) of a per-sample int64 table `name` [N, width]
  // (e.g. /requested_mass [N, C]), created by the first call with that name.
  void write_table(const std::string& name, long width, long first, long count,
                   const std::int64_t* data);
  // Collective: closes the file and renames it onto `path`.
  void commit();

private:
  std::vector<long> offset(long first) const;
  std::vector<long> block(long count) const;

  FieldMeta meta_;   // checked before anything is created
  AtomicOutput out_; // declared before file_: the temp file is removed after it is closed
  H5File file_;
};

class FieldFileReader {
public:
  // Collective. IoError naming the file and what was expected vs found if the file is missing,
  // not HDF5, lacks /fields, or /fields, /labels, /coords or an attribute has the wrong shape or
  // type, or if the fields do not meet `expect`.
  FieldFileReader(const std::string& path, const Comm& comm, const FieldExpect& expect = {});

  const FieldMeta& meta() const { return meta_; }
  const std::string& name() const { return file_.name(); }
  Provenance provenance() const; // IoError if /provenance is missing or incomplete

  // Collective: samples [first, first + count) into data [count][C][points] (converted to T).
  template <class T> void read_fields(long first, long count, T* data) const {
    file_.read("/fields", offset(first), block(count), data);
  }
  // Collective: the samples at strictly increasing indices, one after another.
  template <class T> void read_fields_at(const std::vector<long>& samples, T* data) const {
    file_.read_rows("/fields", samples, data);
  }
  void read_labels(long first, long count, std::int64_t* labels) const;
  void read_labels_at(const std::vector<long>& samples, std::int64_t* labels) const;
  void read_coords(long first, long count, double* coords) const;

private:
  std::vector<long> offset(long first) const;
  std::vector<long> block(long count) const;
  void require_optional(bool present, const char* what) const;

  H5File file_;
  FieldMeta meta_;
};

} // namespace fieldgen::io
