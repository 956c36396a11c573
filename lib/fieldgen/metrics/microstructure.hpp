// Metrics of count fields (Discrete Spatial Diffusion: images as intensity counts, two-phase
// microstructures as pore counts; Santos et al., NeurIPS 2025, Sec. 5): host-side, double
// results, on a CountFields set [n][channels][points] of one grid (1-D to 3-D, periodic or not).
//
//   mass             m_s = sum over the sites of sample s (one channel): the conserved quantity.
//   porosity         m_s / points (the pore fraction of a 0/1 field; mean intensity otherwise).
//   phase            I(x) = 1 if the count at x is >= threshold (default 1: any unit is pore),
//                    else 0; the metrics below use I.
//   S2(r)            two-point probability along each axis a, S2_a(r) = P(I(x) = 1, I(x + r e_a)
//                    = 1), r = 0..max_lag (S2_a(0) = porosity), averaged over sites and samples.
//                    Periodic axes wrap; on non-periodic axes only the pairs inside the box are
//                    averaged (n - r per line). Computed by FFT (FFTW, double): the power spectra
//                    of every line along the axis (zero-padded to n + max_lag on non-periodic
//                    axes, so the circular correlation holds no wrapped pairs) are summed and
//                    transformed back once, O(points log n) per axis and sample; exact to
//                    ~1e-12 against direct summation (tests/unit/test_metrics_counts.cpp).
//   interface        per sample, the number of pore/solid nearest-neighbour pairs along axis a
//                    times the face measure between two sites (cell volume / h_a: an edge length
//                    h in 2-D), over the sample's measure points * cell volume:
//                      s_V = sum_a pairs_a / (h_a points)   (length per area in 2-D).
//                    This "pixel-face" estimator counts the staircase boundary, which for an
//                    isotropic smooth 2-D interface is 4/pi times its true length on average;
//                    comparisons between sets on the same grid are unaffected.
//   chord lengths    maximal runs of equal phase along every grid line of every axis, in sites,
//                    pooled over axes and samples, per phase: hist[L] = number of chords of
//                    length L (L = 1..max extent). Periodic lines wrap (a run through the seam
//                    is one chord; a line of one phase only is one chord of length n); on
//                    non-periodic lines the runs cut by the walls are counted as they are.
//   histogram        intensity histogram of all sites, bins 0..max count (one per integer
//                    count; counts above max_bin go to the last bin), normalised to sum to 1.
//   distance         total variation between normalised histograms, TV(p, q) = 1/2 sum |p - q|,
//                    in [0, 1] (the shorter one is padded with zeros).
//   nearest neighbour  for each sample of a set, the L2 distance (over all channels and sites,
//                    in counts) to the closest sample of a reference set (memorisation check:
//                    compare generated -> training with held-out -> training).
#pragma once

#include "fieldgen/mesh/grid.hpp"

#include <vector>

namespace fieldgen::metrics {

struct CountFields {
  long n = 0, channels = 1;
  Grid grid;
  std::vector<float> values; // [n][channels][points]; float holds integer counts up to 2^24

  long points() const { return grid.size(); }
  const float* field(long sample, long channel) const {
    return values.data() + (sample * channels + channel) * points();
  }
};

std::vector<double> sample_masses(const CountFields& f, long channel);

struct MassCheck {
  long checked = 0;    // sample-channel pairs compared
  long violations = 0; // pairs whose mass differs from the requested one
  double max_abs_error = 0;
  long first_sample = -1, first_channel = -1; // first violation, -1 if none
};
// requested[n][channels] (one value per sample and channel); UsageError for a wrong size.
MassCheck check_mass(const CountFields& f, const std::vector<double>& requested);

// S2_a(r), r = 0..max_lag, one vector per axis; max_lag < n_a (UsageError otherwise).
std::vector<std::vector<double>> two_point(const CountFields& f, long channel, long max_lag,
                                           double threshold = 1);
// s_V of every sample.
std::vector<double> interface_density(const CountFields& f, long channel, double threshold = 1);

struct ChordHistogram {
  std::vector<double> pore, solid; // index L: chords of length L (index 0 unused, stays 0)
};
ChordHistogram chord_lengths(const CountFields& f, long channel, double threshold = 1);

// Normalised histogram of the counts of all sites of one channel, bins 0..max_bin.
std::vector<double> intensity_histogram(const CountFields& f, long channel, long max_bin);
// Largest count of one channel (rounded), at least 0.
long max_count(const CountFields& f, long channel);

// p / sum(p) (all zeros stay zeros).
std::vector<double> normalised(std::vector<double> p);
double total_variation(const std::vector<double>& p, const std::vector<double>& q);

// For every sample of `from`, the L2 distance to its nearest sample of `to` (same grid and
// channels; UsageError otherwise).
std::vector<double> nearest_neighbour_distances(const CountFields& from, const CountFields& to);

} // namespace fieldgen::metrics
