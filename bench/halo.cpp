// Benchmark section "halo": Halo<float>::exchange on a periodic 2-D grid split over the ranks,
// against a baseline that moves the same messages between the same neighbour pairs without
// packing: raw MPI_Isend/Irecv from contiguous buffers, or memcpy where a rank is its own
// neighbour (always so at 1 rank). Times are medians of single exchanges, each started after a
// barrier; the slowest rank's median counts.
#include "sections.hpp"

#include "fieldgen/core/timer.hpp"
#include "fieldgen/mesh/halo.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

namespace fieldgen::bench {
namespace {

constexpr int channels = 4; // a typical width of the first layers of a local-convolution U-net

// Median seconds of one call of fn over reps calls; max over ranks.
template <class Fn> double median_seconds(const Comm& comm, int reps, const Fn& fn) {
  std::vector<double> t(static_cast<size_t>(reps));
  for (int r = 0; r < reps; ++r) {
    comm.barrier();
    Stopwatch sw;
    fn();
    t[size_t(r)] = sw.seconds();
  }
  std::nth_element(t.begin(), t.begin() + reps / 2, t.end());
  return comm.max(t[size_t(reps / 2)]);
}

// Repetitions for about 0.25 s of timed calls (but 20..2000), the same on every rank.
template <class Fn> int pick_reps(const Comm& comm, const Fn& fn) {
  for (int i = 0; i < 3; ++i) // warm-up: buffers, page faults, MPI connections
    fn();
  comm.barrier();
  Stopwatch sw;
  fn();
  const double one = comm.max(sw.seconds());
  return std::clamp(int(0.25 / std::max(one, 1e-7)), 20, 2000);
}

// The messages of one exchange, axis by axis as Halo sends them: along axis 0 a slab of w rows
// of the interior width; along axis 1 a slab w wide over the padded height (corners included).
class RawExchange {
public:
  RawExchange(const Decomposition& dec, int w) : comm_(dec.comm()) {
    counts_[0] = long(channels) * w * dec.local_n(1);
    counts_[1] = long(channels) * (dec.local_n(0) + 2 * w) * w;
    for (int a = 0; a < 2; ++a)
      neighbour_[a] = {dec.neighbour(a, -1), dec.neighbour(a, +1)};
    const long most = std::max(counts_[0], counts_[1]);
    for (int s = 0; s < 2; ++s) {
      send_[s].assign(size_t(most), 1.0f);
      recv_[s].assign(size_t(most), 0.0f);
    }
  }
  void run() {
    const int me = comm_.rank();
    for (int a = 0; a < 2; ++a) {
      const int count = int(counts_[a]);
      MPI_Request reqs[4];
      int nreq = 0;
      for (int s = 0; s < 2; ++s) {
        const int nb = neighbour_[a][s];
        if (nb == me)
          std::memcpy(recv_[s].data(), send_[1 - s].data(), size_t(count) * sizeof(float));
        else
          FIELDGEN_MPI_CHECK(
              MPI_Irecv(recv_[s].data(), count, MPI_FLOAT, nb, 1 - s, comm_.get(), &reqs[nreq++]));
      }
      for (int s = 0; s < 2; ++s)
        if (neighbour_[a][s] != me)
          FIELDGEN_MPI_CHECK(MPI_Isend(send_[s].data(), count, MPI_FLOAT, neighbour_[a][s], s,
                                       comm_.get(), &reqs[nreq++]));
      FIELDGEN_MPI_CHECK(MPI_Waitall(nreq, reqs, MPI_STATUSES_IGNORE));
    }
  }
  bool any_remote() const {
    for (const auto& nb : neighbour_)
      if (nb[0] != comm_.rank() || nb[1] != comm_.rank())
        return true;
    return false;
  }

private:
  Comm comm_;
  long counts_[2];
  std::array<int, 2> neighbour_[2];
  std::vector<float> send_[2], recv_[2];
};

} // namespace

void halo(const Comm& comm) {
  if (comm.is_root()) {
    std::printf("\n== halo: Halo<float>::exchange, %d channels, periodic 2-D grid, %d rank(s)\n",
                channels, comm.size());
    std::printf("   baseline: the same messages as raw MPI Isend/Irecv (memcpy where a rank is "
                "its own neighbour); bytes = ghost values filled per rank\n");
    std::printf("%-7s %-7s %2s %10s %9s %9s %9s %9s %-6s %6s\n", "grid", "ranks", "w", "bytes",
                "halo_us", "halo_GB/s", "base_us", "base_GB/s", "base", "ratio");
  }
  for (long n : {256L, 1024L, 2048L}) {
    const Grid grid({n, n}, {0.0, 0.0}, {1.0, 1.0}, {true, true});
    Decomposition dec(grid, comm.get());
    for (int w : {1, 2}) {
      Halo<float> halo(dec, w);
      FieldBatch<float> padded("fieldgen::bench::padded", 1, channels, halo.padded_size());
      Kokkos::deep_copy(padded, 1.0f);
      RawExchange raw(dec, w);
      const double bytes =
          double(halo.padded_size() - halo.interior_size()) * channels * sizeof(float);
      auto exchange = [&] { halo.exchange(padded); };
      auto baseline = [&] { raw.run(); };
      const double t_halo = median_seconds(comm, pick_reps(comm, exchange), exchange);
      const double t_base = median_seconds(comm, pick_reps(comm, baseline), baseline);
      if (comm.is_root()) {
        char shape[32], ranks[32];
        std::snprintf(shape, sizeof shape, "%ld^2", n);
        std::snprintf(ranks, sizeof ranks, "%dx%d", dec.ranks_along(0), dec.ranks_along(1));
        std::printf("%-7s %-7s %2d %10.0f %9.1f %9.2f %9.1f %9.2f %-6s %6.2f\n", shape, ranks, w,
                    bytes, t_halo * 1e6, bytes / t_halo * 1e-9, t_base * 1e6, bytes / t_base * 1e-9,
                    raw.any_remote() ? "MPI" : "memcpy", t_base / t_halo);
      }
    }
  }
}

} // namespace fieldgen::bench
