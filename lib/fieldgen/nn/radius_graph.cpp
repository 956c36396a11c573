// Cell-list construction of the radius graph (host code on mirrors), its brute-force reference and
// the CSR transpose.
#include "fieldgen/nn/radius_graph.hpp"

#include "fieldgen/core/error.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace fieldgen::nn {

bool PeriodicBox::any() const {
  return std::any_of(periodic.begin(), periodic.end(), [](bool p) { return p; });
}

namespace {

using HostPoints = Kokkos::View<double**, Kokkos::LayoutRight, Kokkos::HostSpace>;

template <class Real> HostPoints to_host(const Tensor2<Real>& v) {
  const auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), v);
  HostPoints out("fieldgen::nn::radius_graph::points", v.extent(0), v.extent(1));
  for (size_t i = 0; i < v.extent(0); ++i)
    for (size_t a = 0; a < v.extent(1); ++a)
      out(i, a) = double(h(i, a));
  return out;
}

// Checks shapes and box; returns the dimension.
int check_inputs(const HostPoints& t, const HostPoints& s, double r, const PeriodicBox& box) {
  const int d = int(t.extent(1));
  require(d >= 1 && d <= 3 && s.extent(1) == t.extent(1), "radius_graph: targets [", t.extent(0),
          "][", t.extent(1), "] and sources [", s.extent(0), "][", s.extent(1),
          "] need the same dimension 1, 2 or 3");
  require(r > 0 && std::isfinite(r), "radius_graph: radius ", r, " must be positive");
  if (box.any()) {
    require(box.periodic.size() == size_t(d) && box.lo.size() == size_t(d) &&
                box.hi.size() == size_t(d),
            "radius_graph: periodic box with ", box.periodic.size(), " flags, ", box.lo.size(),
            " lower and ", box.hi.size(), " upper bounds for dimension ", d);
    for (int a = 0; a < d; ++a)
      require(!box.periodic[size_t(a)] || box.hi[size_t(a)] > box.lo[size_t(a)],
              "radius_graph: periodic axis ", a, " has box [", box.lo[size_t(a)], ", ",
              box.hi[size_t(a)], ")");
  }
  return d;
}

bool periodic_axis(const PeriodicBox& box, int a) {
  return box.any() && box.periodic[size_t(a)];
}

// Squared distance, minimum image on periodic axes: dx - L round(dx / L).
double distance2(const HostPoints& t, long i, const HostPoints& s, long j, const PeriodicBox& box) {
  double d2 = 0;
  for (int a = 0; a < int(t.extent(1)); ++a) {
    double dx = t(i, a) - s(j, a);
    if (periodic_axis(box, a)) {
      const double length = box.hi[size_t(a)] - box.lo[size_t(a)];
      dx -= length * std::nearbyint(dx / length);
    }
    d2 += dx * dx;
  }
  return d2;
}

RadiusGraph to_device(long nt, long ns, const std::vector<long>& offsets,
                      const std::vector<long>& columns) {
  RadiusGraph g;
  g.targets = nt;
  g.sources = ns;
  g.offsets = IndexView("fieldgen::nn::radius_graph::offsets", offsets.size());
  g.columns = IndexView("fieldgen::nn::radius_graph::columns", columns.size());
  const auto ho = Kokkos::create_mirror_view(g.offsets);
  const auto hc = Kokkos::create_mirror_view(g.columns);
  std::copy(offsets.begin(), offsets.end(), ho.data());
  std::copy(columns.begin(), columns.end(), hc.data());
  Kokkos::deep_copy(g.offsets, ho);
  Kokkos::deep_copy(g.columns, hc);
  return g;
}

// One axis of the cell list. Non-periodic: cells of side r from the smallest coordinate, so
// points within r lie in the same or an adjacent cell. Periodic: floor(L / r) cells of side
// L / n >= r over the box, neighbours wrap; with fewer than 3 cells every cell is searched.
struct Axis {
  double origin = 0, side = 1;
  long cells = 1;
  bool periodic = false;

