// Parallel HDF5 helpers (see hdf5.hpp).
#include "fieldgen/io/hdf5.hpp"

#include "fieldgen/io/agree.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>

// Evaluates an HDF5 call; a negative result throws IoError with the message built from the
// remaining arguments plus HDF5's own reason. Yields the call's result otherwise.
#define FIELDGEN_H5_CHECK(call, ...)                                                               \
  [&]() {                                                                                          \
    const auto fieldgen_h5_rc_ = (call);                                                           \
    if (fieldgen_h5_rc_ < 0)                                                                       \
      ::fieldgen::io::throw_h5_error(::fieldgen::cat(__VA_ARGS__));                                \
    return fieldgen_h5_rc_;                                                                        \
  }()

namespace fieldgen::io {
namespace {

herr_t innermost(unsigned n, const H5E_error2_t* err, void* out) {
  if (n == 0 && err->desc)
    *static_cast<std::string*>(out) = err->desc;
  return 0;
}

hid_t file_type(Dtype t) {
  switch (t) {
  case Dtype::Float32:
    return H5T_IEEE_F32LE;
  case Dtype::Float64:
    return H5T_IEEE_F64LE;
  case Dtype::Int32:
    return H5T_STD_I32LE;
  case Dtype::Int64:
    return H5T_STD_I64LE;
  case Dtype::UInt8:
    return H5T_STD_U8LE;
  }
  return H5I_INVALID_HID;
}

std::string shape_text(const std::vector<hsize_t>& dims) {
  std::string s = "[";
  for (size_t a = 0; a < dims.size(); ++a)
    s += (a ? ", " : "") + std::to_string(dims[a]);
  return s + "]";
}

// Rank 0's check before a collective open: the file exists, is readable and is HDF5.
void probe_readable(const std::string& path, const std::string& display) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    throw IoError(cat(display, ": cannot open (", std::strerror(errno), ")"));
  if (S_ISDIR(st.st_mode))
    throw IoError(cat(display, ": is a directory, expected an HDF5 file"));
  if (!std::ifstream(path, std::ios::binary))
    throw IoError(cat(display, ": cannot be read (", std::strerror(errno), ")"));
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    throw IoError(cat(display, ": not an HDF5 file (", long(st.st_size),
                      " bytes without an HDF5 signature: truncated or another format?)"));
  }
}

// The pieces of one dataset transfer, prepared (and checked) before the collective call.
struct Transfer {
  H5Id dset, fspace, mspace, dxpl;
  std::vector<hsize_t> dims;
  hsize_t elements = 0;
};

H5Id make_dxpl(const std::string& display) {
  H5Id dxpl(FIELDGEN_H5_CHECK(H5Pcreate(H5P_DATASET_XFER), display, ": H5Pcreate"), H5Pclose);
  FIELDGEN_H5_CHECK(H5Pset_dxpl_mpio(dxpl.get(), H5FD_MPIO_COLLECTIVE), display,
                    ": H5Pset_dxpl_mpio");
  return dxpl;
}

H5Id empty_space(const std::string& display) {
  const hsize_t one = 1;
  H5Id s(FIELDGEN_H5_CHECK(H5Screate_simple(1, &one, nullptr), display, ": H5Screate_simple"),
         H5Sclose);
  FIELDGEN_H5_CHECK(H5Sselect_none(s.get()), display, ": H5Sselect_none");
  return s;
}

void dataset_space(Transfer& t, const std::string& display, const std::string& path) {
  t.fspace =
      H5Id(FIELDGEN_H5_CHECK(H5Dget_space(t.dset.get()), display, ": ", path, ": H5Dget_space"),
           H5Sclose);
  const int rank = FIELDGEN_H5_CHECK(H5Sget_simple_extent_ndims(t.fspace.get()), display, ": ",
                                     path, ": H5Sget_simple_extent_ndims");
  t.dims.resize(size_t(rank));
  FIELDGEN_H5_CHECK(H5Sget_simple_extent_dims(t.fspace.get(), t.dims.data(), nullptr), display,
                    ": ", path, ": H5Sget_simple_extent_dims");
}

