// Vector files: block table check and vector datasets (see vector_file.hpp).
#include "fieldgen/io/vector_file.hpp"

#include "fieldgen/io/agree.hpp"

#include <algorithm>

namespace fieldgen::io {
namespace {

std::string describe(const Block& b) {
  return cat("'", b.name, "' (offset ", b.offset, ", size ", b.size, ")");
}

} // namespace

long total_size(const BlockTable& table) {
  long total = 0;
  for (const Block& b : table)
    total += b.size;
  return total;
}

VectorFileWriter::VectorFileWriter(const std::string& path, const BlockTable& table,
                                   const Comm& comm)
    : out_(path, comm), file_(out_.temp_path(), H5File::Mode::Create, comm, path),
      total_(total_size(table)) {
  require(!table.empty() && total_ > 0, "VectorFileWriter: empty block table for ", path);
  std::vector<std::string> names;
  std::vector<long> offsets, sizes;
  for (const Block& b : table) {
    names.push_back(b.name);
    offsets.push_back(b.offset);
    sizes.push_back(b.size);
  }
  file_.set_attr("/", "version", std::string(FIELDGEN_VERSION));
  file_.create_group("/parameters");
  file_.set_attr("/parameters", "block_names", names);
  file_.set_attr("/parameters", "block_offsets", offsets);
  file_.set_attr("/parameters", "block_sizes", sizes);
}

void VectorFileWriter::commit() {
  file_.close();
  out_.commit();
}

VectorFileReader::VectorFileReader(const std::string& path, const BlockTable& expected,
                                   const Comm& comm)
    : file_(path, H5File::Mode::Read, comm), total_(total_size(expected)) {
  const std::string& f = file_.name();
  agree(file_.comm(), [&] {
    if (!file_.exists("/parameters"))
      throw IoError(cat(f, ": no group /parameters (not a fieldgen parameter file?)"));
    const auto names = file_.attr_strings("/parameters", "block_names");
    const auto offsets = file_.attr_longs("/parameters", "block_offsets");
    const auto sizes = file_.attr_longs("/parameters", "block_sizes");
    if (offsets.size() != names.size() || sizes.size() != names.size())
      throw IoError(cat(f, ": block table of /parameters has ", names.size(), " names, ",
                        offsets.size(), " offsets and ", sizes.size(), " sizes"));
    for (size_t i = 0; i < std::max(names.size(), expected.size()); ++i) {
      if (i >= names.size())
        throw IoError(cat(f, ": parameter block ", i, " ", describe(expected[i]),
                          " is missing from the file (it has ", names.size(), " blocks, expected ",
                          expected.size(), ")"));
      const Block found{names[i], offsets[i], sizes[i]};
      if (i >= expected.size())
        throw IoError(cat(f, ": parameter block ", i, " ", describe(found),
                          " is not in the model (the file has ", names.size(), " blocks, expected ",
                          expected.size(), ")"));
      if (found.name != expected[i].name || found.offset != expected[i].offset ||
          found.size != expected[i].size)
        throw IoError(cat(f, ": parameter block ", i, " is ", describe(found), ", expected ",
                          describe(expected[i])));
    }
  });
}

bool VectorFileReader::has(const std::string& name) const {
  return file_.exists("/parameters/" + name);
}

void VectorFileReader::check_vector(const std::string& name) const {
  agree(file_.comm(), [&] {
    const DatasetInfo info = file_.dataset_info("/parameters/" + name);
    if (info.dims != std::vector<long>{total_} || !info.floating)
      throw IoError(cat(file_.name(), ": /parameters/", name, " has shape ", info.shape_text(),
                        " of ", info.type, ", expected [", total_, "] of floats"));
  });
}

} // namespace fieldgen::io
