// Count-field metrics (metrics/microstructure.hpp) against hand-computed small cases: masses and
// the mass check, S2(r) of a 1-D line (periodic and not), a 2-D checkerboard and a 3-D slab,
// interface density, chord lengths through the periodic seam, intensity histograms with their
// total-variation distance, and nearest-neighbour distances.
#include <doctest/doctest.h>

#include "fieldgen/core/error.hpp"
#include "fieldgen/metrics/microstructure.hpp"

#include <cmath>
#include <vector>

using namespace fieldgen;
using namespace fieldgen::metrics;

namespace {

CountFields line(std::vector<float> v, bool periodic) {
  CountFields f;
  f.n = 1;
  f.grid = Grid({long(v.size())}, {0.0}, {1.0}, {periodic});
  f.values = std::move(v);
  return f;
}

// S2 by direct summation over the pairs (x, x + r e_a), the reference of the FFT path.
std::vector<std::vector<double>> direct_two_point(const CountFields& f, long max_lag,
                                                  double threshold) {
  std::vector<std::vector<double>> s2;
  const Grid& g = f.grid;
  for (int a = 0; a < g.dim(); ++a) {
    long stride = 1;
    for (int b = a + 1; b < g.dim(); ++b)
      stride *= g.n(b);
    const long n = g.n(a);
    std::vector<double> s(size_t(max_lag + 1), 0.0), pairs(size_t(max_lag + 1), 0.0);
    for (long smp = 0; smp < f.n; ++smp)
      for (long i = 0; i < g.size(); ++i) {
        const long k = (i / stride) % n;
        for (long r = 0; r <= max_lag; ++r) {
          if (!g.periodic(a) && k + r >= n)
            continue;
          const long j = i + ((k + r) % n - k) * stride;
          const float* u = f.field(smp, 0);
          s[size_t(r)] += (u[i] >= threshold && u[j] >= threshold) ? 1.0 : 0.0;
          pairs[size_t(r)] += 1;
        }
      }
    for (long r = 0; r <= max_lag; ++r)
      s[size_t(r)] /= pairs[size_t(r)];
    s2.push_back(s);
  }
  return s2;
}

} // namespace

TEST_CASE("count metrics: masses and the mass check") {
  CountFields f;
  f.n = 2;
  f.channels = 2;
  f.grid = Grid::unit({3});
  f.values = {1, 2, 3, 0, 0, 1, 4, 0, 0, 2, 2, 2};
  CHECK(sample_masses(f, 0) == std::vector<double>{6, 4});
  CHECK(sample_masses(f, 1) == std::vector<double>{1, 6});
  MassCheck ok = check_mass(f, {6, 1, 4, 6});
  CHECK(ok.checked == 4);
  CHECK(ok.violations == 0);
  CHECK(ok.first_sample == -1);
  MassCheck bad = check_mass(f, {6, 1, 5, 3});
  CHECK(bad.violations == 2);
  CHECK(bad.max_abs_error == 3);
  CHECK(bad.first_sample == 1);
  CHECK(bad.first_channel == 0);
  CHECK_THROWS_AS(check_mass(f, {6, 1, 4}), UsageError);
}

TEST_CASE("count metrics: S2, interface and chords of a 1-D line") {
  // 1 1 0 1 0 0, porosity 1/2.
  const CountFields p = line({1, 1, 0, 1, 0, 0}, true);
  const auto s2 = two_point(p, 0, 3);
  REQUIRE(s2.size() == 1);
  // Periodic pairs (j, j + r mod 6): r = 1 only (0,1); r = 2 only (1,3); r = 3 (0,3) and (3,0).
  CHECK(s2[0][0] == doctest::Approx(0.5));
  CHECK(s2[0][1] == doctest::Approx(1.0 / 6));
  CHECK(s2[0][2] == doctest::Approx(1.0 / 6));
  CHECK(s2[0][3] == doctest::Approx(2.0 / 6));
  // Inside the box: 6 - r pairs.
  const CountFields w = line({1, 1, 0, 1, 0, 0}, false);
  const auto s2w = two_point(w, 0, 3);
  CHECK(s2w[0][1] == doctest::Approx(1.0 / 5));
  CHECK(s2w[0][2] == doctest::Approx(1.0 / 4));
  CHECK(s2w[0][3] == doctest::Approx(1.0 / 3));
  CHECK_THROWS_AS(two_point(w, 0, 6), UsageError);
  // Interface: 4 unlike pairs with the seam, h = 1/6 -> 4 / (h 6) = 4; without the seam 3 unlike
  // pairs, h = 1/5 -> 3 / (0.2 * 6) = 2.5.
  CHECK(interface_density(p, 0)[0] == doctest::Approx(4.0));
  CHECK(interface_density(w, 0)[0] == doctest::Approx(2.5));
  // A threshold of 2 makes everything solid.
  CHECK(interface_density(p, 0, 2.0)[0] == 0);

  // 1 0 0 1 1 1: periodic, the pore run 3,4,5,0 crosses the seam (one chord of 4) and the solid
  // chord has length 2; with walls the pore runs are 1 and 3.
  const ChordHistogram cp = chord_lengths(line({1, 0, 0, 1, 1, 1}, true), 0);
  CHECK(cp.pore == std::vector<double>{0, 0, 0, 0, 1, 0, 0});
  CHECK(cp.solid == std::vector<double>{0, 0, 1, 0, 0, 0, 0});
  const ChordHistogram cw = chord_lengths(line({1, 0, 0, 1, 1, 1}, false), 0);
  CHECK(cw.pore == std::vector<double>{0, 1, 0, 1, 0, 0, 0});
  CHECK(cw.solid == std::vector<double>{0, 0, 1, 0, 0, 0, 0});
  // One phase along a periodic line: one chord of length n.
  CHECK(chord_lengths(line({2, 1, 3}, true), 0).pore == std::vector<double>{0, 0, 0, 1});
}