// Checks this rank's block against the dataset's shape and selects it in file and memory.
void select_block(Transfer& t, const std::string& display, const std::string& path,
                  const std::vector<long>& offset, const std::vector<long>& count) {
  if (offset.size() != t.dims.size() || count.size() != t.dims.size())
    throw UsageError(cat(display, ": ", path, " has rank ", t.dims.size(), ", a selection of ",
                         offset.size(), " axes was given"));
  std::vector<hsize_t> off(offset.size()), cnt(count.size());
  t.elements = 1;
  for (size_t a = 0; a < t.dims.size(); ++a) {
    if (offset[a] < 0 || count[a] < 0 || hsize_t(offset[a] + count[a]) > t.dims[a])
      throw UsageError(cat(display, ": a block of ", count[a], " elements at offset ", offset[a],
                           " on axis ", a, " exceeds ", path, " ", shape_text(t.dims)));
    off[a] = hsize_t(offset[a]);
    cnt[a] = hsize_t(count[a]);
    t.elements *= cnt[a];
  }
  if (t.elements == 0) {
    FIELDGEN_H5_CHECK(H5Sselect_none(t.fspace.get()), display, ": H5Sselect_none");
    t.mspace = empty_space(display);
    return;
  }
  FIELDGEN_H5_CHECK(
      H5Sselect_hyperslab(t.fspace.get(), H5S_SELECT_SET, off.data(), nullptr, cnt.data(), nullptr),
      display, ": cannot select a block of ", path);
  t.mspace = H5Id(FIELDGEN_H5_CHECK(H5Screate_simple(int(cnt.size()), cnt.data(), nullptr), display,
                                    ": H5Screate_simple"),
                  H5Sclose);
}

} // namespace

const char* dtype_name(Dtype t) {
  switch (t) {
  case Dtype::Float32:
    return "float32";
  case Dtype::Float64:
    return "float64";
  case Dtype::Int32:
    return "int32";
  case Dtype::Int64:
    return "int64";
  case Dtype::UInt8:
    return "uint8";
  }
  return "?";
}

void quiet_hdf5() {
  static bool done = false;
  if (!done && H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr) < 0)
    throw IoError("cannot switch off HDF5's error printing (H5Eset_auto2 failed)");
  done = true;
}

void throw_h5_error(const std::string& what) {
  std::string reason;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, innermost, &reason);
  H5Eclear2(H5E_DEFAULT);
  throw IoError(reason.empty() ? what : cat(what, " (HDF5: ", reason, ")"));
}

H5Id& H5Id::operator=(H5Id&& o) noexcept {
  if (this != &o) {
    reset();
    id_ = o.id_;
    close_ = o.close_;
    o.id_ = H5I_INVALID_HID;
  }
  return *this;
}

herr_t H5Id::reset() {
  herr_t rc = 0;
  if (id_ != H5I_INVALID_HID && close_)
    rc = close_(id_);
  id_ = H5I_INVALID_HID;
  return rc;
}

std::string DatasetInfo::shape_text() const {
  std::string s = "[";
  for (size_t a = 0; a < dims.size(); ++a)
    s += (a ? ", " : "") + std::to_string(dims[a]);
  return s + "]";
}

hid_t H5File::native_type(Dtype t) {
  switch (t) {
  case Dtype::Float32:
    return H5T_NATIVE_FLOAT;
  case Dtype::Float64:
    return H5T_NATIVE_DOUBLE;
  case Dtype::Int32:
    return H5T_NATIVE_INT32;
  case Dtype::Int64:
    return H5T_NATIVE_INT64;
  case Dtype::UInt8:
    return H5T_NATIVE_UINT8;
  }
  return H5I_INVALID_HID;
}

