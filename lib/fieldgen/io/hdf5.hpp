// Parallel HDF5 helpers. H5File opens or creates a file collectively with the MPI-IO driver on a
// communicator it owns; datasets are read and written as collective hyperslabs (each rank passes
// its own offset/count in the global dims, H5FD_MPIO_COLLECTIVE); attributes hold strings, numbers
// and arrays. HDF5's automatic error-stack printing is switched off: every failing HDF5 call is
// turned into one IoError naming the file, the object and HDF5's own innermost reason, agreed on
// by all ranks (io/agree.hpp) so that nobody hangs.
#pragma once

#include "fieldgen/core/comm.hpp"

#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

namespace fieldgen::io {

// Element types fieldgen stores.
enum class Dtype { Float32, Float64, Int32, Int64, UInt8 };
const char* dtype_name(Dtype t); // "float32", ...

template <class T> Dtype dtype_of();
template <> inline Dtype dtype_of<float>() {
  return Dtype::Float32;
}
template <> inline Dtype dtype_of<double>() {
  return Dtype::Float64;
}
template <> inline Dtype dtype_of<std::int32_t>() {
  return Dtype::Int32;
}
template <> inline Dtype dtype_of<std::int64_t>() {
  return Dtype::Int64;
}
template <> inline Dtype dtype_of<std::uint8_t>() {
  return Dtype::UInt8;
}

// Switches off HDF5's automatic error printing (idempotent); the H5File constructor calls it.
void quiet_hdf5();
// Throws IoError "<what> (HDF5: <innermost message of HDF5's error stack>)" and clears the stack.
[[noreturn]] void throw_h5_error(const std::string& what);

// Owning HDF5 identifier, closed with its matching H5*close function.
class H5Id {
public:
  using Closer = herr_t (*)(hid_t);
  H5Id() = default;
  H5Id(hid_t id, Closer close) : id_(id), close_(close) {}
  ~H5Id() { reset(); }
  H5Id(H5Id&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = H5I_INVALID_HID; }
  H5Id& operator=(H5Id&& o) noexcept;
  H5Id(const H5Id&) = delete;
  H5Id& operator=(const H5Id&) = delete;
  hid_t get() const { return id_; }
  // Closes now; returns the close function's status (negative on failure).
  herr_t reset();

private:
  hid_t id_ = H5I_INVALID_HID;
  Closer close_ = nullptr;
};

// Type and shape of a stored dataset.
struct DatasetInfo {
  std::string type; // "float32", "float64", "int8".."int64", "uint8".."uint64", "string", "other"
  bool floating = false, integer = false;
  std::vector<long> dims;
  std::string shape_text() const; // "[10, 1, 32]"
};

class H5File {
public:
  enum class Mode { Create, Read };
  // Collective over comm. Create truncates an existing file. `display` names the file in every
  // error message (default: path); writers pass the final name while writing to a temporary one.
  // Read fails with an IoError for a missing, unreadable or non-HDF5 file.
  H5File(const std::string& path, Mode mode, const Comm& comm, std::string display = "");
  ~H5File(); // closes the file (collective); errors are ignored here, see close()
  H5File(const H5File&) = delete;
  H5File& operator=(const H5File&) = delete;

  // Collective, checked close. Every handle opened through this object is already closed.
  void close();

  const std::string& name() const { return display_; }
  const Comm& comm() const { return comm_; }

  bool exists(const std::string& path) const; // a link at this path (every parent must exist)
  void create_group(const std::string& path); // parents are created as needed
  // Collective; parents are created as needed. The layout is contiguous, allocated at creation.
  void create_dataset(const std::string& path, Dtype type, const std::vector<long>& dims);
  // IoError "<file>: no dataset <path>" if missing.
  DatasetInfo dataset_info(const std::string& path) const;

  // Collective hyperslab I/O: this rank's block starts at `offset` and has `count` elements per
  // axis (any count may be zero: the rank takes part without data). `data` is the block as a
  // contiguous row-major array of T; HDF5 converts between T and the stored type.
  template <class T>
  void write(const std::string& path, const std::vector<long>& offset,
             const std::vector<long>& count, const T* data) {
    write_raw(path, offset, count, native_type(dtype_of<T>()), data);
  }
  template <class T>
  void read(const std::string& path, const std::vector<long>& offset,
            const std::vector<long>& count, T* data) const {
    read_raw(path, offset, count, native_type(dtype_of<T>()), data);
  }
  // Collective read of whole rows (index along the first axis), strictly increasing; the rows
  // arrive one after another in `data` in the order given.
  template <class T>
  void read_rows(const std::string& path, const std::vector<long>& rows, T* data) const {
    read_rows_raw(path, rows, native_type(dtype_of<T>()), data);
  }

  // Attributes of an object ("/" for the root group, a group or a dataset). Writing is
  // collective and every rank must pass the same value; an existing attribute is replaced.
  void set_attr(const std::string& object, const std::string& name, const std::string& value);
  void set_attr(const std::string& object, const std::string& name,
                const std::vector<std::string>& values);
  void set_attr(const std::string& object, const std::string& name, double value);
  void set_attr(const std::string& object, const std::string& name, long value);
  void set_attr(const std::string& object, const std::string& name,
                const std::vector<double>& values);
  void set_attr(const std::string& object, const std::string& name,
                const std::vector<long>& values);

  // Reading attributes is local. Errors name the file, object, attribute and expected type.
  bool has_attr(const std::string& object, const std::string& name) const;
  std::string attr_string(const std::string& object, const std::string& name) const;
  std::vector<std::string> attr_strings(const std::string& object, const std::string& name) const;
  std::vector<double> attr_doubles(const std::string& object, const std::string& name) const;
  std::vector<long> attr_longs(const std::string& object, const std::string& name) const;
  double attr_double(const std::string& object, const std::string& name) const;
  long attr_long(const std::string& object, const std::string& name) const;

  static hid_t native_type(Dtype t);

private:
  void write_raw(const std::string& path, const std::vector<long>& offset,
                 const std::vector<long>& count, hid_t memtype, const void* data);
  void read_raw(const std::string& path, const std::vector<long>& offset,
                const std::vector<long>& count, hid_t memtype, void* data) const;
  void read_rows_raw(const std::string& path, const std::vector<long>& rows, hid_t memtype,
                     void* data) const;
  H5Id open_dataset(const std::string& path) const;
  H5Id open_object(const std::string& object) const;
  H5Id open_attr(const std::string& object, const std::string& name, H5T_class_t expected,
                 const char* expected_text) const;
  void write_attr(const std::string& object, const std::string& name, hid_t type,
                  const std::vector<hsize_t>& dims, const void* data);
  std::string where(const std::string& object, const std::string& name) const;

  Comm comm_;
  std::string display_;
  H5Id file_;
};

} // namespace fieldgen::io