  long cell(double x) const {
    double u = x - origin;
    if (periodic) {
      const double length = side * double(cells);
      u -= length * std::floor(u / length);
    }
    return std::clamp(long(std::floor(u / side)), 0L, cells - 1);
  }
  // The distinct cells within one step of c.
  std::vector<long> neighbours(long c) const {
    std::vector<long> out;
    if (periodic && cells < 3) {
      for (long k = 0; k < cells; ++k)
        out.push_back(k);
      return out;
    }
    for (long k = c - 1; k <= c + 1; ++k) {
      if (periodic)
        out.push_back((k + cells) % cells);
      else if (k >= 0 && k < cells)
        out.push_back(k);
    }
    return out;
  }
};

// Cells beyond this many would cost more memory than the points themselves are worth.
constexpr long max_cells = 1L << 26;
// Cell side r (1 + 1e-9): a pair at distance exactly r can then never be two cells apart through
// rounding of x / side.
constexpr double side_margin = 1 + 1e-9;

} // namespace

template <class Real>
RadiusGraph radius_graph(const Tensor2<Real>& targets, const Tensor2<Real>& sources, double r,
                         const PeriodicBox& box) {
  const HostPoints t = to_host(targets), s = to_host(sources);
  const int d = check_inputs(t, s, r, box);
  const long nt = long(t.extent(0)), ns = long(s.extent(0));

  std::array<Axis, 3> axes;
  long total_cells = 1;
  for (int a = 0; a < d; ++a) {
    Axis& ax = axes[size_t(a)];
    ax.periodic = periodic_axis(box, a);
    if (ax.periodic) {
      const double length = box.hi[size_t(a)] - box.lo[size_t(a)];
      ax.origin = box.lo[size_t(a)];
      ax.cells = std::max(1L, long(std::floor(length / (r * side_margin))));
      ax.side = length / double(ax.cells);
    } else {
      double lo = std::numeric_limits<double>::infinity(), hi = -lo;
      for (long i = 0; i < nt; ++i)
        lo = std::min(lo, t(i, a)), hi = std::max(hi, t(i, a));
      for (long j = 0; j < ns; ++j)
        lo = std::min(lo, s(j, a)), hi = std::max(hi, s(j, a));
      ax.origin = std::isfinite(lo) ? lo : 0.0;
      ax.side = r * side_margin;
      ax.cells = std::isfinite(lo) ? long(std::floor((hi - lo) / ax.side)) + 1 : 1;
    }
    require(ax.cells <= max_cells / total_cells, "radius_graph: radius ", r, " needs more than ",
            max_cells, " cells for the extent of the points");
    total_cells *= ax.cells;
  }
  auto cell_of = [&](const HostPoints& p, long i) {
    long c = 0;
    for (int a = 0; a < d; ++a)
      c = c * axes[size_t(a)].cells + axes[size_t(a)].cell(p(i, a));
    return c;
  };

  // Counting sort of the sources by cell: cell c holds items[start[c] .. start[c+1]).
  std::vector<long> start(static_cast<size_t>(total_cells) + 1, 0);
  std::vector<long> items(static_cast<size_t>(ns)), source_cell(static_cast<size_t>(ns));
  for (long j = 0; j < ns; ++j) {
    source_cell[size_t(j)] = cell_of(s, j);
    ++start[size_t(source_cell[size_t(j)]) + 1];
  }
  for (long c = 0; c < total_cells; ++c)
    start[size_t(c) + 1] += start[size_t(c)];
  {
    std::vector<long> fill(start.begin(), start.end() - 1);
    for (long j = 0; j < ns; ++j)
      items[size_t(fill[size_t(source_cell[size_t(j)])]++)] = j;
  }

  const double r2 = r * r;
  std::vector<long> offsets(size_t(nt) + 1, 0), columns;
  std::vector<long> row;
  for (long i = 0; i < nt; ++i) {
    row.clear();
    std::array<std::vector<long>, 3> near;
    for (int a = 0; a < 3; ++a)
      near[size_t(a)] =
          a < d ? axes[size_t(a)].neighbours(axes[size_t(a)].cell(t(i, a))) : std::vector<long>{0};
    for (long c0 : near[0])
      for (long c1 : near[1])
        for (long c2 : near[2]) {
          const long c = d == 1   ? c0
                         : d == 2 ? c0 * axes[1].cells + c1
                                  : (c0 * axes[1].cells + c1) * axes[2].cells + c2;
          for (long k = start[size_t(c)]; k < start[size_t(c) + 1]; ++k)
            if (distance2(t, i, s, items[size_t(k)], box) <= r2)
              row.push_back(items[size_t(k)]);
        }
    std::sort(row.begin(), row.end());
    columns.insert(columns.end(), row.begin(), row.end());
    offsets[size_t(i) + 1] = long(columns.size());
  }
  return to_device(nt, ns, offsets, columns);
}