H5File::H5File(const std::string& path, Mode mode, const Comm& comm, std::string display)
    : comm_(comm), display_(display.empty() ? path : std::move(display)) {
  quiet_hdf5();
  if (mode == Mode::Read)
    comm_.root_try([&] { probe_readable(path, display_); });
  agree(comm_, [&] {
    H5Id fapl(FIELDGEN_H5_CHECK(H5Pcreate(H5P_FILE_ACCESS), display_, ": H5Pcreate"), H5Pclose);
    FIELDGEN_H5_CHECK(H5Pset_fapl_mpio(fapl.get(), comm_.get(), MPI_INFO_NULL), display_,
                      ": cannot select the MPI-IO driver");
    if (mode == Mode::Create)
      file_ =
          H5Id(FIELDGEN_H5_CHECK(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()),
                                 display_, ": cannot create the file"),
               H5Fclose);
    else
      file_ = H5Id(FIELDGEN_H5_CHECK(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()), display_,
                                     ": cannot open (truncated or corrupt HDF5 file?)"),
                   H5Fclose);
  });
}

H5File::~H5File() {
  file_.reset();
}

void H5File::close() {
  agree(comm_, [&] {
    if (file_.reset() < 0)
      throw_h5_error(cat(display_, ": closing the file failed"));
  });
}

bool H5File::exists(const std::string& path) const {
  // H5Lexists needs every parent to exist, so test the prefixes one by one.
  for (size_t pos = 1; pos <= path.size(); ++pos) {
    if (pos < path.size() && path[pos] != '/')
      continue;
    const std::string prefix = path.substr(0, pos);
    if (prefix == "/")
      continue;
    if (FIELDGEN_H5_CHECK(H5Lexists(file_.get(), prefix.c_str(), H5P_DEFAULT), display_,
                          ": cannot look up ", prefix) <= 0)
      return false;
  }
  return true;
}

void H5File::create_group(const std::string& path) {
  agree(comm_, [&] {
    H5Id lcpl(FIELDGEN_H5_CHECK(H5Pcreate(H5P_LINK_CREATE), display_, ": H5Pcreate"), H5Pclose);
    FIELDGEN_H5_CHECK(H5Pset_create_intermediate_group(lcpl.get(), 1), display_,
                      ": H5Pset_create_intermediate_group");
    H5Id g(FIELDGEN_H5_CHECK(
               H5Gcreate2(file_.get(), path.c_str(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT),
               display_, ": cannot create group ", path),
           H5Gclose);
  });
}

void H5File::create_dataset(const std::string& path, Dtype type, const std::vector<long>& dims) {
  agree(comm_, [&] {
    std::vector<hsize_t> d(dims.begin(), dims.end());
    H5Id space(FIELDGEN_H5_CHECK(H5Screate_simple(int(d.size()), d.data(), nullptr), display_,
                                 ": cannot make the dataspace ", shape_text(d), " of ", path),
               H5Sclose);
    H5Id lcpl(FIELDGEN_H5_CHECK(H5Pcreate(H5P_LINK_CREATE), display_, ": H5Pcreate"), H5Pclose);
    FIELDGEN_H5_CHECK(H5Pset_create_intermediate_group(lcpl.get(), 1), display_,
                      ": H5Pset_create_intermediate_group");
    H5Id dcpl(FIELDGEN_H5_CHECK(H5Pcreate(H5P_DATASET_CREATE), display_, ": H5Pcreate"), H5Pclose);
    // Every element is written by some rank, so HDF5 need not fill the dataset first.
    FIELDGEN_H5_CHECK(H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER), display_,
                      ": H5Pset_fill_time");
    H5Id dset(FIELDGEN_H5_CHECK(H5Dcreate2(file_.get(), path.c_str(), file_type(type), space.get(),
                                           lcpl.get(), dcpl.get(), H5P_DEFAULT),
                                display_, ": cannot create dataset ", path, " ", shape_text(d),
                                " of ", dtype_name(type)),
              H5Dclose);
  });
}

