// IDX files (the MNIST / Fashion-MNIST format), raw or gzipped (detected by the gzip magic
// bytes 1f 8b). Layout (big-endian): bytes 0-1 zero, byte 2 the element type (0x08 = unsigned
// byte, the only type these data sets use), byte 3 the number of dimensions d, then d 32-bit
// sizes, then the elements row-major. Images: magic 0x00000803 [N, rows, cols]; labels: magic
// 0x00000801 [N]. Errors name the file and the byte offset (in the decompressed stream).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fieldgen::data {

struct IdxArray {
  std::vector<long> dims;
  std::vector<std::uint8_t> data;
};

// IoError if the file cannot be read; DataError for a bad gzip stream, a wrong magic number
// (another type or number of dimensions than `dims`), a truncated file or trailing bytes.
IdxArray read_idx(const std::string& path, int dims);

struct IdxImages {
  long n = 0, rows = 0, cols = 0;
  std::vector<std::uint8_t> pixels; // [n][rows][cols]
  std::vector<std::uint8_t> labels; // [n], empty without a labels file
};

// Images and (when labels_path is not empty) their labels; DataError if the counts differ.
IdxImages read_idx_images(const std::string& images_path, const std::string& labels_path);

} // namespace fieldgen::data
