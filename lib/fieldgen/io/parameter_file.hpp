// Parameter files of a model: save_parameters / load_parameters for nn::Parameters<Real> (any
// type with blocks() and values() of that shape), built on the vector files of vector_file.hpp:
// one dataset /parameters/values plus the block table. Templated on the container so that io/
// does not depend on nn/. A training checkpoint adds its optimizer moments and EMA buffers as
// further named vectors through VectorFileWriter directly.
#pragma once

#include "fieldgen/io/vector_file.hpp"

#include <Kokkos_Core.hpp>

namespace fieldgen::io {

template <class Params> BlockTable block_table(const Params& params) {
  BlockTable table;
  for (const auto& b : params.blocks())
    table.push_back({b.name, b.offset, b.size});
  return table;
}

// Collective; every rank holds the same values (rank 0's are written). `config` (the effective
// configuration text) is stored as the root attribute "config" when not empty.
template <class Params>
void save_parameters(const std::string& path, const Params& params, const Comm& comm,
                     const std::string& config = "") {
  VectorFileWriter writer(path, block_table(params), comm);
  const auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), params.values());
  writer.write("values", host.data());
  if (!config.empty())
    writer.file().set_attr("/", "config", config);
  writer.commit();
}

// Collective. IoError if the file's block table differs from the model's (naming the first
// mismatching block) or it has no /parameters/values of the right length.
template <class Params>
void load_parameters(const std::string& path, Params& params, const Comm& comm) {
  VectorFileReader reader(path, block_table(params), comm);
  auto values = params.values();
  auto host = Kokkos::create_mirror_view(Kokkos::HostSpace(), values);
  reader.read("values", host.data());
  Kokkos::deep_copy(values, host);
}

} // namespace fieldgen::io