H5Id H5File::open_dataset(const std::string& path) const {
  if (!exists(path))
    throw IoError(cat(display_, ": no dataset ", path));
  H5O_info_t info;
  FIELDGEN_H5_CHECK(
      H5Oget_info_by_name2(file_.get(), path.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT), display_,
      ": cannot inspect ", path);
  if (info.type != H5O_TYPE_DATASET)
    throw IoError(cat(display_, ": ", path, " is not a dataset"));
  return H5Id(FIELDGEN_H5_CHECK(H5Dopen2(file_.get(), path.c_str(), H5P_DEFAULT), display_,
                                ": cannot open dataset ", path),
              H5Dclose);
}

DatasetInfo H5File::dataset_info(const std::string& path) const {
  Transfer t;
  t.dset = open_dataset(path);
  dataset_space(t, display_, path);
  DatasetInfo info;
  info.dims.assign(t.dims.begin(), t.dims.end());
  H5Id type(FIELDGEN_H5_CHECK(H5Dget_type(t.dset.get()), display_, ": ", path, ": H5Dget_type"),
            H5Tclose);
  const size_t bytes = H5Tget_size(type.get());
  if (bytes == 0)
    throw_h5_error(cat(display_, ": ", path, ": H5Tget_size"));
  const size_t bits = 8 * bytes;
  switch (FIELDGEN_H5_CHECK(H5Tget_class(type.get()), display_, ": ", path, ": H5Tget_class")) {
  case H5T_FLOAT:
    info.floating = true;
    info.type = "float" + std::to_string(bits);
    break;
  case H5T_INTEGER:
    info.integer = true;
    info.type = (FIELDGEN_H5_CHECK(H5Tget_sign(type.get()), display_, ": ", path,
                                   ": H5Tget_sign") == H5T_SGN_NONE
                     ? "uint"
                     : "int") +
                std::to_string(bits);
    break;
  case H5T_STRING:
    info.type = "string";
    break;
  default:
    info.type = "other";
  }
  return info;
}

void H5File::write_raw(const std::string& path, const std::vector<long>& offset,
                       const std::vector<long>& count, hid_t memtype, const void* data) {
  Transfer t;
  // Selections are checked on every rank before anyone enters the collective write.
  agree(comm_, [&] {
    t.dset = open_dataset(path);
    dataset_space(t, display_, path);
    select_block(t, display_, path, offset, count);
    t.dxpl = make_dxpl(display_);
  });
  agree(comm_, [&] {
    const double dummy = 0; // HDF5 wants a buffer even for an empty selection
    FIELDGEN_H5_CHECK(H5Dwrite(t.dset.get(), memtype, t.mspace.get(), t.fspace.get(), t.dxpl.get(),
                               t.elements ? data : &dummy),
                      display_, ": writing ", path, " failed");
  });
}

void H5File::read_raw(const std::string& path, const std::vector<long>& offset,
                      const std::vector<long>& count, hid_t memtype, void* data) const {
  Transfer t;
  agree(comm_, [&] {
    t.dset = open_dataset(path);
    dataset_space(t, display_, path);
    select_block(t, display_, path, offset, count);
    t.dxpl = make_dxpl(display_);
  });
  agree(comm_, [&] {
    double dummy = 0;
    FIELDGEN_H5_CHECK(H5Dread(t.dset.get(), memtype, t.mspace.get(), t.fspace.get(), t.dxpl.get(),
                              t.elements ? data : &dummy),
                      display_, ": reading ", path, " failed (truncated or corrupt file?)");
  });
}

