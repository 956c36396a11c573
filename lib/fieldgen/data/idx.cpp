// IDX reader with transparent gunzip (see idx.hpp).
#include "fieldgen/data/idx.hpp"

#include "fieldgen/core/error.hpp"

#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

namespace fieldgen::data {
namespace {

std::vector<std::uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw IoError(cat(path, ": cannot open (", std::strerror(errno), ")"));
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
  if (in.bad())
    throw IoError(cat(path, ": read error"));
  return bytes;
}

std::vector<std::uint8_t> gunzip(const std::vector<std::uint8_t>& packed, const std::string& path) {
  z_stream s{};
  // 16 + MAX_WBITS: expect a gzip header and trailer.
  if (inflateInit2(&s, 16 + MAX_WBITS) != Z_OK)
    throw DataError(cat(path, ": cannot initialise zlib"));
  std::vector<std::uint8_t> out;
  std::uint8_t chunk[1 << 16];
  s.next_in = const_cast<Bytef*>(packed.data());
  s.avail_in = uInt(packed.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    s.next_out = chunk;
    s.avail_out = sizeof chunk;
    rc = inflate(&s, Z_NO_FLUSH);
    out.insert(out.end(), chunk, chunk + (sizeof chunk - s.avail_out));
  } // Z_BUF_ERROR: the input ended before the end of the stream; Z_DATA_ERROR: corrupt

  const std::string reason = s.msg ? s.msg : "";
  inflateEnd(&s);
  if (rc != Z_STREAM_END)
    throw DataError(cat(path, ": truncated or corrupt gzip stream (", out.size(),
                        " bytes decompressed", reason.empty() ? "" : ", zlib: " + reason, ")"));
  return out;
}

std::uint32_t big_endian(const std::uint8_t* p) {
  return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3];
}

} // namespace

IdxArray read_idx(const std::string& path, int dims) {
  std::vector<std::uint8_t> bytes = read_file(path);
  const bool gz = bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
  if (gz)
    bytes = gunzip(bytes, path);
  const char* stream = gz ? " of the decompressed stream" : "";
  const std::uint32_t expected = 0x0800u | std::uint32_t(dims);
  char want[16];
  std::snprintf(want, sizeof want, "0x%08x", expected);
  if (bytes.size() < 4)
    throw DataError(cat(path, ": truncated IDX header: ", bytes.size(),
                        " bytes, expected the magic number ", want, " at byte offset 0"));
  const std::uint32_t magic = big_endian(bytes.data());
  if (magic != expected) {
    char found[16];
    std::snprintf(found, sizeof found, "0x%08x", magic);
    throw DataError(cat(path, ": bad IDX magic number ", found, " at byte offset 0", stream,
                        ", expected ", want, " (unsigned bytes, ", dims, " dimension",
                        dims > 1 ? "s" : "", ")"));
  }
  const size_t header = 4 + 4 * size_t(dims);
  if (bytes.size() < header)
    throw DataError(cat(path, ": truncated IDX header: the ", dims,
                        " dimension sizes end at byte offset ", header, stream,
                        ", the file ends at ", bytes.size()));
  IdxArray out;
  size_t elements = 1;
  std::string shape;
  for (int a = 0; a < dims; ++a) {
    out.dims.push_back(long(big_endian(bytes.data() + 4 + 4 * a)));
    elements *= size_t(out.dims.back());
    shape += (a ? "x" : "") + std::to_string(out.dims.back());
  }
  if (bytes.size() < header + elements)
    throw DataError(cat(path, ": truncated IDX data: ", shape, " needs ", elements,
                        " bytes from byte offset ", header, stream,
                        ", the file ends at byte offset ", bytes.size()));
  if (bytes.size() > header + elements)
    throw DataError(cat(path, ": ", bytes.size() - header - elements,
                        " unexpected bytes after the ", shape, " data, from byte offset ",
                        header + elements, stream));
  out.data.assign(bytes.begin() + long(header), bytes.end());
  return out;
}

IdxImages read_idx_images(const std::string& images_path, const std::string& labels_path) {
  IdxArray images = read_idx(images_path, 3);
  IdxImages out;
  out.n = images.dims[0];
  out.rows = images.dims[1];
  out.cols = images.dims[2];
  out.pixels = std::move(images.data);
  if (!labels_path.empty()) {
    IdxArray labels = read_idx(labels_path, 1);
    if (labels.dims[0] != out.n)
      throw DataError(cat(labels_path, ": ", labels.dims[0], " labels for the ", out.n,
                          " images of ", images_path, ", expected as many labels as images"));
    out.labels = std::move(labels.data);
  }
  return out;
}

} // namespace fieldgen::data