TEST_CASE("count metrics: 2-D checkerboard and 3-D slab") {
  CountFields c;
  c.n = 1;
  c.grid = Grid({4, 4}, {0.0, 0.0}, {1.0, 1.0}, {true, true});
  for (long i = 0; i < 4; ++i)
    for (long j = 0; j < 4; ++j)
      c.values.push_back(float((i + j) % 2));
  const auto s2 = two_point(c, 0, 2);
  for (int a = 0; a < 2; ++a) {
    CHECK(s2[size_t(a)][0] == doctest::Approx(0.5));
    CHECK(s2[size_t(a)][1] == 0);
    CHECK(s2[size_t(a)][2] == doctest::Approx(0.5));
  }
  // Every one of the 32 edges (length 1/4) is interface: 8 per unit area.
  CHECK(interface_density(c, 0)[0] == doctest::Approx(8.0));
  const ChordHistogram ch = chord_lengths(c, 0);
  CHECK(ch.pore[1] == 16); // 8 lines x 2 pore chords of length 1
  CHECK(ch.solid[1] == 16);

  // 4^3 periodic, pore where x0 < 2: two unit planes of interface; S2 along axis 0 at r = 1 is
  // 1/4, along the other axes 1/2 at every lag.
  CountFields s;
  s.n = 2;
  s.grid = Grid({4, 4, 4}, {0, 0, 0}, {1, 1, 1}, {true, true, true});
  for (long k = 0; k < 2; ++k)
    for (long i = 0; i < 64; ++i)
      s.values.push_back(i / 16 < 2 ? 1.0f : 0.0f);
  const auto s3 = two_point(s, 0, 3);
  CHECK(s3[0][1] == doctest::Approx(0.25));
  CHECK(s3[0][2] == 0);
  CHECK(s3[1][3] == doctest::Approx(0.5));
  CHECK(s3[2][1] == doctest::Approx(0.5));
  const auto sv = interface_density(s, 0);
  CHECK(sv[0] == doctest::Approx(2.0));
  CHECK(sv[1] == doctest::Approx(2.0));
  const ChordHistogram c3 = chord_lengths(s, 0);
  CHECK(c3.pore[2] == 2 * 16); // axis 0: one pore chord of 2 per line
  CHECK(c3.solid[2] == 2 * 16);
  CHECK(c3.pore[4] == 2 * 16); // axes 1, 2: 8 lines each of pore only (x0 < 2)
  CHECK(c3.solid[4] == 2 * 16);
}

TEST_CASE("count metrics: S2 by FFT equals direct summation (2-D, 3-D, periodic or not)") {
  const Grid grids[] = {Grid({13, 8}, {0, 0}, {1, 1}, {true, false}),
                        Grid({5, 6, 7}, {0, 0, 0}, {1, 1, 1}, {false, true, false})};
  for (const Grid& g : grids) {
    CAPTURE(g.describe());
    CountFields f;
    f.n = 3;
    f.grid = g;
    unsigned state = 12345;
    for (long i = 0; i < f.n * g.size(); ++i) {
      state = state * 1103515245u + 12345u;
      f.values.push_back(float((state >> 16) % 3)); // counts 0, 1, 2
    }
    for (double threshold : {1.0, 2.0}) {
      const auto fft = two_point(f, 0, 4, threshold);
      const auto direct = direct_two_point(f, 4, threshold);
      for (size_t a = 0; a < fft.size(); ++a)
        for (size_t r = 0; r < fft[a].size(); ++r)
          CHECK(std::abs(fft[a][r] - direct[a][r]) < 1e-12);
    }
  }
}

TEST_CASE("count metrics: histograms, total variation and nearest neighbours") {
  CountFields f = line({0, 1, 2, 2}, false);
  CHECK(max_count(f, 0) == 2);
  CHECK(intensity_histogram(f, 0, 2) == std::vector<double>{0.25, 0.25, 0.5});
  CHECK(intensity_histogram(f, 0, 1) == std::vector<double>{0.25, 0.75}); // last bin collects
  CHECK(total_variation({0.25, 0.25, 0.5}, {0.5, 0.5}) == doctest::Approx(0.5));
  CHECK(total_variation({0.2, 0.8}, {0.2, 0.8}) == 0);
  CHECK(normalised({1, 3}) == std::vector<double>{0.25, 0.75});

  CountFields a, b;
  a.n = 3;
  b.n = 2;
  a.grid = b.grid = Grid::unit({2});
  a.values = {0, 0, 3, 4, 6, 8};
  b.values = {0, 1, 3, 3};
  const auto d = nearest_neighbour_distances(a, b);
  CHECK(d[0] == doctest::Approx(1.0));
  CHECK(d[1] == doctest::Approx(1.0));
  CHECK(d[2] == doctest::Approx(std::sqrt(9.0 + 25.0)));
  CHECK(nearest_neighbour_distances(b, b) == std::vector<double>{0, 0});
}
