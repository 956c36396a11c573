// How N samples are split over P ranks for generation, import and writing: rank r owns the
// contiguous block [first, first + count); the first N % P ranks own one sample more.
#pragma once

namespace fieldgen::data {

struct Range {
  long first = 0, count = 0;
};

inline Range block_range(long n, int rank, int size) {
  const long base = n / size, extra = n % size;
  return {rank * base + (rank < extra ? rank : extra), base + (rank < extra ? 1 : 0)};
}

} // namespace fieldgen::data
