// Checkpoint files of the trainers (checkpoint.hpp).
#include "fieldgen/nn/checkpoint.hpp"

#include "fieldgen/io/hdf5.hpp"
#include "fieldgen/io/parameter_file.hpp"

namespace fieldgen::nn {
namespace {

template <class Real> void write_vector(io::VectorFileWriter& w, const char* name, Vector<Real> v) {
  const auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), v);
  w.write(name, host.data());
}

template <class Real>
void read_vector(const io::VectorFileReader& r, const char* name, const Vector<Real>& v) {
  auto host = Kokkos::create_mirror_view(Kokkos::HostSpace(), v);
  r.read(name, host.data());
  Kokkos::deep_copy(v, host);
}

// IoError unless the file carries this format and precision.
template <class Real> void check_header(const io::H5File& f) {
  if (!f.has_attr("/", "magic") || f.attr_long("/", "magic") != checkpoint_magic)
    throw IoError(cat(f.name(), ": not a fieldgen training checkpoint (no magic number ",
                      checkpoint_magic, ")"));
  const long version = f.attr_long("/", "format_version");
  if (version != checkpoint_version)
    throw IoError(cat(f.name(), ": checkpoint format_version ", version, ", this build reads ",
                      checkpoint_version));
  const std::string precision = f.attr_string("/", "precision");
  if (precision != precision_name<Real>())
    throw IoError(cat(f.name(), ": checkpoint precision '", precision, "', the run uses '",
                      precision_name<Real>(), "' (set train.precision accordingly)"));
}

} // namespace

template <> const char* precision_name<float>() {
  return "float";
}
template <> const char* precision_name<double>() {
  return "double";
}

template <class Real>
void write_checkpoint(const std::string& path, const Parameters<Real>& params,
                      const Adam<Real>& adam, const Ema<Real>& ema, const CheckpointState& state,
                      const Comm& comm) {
  require(!ema.swapped(), "write_checkpoint: EMA weights are swapped in");
  io::VectorFileWriter w(path, io::block_table(params), comm);
  write_vector(w, "values", params.values());
  write_vector(w, "adam_m", adam.first_moment());
  write_vector(w, "adam_v", adam.second_moment());
  write_vector(w, "ema", ema.values());
  io::H5File& f = w.file();
  f.set_attr("/", "magic", checkpoint_magic);
  f.set_attr("/", "format_version", checkpoint_version);
  f.set_attr("/", "precision", std::string(precision_name<Real>()));
  f.set_attr("/", "step", state.step);
  f.set_attr("/", "adam_steps", adam.steps());
  f.set_attr("/", "ema_updates", ema.updates());
  f.set_attr("/", "data_epoch", state.data_epoch);
  f.set_attr("/", "data_batch", state.data_batch);
  f.set_attr("/", "config", state.config);
  w.commit();
}

template <class Real>
CheckpointState read_checkpoint(const std::string& path, Parameters<Real>& params, Adam<Real>& adam,
                                Ema<Real>& ema, const Comm& comm) {
  io::VectorFileReader r(path, io::block_table(params), comm);
  const io::H5File& f = r.file();
  check_header<Real>(f);
  read_vector(r, "values", params.values());
  read_vector(r, "adam_m", adam.first_moment());
  read_vector(r, "adam_v", adam.second_moment());
  read_vector(r, "ema", ema.values());
  adam.set_steps(f.attr_long("/", "adam_steps"));
  ema.set_updates(f.attr_long("/", "ema_updates"));
  CheckpointState s;
  s.step = f.attr_long("/", "step");
  s.data_epoch = f.attr_long("/", "data_epoch");
  s.data_batch = f.attr_long("/", "data_batch");
  s.config = f.attr_string("/", "config");
  return s;
}

template <class Real>
std::string read_checkpoint_weights(const std::string& path, Parameters<Real>& params, bool ema,
                                    const Comm& comm) {
  io::VectorFileReader r(path, io::block_table(params), comm);
  check_header<Real>(r.file());
  read_vector(r, ema ? "ema" : "values", params.values());
  return r.file().attr_string("/", "config");
}

std::string read_checkpoint_config(const std::string& path, const Comm& comm) {
  const io::H5File f(path, io::H5File::Mode::Read, comm);
  if (!f.has_attr("/", "magic") || f.attr_long("/", "magic") != checkpoint_magic ||
      !f.has_attr("/", "config"))
    throw IoError(cat(path, ": not a fieldgen training checkpoint (no magic number ",
                      checkpoint_magic, " or no config)"));
  return f.attr_string("/", "config");
}

#define FIELDGEN_INSTANTIATE(Real)                                                                 \
  template void write_checkpoint<Real>(const std::string&, const Parameters<Real>&,                \
                                       const Adam<Real>&, const Ema<Real>&,                        \
                                       const CheckpointState&, const Comm&);                       \
  template CheckpointState read_checkpoint<Real>(const std::string&, Parameters<Real>&,            \
                                                 Adam<Real>&, Ema<Real>&, const Comm&);            \
  template std::string read_checkpoint_weights<Real>(const std::string&, Parameters<Real>&, bool,  \
                                                     const Comm&);
FIELDGEN_INSTANTIATE(float)
FIELDGEN_INSTANTIATE(double)
#undef FIELDGEN_INSTANTIATE

} // namespace fieldgen::nn