void H5File::read_rows_raw(const std::string& path, const std::vector<long>& rows, hid_t memtype,
                           void* data) const {
  Transfer t;
  agree(comm_, [&] {
    t.dset = open_dataset(path);
    dataset_space(t, display_, path);
    for (size_t k = 0; k < rows.size(); ++k)
      if (rows[k] < 0 || hsize_t(rows[k]) >= t.dims[0] || (k > 0 && rows[k] <= rows[k - 1]))
        throw UsageError(cat(display_, ": row ", rows[k], " of ", path, " ", shape_text(t.dims),
                             " is out of range or not increasing"));
    std::vector<hsize_t> start(t.dims.size(), 0), cnt = t.dims;
    hsize_t row_elements = 1;
    for (size_t a = 1; a < t.dims.size(); ++a)
      row_elements *= t.dims[a];
    t.elements = rows.size() * row_elements;
    if (t.elements == 0) {
      FIELDGEN_H5_CHECK(H5Sselect_none(t.fspace.get()), display_, ": H5Sselect_none");
      t.mspace = empty_space(display_);
    } else {
      // One hyperslab block per run of consecutive rows.
      for (size_t k = 0; k < rows.size();) {
        size_t e = k + 1;
        while (e < rows.size() && rows[e] == rows[e - 1] + 1)
          ++e;
        start[0] = hsize_t(rows[k]);
        cnt[0] = hsize_t(e - k);
        FIELDGEN_H5_CHECK(H5Sselect_hyperslab(t.fspace.get(), k ? H5S_SELECT_OR : H5S_SELECT_SET,
                                              start.data(), nullptr, cnt.data(), nullptr),
                          display_, ": cannot select rows of ", path);
        k = e;
      }
      const hsize_t total = t.elements;
      t.mspace = H5Id(
          FIELDGEN_H5_CHECK(H5Screate_simple(1, &total, nullptr), display_, ": H5Screate_simple"),
          H5Sclose);
    }
    t.dxpl = make_dxpl(display_);
  });
  agree(comm_, [&] {
    double dummy = 0;
    FIELDGEN_H5_CHECK(H5Dread(t.dset.get(), memtype, t.mspace.get(), t.fspace.get(), t.dxpl.get(),
                              t.elements ? data : &dummy),
                      display_, ": reading rows of ", path, " failed (truncated or corrupt file?)");
  });
}

// ---- attributes ----

std::string H5File::where(const std::string& object, const std::string& name) const {
  return cat(display_, ": attribute '", name, "' of ", object);
}

H5Id H5File::open_object(const std::string& object) const {
  if (object != "/" && !exists(object))
    throw IoError(cat(display_, ": no object ", object));
  return H5Id(FIELDGEN_H5_CHECK(H5Oopen(file_.get(), object.c_str(), H5P_DEFAULT), display_,
                                ": cannot open ", object),
              H5Oclose);
}