template <class Real>
RadiusGraph radius_graph_brute_force(const Tensor2<Real>& targets, const Tensor2<Real>& sources,
                                     double r, const PeriodicBox& box) {
  const HostPoints t = to_host(targets), s = to_host(sources);
  check_inputs(t, s, r, box);
  const long nt = long(t.extent(0)), ns = long(s.extent(0));
  std::vector<long> offsets(size_t(nt) + 1, 0), columns;
  for (long i = 0; i < nt; ++i) {
    for (long j = 0; j < ns; ++j)
      if (distance2(t, i, s, j, box) <= r * r)
        columns.push_back(j);
    offsets[size_t(i) + 1] = long(columns.size());
  }
  return to_device(nt, ns, offsets, columns);
}

GraphTranspose transpose(const RadiusGraph& graph) {
  const auto ho = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), graph.offsets);
  const auto hc = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), graph.columns);
  std::vector<long> offsets(size_t(graph.sources) + 1, 0), edges(hc.size());
  for (size_t e = 0; e < hc.size(); ++e)
    ++offsets[size_t(hc(e)) + 1];
  for (long j = 0; j < graph.sources; ++j)
    offsets[size_t(j) + 1] += offsets[size_t(j)];
  std::vector<long> fill(offsets.begin(), offsets.end() - 1);
  for (long i = 0; i < graph.targets; ++i) // rows in order: each source's edges increase
    for (long e = ho(i); e < ho(i + 1); ++e)
      edges[size_t(fill[size_t(hc(e))]++)] = e;
  GraphTranspose tr;
  tr.offsets = IndexView("fieldgen::nn::radius_graph::transpose_offsets", offsets.size());
  tr.edges = IndexView("fieldgen::nn::radius_graph::transpose_edges", edges.size());
  const auto to = Kokkos::create_mirror_view(tr.offsets);
  const auto te = Kokkos::create_mirror_view(tr.edges);
  std::copy(offsets.begin(), offsets.end(), to.data());
  std::copy(edges.begin(), edges.end(), te.data());
  Kokkos::deep_copy(tr.offsets, to);
  Kokkos::deep_copy(tr.edges, te);
  return tr;
}

template RadiusGraph radius_graph(const Tensor2<float>&, const Tensor2<float>&, double,
                                  const PeriodicBox&);
template RadiusGraph radius_graph(const Tensor2<double>&, const Tensor2<double>&, double,
                                  const PeriodicBox&);
template RadiusGraph radius_graph_brute_force(const Tensor2<float>&, const Tensor2<float>&, double,
                                              const PeriodicBox&);
template RadiusGraph radius_graph_brute_force(const Tensor2<double>&, const Tensor2<double>&,
                                              double, const PeriodicBox&);

} // namespace fieldgen::nn