void H5File::write_attr(const std::string& object, const std::string& name, hid_t type,
                        const std::vector<hsize_t>& dims, const void* data) {
  agree(comm_, [&] {
    H5Id obj = open_object(object);
    if (FIELDGEN_H5_CHECK(H5Aexists(obj.get(), name.c_str()), where(object, name), ": H5Aexists"))
      FIELDGEN_H5_CHECK(H5Adelete(obj.get(), name.c_str()), where(object, name),
                        ": cannot replace it");
    H5Id space(dims.empty()
                   ? FIELDGEN_H5_CHECK(H5Screate(H5S_SCALAR), display_, ": H5Screate")
                   : FIELDGEN_H5_CHECK(H5Screate_simple(int(dims.size()), dims.data(), nullptr),
                                       display_, ": H5Screate_simple"),
               H5Sclose);
    H5Id attr(FIELDGEN_H5_CHECK(
                  H5Acreate2(obj.get(), name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                  where(object, name), ": cannot create it"),
              H5Aclose);
    FIELDGEN_H5_CHECK(H5Awrite(attr.get(), type, data), where(object, name), ": cannot write it");
  });
}

namespace {
H5Id vlen_string_type(const std::string& display) {
  H5Id type(FIELDGEN_H5_CHECK(H5Tcopy(H5T_C_S1), display, ": H5Tcopy"), H5Tclose);
  FIELDGEN_H5_CHECK(H5Tset_size(type.get(), H5T_VARIABLE), display, ": H5Tset_size");
  FIELDGEN_H5_CHECK(H5Tset_cset(type.get(), H5T_CSET_UTF8), display, ": H5Tset_cset");
  return type;
}
} // namespace

void H5File::set_attr(const std::string& object, const std::string& name,
                      const std::string& value) {
  H5Id type = vlen_string_type(display_);
  const char* p = value.c_str();
  write_attr(object, name, type.get(), {}, &p);
}

void H5File::set_attr(const std::string& object, const std::string& name,
                      const std::vector<std::string>& values) {
  require(!values.empty(), "H5File::set_attr: empty string array for ", name);
  H5Id type = vlen_string_type(display_);
  std::vector<const char*> p;
  for (const auto& v : values)
    p.push_back(v.c_str());
  write_attr(object, name, type.get(), {hsize_t(p.size())}, p.data());
}

void H5File::set_attr(const std::string& object, const std::string& name, double value) {
  write_attr(object, name, H5T_NATIVE_DOUBLE, {}, &value);
}

void H5File::set_attr(const std::string& object, const std::string& name, long value) {
  write_attr(object, name, H5T_NATIVE_LONG, {}, &value);
}

void H5File::set_attr(const std::string& object, const std::string& name,
                      const std::vector<double>& values) {
  require(!values.empty(), "H5File::set_attr: empty array for ", name);
  write_attr(object, name, H5T_NATIVE_DOUBLE, {hsize_t(values.size())}, values.data());
}

void H5File::set_attr(const std::string& object, const std::string& name,
                      const std::vector<long>& values) {
  require(!values.empty(), "H5File::set_attr: empty array for ", name);
  write_attr(object, name, H5T_NATIVE_LONG, {hsize_t(values.size())}, values.data());
}

bool H5File::has_attr(const std::string& object, const std::string& name) const {
  H5Id obj = open_object(object);
  return FIELDGEN_H5_CHECK(H5Aexists(obj.get(), name.c_str()), where(object, name), ": H5Aexists") >
         0;
}

H5Id H5File::open_attr(const std::string& object, const std::string& name, H5T_class_t expected,
                       const char* expected_text) const {
  if (!has_attr(object, name))
    throw IoError(cat(where(object, name), " is missing, expected ", expected_text));
  H5Id obj = open_object(object);
  H5Id attr(FIELDGEN_H5_CHECK(H5Aopen(obj.get(), name.c_str(), H5P_DEFAULT), where(object, name),
                              ": cannot open it"),
            H5Aclose);
  H5Id type(FIELDGEN_H5_CHECK(H5Aget_type(attr.get()), where(object, name), ": H5Aget_type"),
            H5Tclose);
  const H5T_class_t cls =
      FIELDGEN_H5_CHECK(H5Tget_class(type.get()), where(object, name), ": H5Tget_class");
  // A float-valued request accepts integers as well (HDF5 converts them).
  const bool ok = cls == expected || (expected == H5T_FLOAT && cls == H5T_INTEGER);
  if (!ok)
    throw IoError(cat(where(object, name), " has the wrong type, expected ", expected_text));
  return attr;
}

std::vector<std::string> H5File::attr_strings(const std::string& object,
                                              const std::string& name) const {
  H5Id attr = open_attr(object, name, H5T_STRING, "text");
  H5Id ftype(FIELDGEN_H5_CHECK(H5Aget_type(attr.get()), where(object, name), ": H5Aget_type"),
             H5Tclose);
  H5Id space(FIELDGEN_H5_CHECK(H5Aget_space(attr.get()), where(object, name), ": H5Aget_space"),
             H5Sclose);
  const hssize_t n = FIELDGEN_H5_CHECK(H5Sget_simple_extent_npoints(space.get()),
                                       where(object, name), ": H5Sget_simple_extent_npoints");
  std::vector<std::string> out;
  if (FIELDGEN_H5_CHECK(H5Tis_variable_str(ftype.get()), where(object, name),
                        ": H5Tis_variable_str")) {
    H5Id mtype = vlen_string_type(display_);
    std::vector<char*> buf(size_t(n), nullptr);
    FIELDGEN_H5_CHECK(H5Aread(attr.get(), mtype.get(), buf.data()), where(object, name),
                      ": cannot read it");
    for (char* s : buf)
      out.emplace_back(s ? s : "");
    FIELDGEN_H5_CHECK(H5Dvlen_reclaim(mtype.get(), space.get(), H5P_DEFAULT, buf.data()),
                      where(object, name), ": H5Dvlen_reclaim");
  } else { // fixed-length strings, NUL-padded or space-padded
    const size_t len = H5Tget_size(ftype.get());
    if (len == 0)
      throw_h5_error(cat(where(object, name), ": H5Tget_size"));
    H5Id mtype(FIELDGEN_H5_CHECK(H5Tcopy(H5T_C_S1), display_, ": H5Tcopy"), H5Tclose);
    FIELDGEN_H5_CHECK(H5Tset_size(mtype.get(), len), display_, ": H5Tset_size");
    std::vector<char> buf(size_t(n) * len);
    FIELDGEN_H5_CHECK(H5Aread(attr.get(), mtype.get(), buf.data()), where(object, name),
                      ": cannot read it");
    for (hssize_t i = 0; i < n; ++i) {
      std::string s(buf.data() + size_t(i) * len, len);
      s = s.substr(0, s.find('\0'));
      s.erase(s.find_last_not_of(' ') + 1);
      out.push_back(s);
    }
  }
  return out;
}

std::string H5File::attr_string(const std::string& object, const std::string& name) const {
  auto v = attr_strings(object, name);
  if (v.size() != 1)
    throw IoError(cat(where(object, name), " holds ", v.size(), " strings, expected one"));
  return v[0];
}

std::vector<double> H5File::attr_doubles(const std::string& object, const std::string& name) const {
  H5Id attr = open_attr(object, name, H5T_FLOAT, "numbers");
  H5Id space(FIELDGEN_H5_CHECK(H5Aget_space(attr.get()), where(object, name), ": H5Aget_space"),
             H5Sclose);
  std::vector<double> v(size_t(FIELDGEN_H5_CHECK(H5Sget_simple_extent_npoints(space.get()),
                                                 where(object, name), ": npoints")));
  FIELDGEN_H5_CHECK(H5Aread(attr.get(), H5T_NATIVE_DOUBLE, v.data()), where(object, name),
                    ": cannot read it");
  return v;
}

std::vector<long> H5File::attr_longs(const std::string& object, const std::string& name) const {
  H5Id attr = open_attr(object, name, H5T_INTEGER, "integers");
  H5Id space(FIELDGEN_H5_CHECK(H5Aget_space(attr.get()), where(object, name), ": H5Aget_space"),
             H5Sclose);
  std::vector<long> v(size_t(FIELDGEN_H5_CHECK(H5Sget_simple_extent_npoints(space.get()),
                                               where(object, name), ": npoints")));
  FIELDGEN_H5_CHECK(H5Aread(attr.get(), H5T_NATIVE_LONG, v.data()), where(object, name),
                    ": cannot read it");
  return v;
}

double H5File::attr_double(const std::string& object, const std::string& name) const {
  const auto v = attr_doubles(object, name);
  if (v.size() != 1)
    throw IoError(cat(where(object, name), " holds ", v.size(), " numbers, expected one"));
  return v[0];
}

long H5File::attr_long(const std::string& object, const std::string& name) const {
  const auto v = attr_longs(object, name);
  if (v.size() != 1)
    throw IoError(cat(where(object, name), " holds ", v.size(), " integers, expected one"));
  return v[0];
}

} // namespace fieldgen::io
