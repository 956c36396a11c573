// AvgPool2 / Upsample2: 2x average pooling and nearest-neighbour upsampling of local blocks.
#include "fieldgen/nn/pool.hpp"

#include "fieldgen/nn/workspace.hpp"

#include <sstream>

namespace fieldgen::nn {

namespace {

std::string shape_text(const std::vector<long>& s) {
  std::ostringstream o;
  for (size_t a = 0; a < s.size(); ++a)
    o << (a ? "x" : "") << s[a];
  return o.str();
}

// Index arithmetic of one 2x resampling, copied by value into kernels.
struct Cells {
  long f1, f2;     // fine extents of slots 1, 2
  long c1, c2;     // coarse extents of slots 1, 2
  long r0, r1, r2; // factor per slot (1 or 2)
  explicit Cells(const Resample2Shape& s)
      : f1(s.fine[1]), f2(s.fine[2]), c1(s.coarse[1]), c2(s.coarse[2]), r0(s.factor[0]),
        r1(s.factor[1]), r2(s.factor[2]) {}
  // Coarse point containing fine point f.
  KOKKOS_INLINE_FUNCTION long parent(long f) const {
    const long x2 = f % f2, x1 = (f / f2) % f1, x0 = f / (f2 * f1);
    return ((x0 / r0) * c1 + x1 / r1) * c2 + x2 / r2;
  }
  // Fine point number k (0 <= k < r0 r1 r2) of coarse point c.
  KOKKOS_INLINE_FUNCTION long child(long c, long k) const {
    const long y2 = c % c2, y1 = (c / c2) % c1, y0 = c / (c2 * c1);
    const long d2 = k % r2, d1 = (k / r2) % r1, d0 = k / (r2 * r1);
    return ((y0 * r0 + d0) * f1 + y1 * r1 + d1) * f2 + y2 * r2 + d2;
  }
};

template <class Real>
void check_input(const Tensor3<Real>& t, long points, const char* who, const char* what) {
  require(long(t.extent(2)) == points, who, ": ", what, " has ", t.extent(2),
          " points per field, expected ", points);
}

// out[b][c][coarse] = scale * sum of in over the cell (pool forward, upsample backward).
template <class Real>
void cell_sum(const Resample2Shape& s, const Tensor3<Real>& in, const Tensor3<Real>& out,
              Real scale, const char* label) {
  const Cells cells(s);
  const long nc = s.coarse_size(), cell = s.cell(), channels = long(in.extent(1));
  Kokkos::parallel_for(
      label, Kokkos::RangePolicy<ExecSpace>(0, long(in.extent(0)) * channels * nc),
      KOKKOS_LAMBDA(const long i) {
        const long c = i % nc, bc = i / nc, ch = bc % channels, b = bc / channels;
        Real sum = 0;
        for (long k = 0; k < cell; ++k)
          sum += in(b, ch, cells.child(c, k));
        out(b, ch, c) = scale * sum;
      });
}

// out[b][c][fine] = scale * in[b][c][parent(fine)] (pool backward, upsample forward).
template <class Real>
void cell_spread(const Resample2Shape& s, const Tensor3<Real>& in, const Tensor3<Real>& out,
                 Real scale, const char* label) {
  const Cells cells(s);
  const long nf = s.fine_size(), channels = long(in.extent(1));
  Kokkos::parallel_for(
      label, Kokkos::RangePolicy<ExecSpace>(0, long(in.extent(0)) * channels * nf),
      KOKKOS_LAMBDA(const long i) {
        const long f = i % nf, bc = i / nf, ch = bc % channels, b = bc / channels;
        out(b, ch, f) = scale * in(b, ch, cells.parent(f));
      });
}

} // namespace

Resample2Shape::Resample2Shape(const std::vector<long>& fine_shape, const char* who) {
  const int d = int(fine_shape.size());
  require(d >= 1 && d <= 3, who, ": local block must have 1-3 axes (got ", d, ")");
  for (int a = 0; a < d; ++a) {
    const long n = fine_shape[size_t(a)];
    require(n >= 2 && n % 2 == 0, who, ": local block ", shape_text(fine_shape),
            " has an odd or too small size along axis ", a,
            "; 2x resampling needs even local sizes");
    const int slot = 3 - d + a;
    fine[slot] = n;
    coarse[slot] = n / 2;
    factor[slot] = 2;
  }
}

template <class Real>
AvgPool2<Real>::AvgPool2(const std::vector<long>& fine_shape) : shape_(fine_shape, "AvgPool2") {}

template <class Real>
Tensor3<Real> AvgPool2<Real>::forward(const Parameters<Real>&, const Tensor3<Real>& in) {
  check_input(in, shape_.fine_size(), "AvgPool2", "input");
  ensure(out_, "fieldgen::nn::avgpool2_out", long(in.extent(0)), long(in.extent(1)),
         shape_.coarse_size());
  cell_sum(shape_, in, out_, Real(1.0 / double(shape_.cell())), "fieldgen::nn::avgpool2_forward");
  return out_;
}

template <class Real>
Tensor3<Real> AvgPool2<Real>::backward(const Parameters<Real>&, const Tensor3<Real>& grad_out) {
  check_input(grad_out, shape_.coarse_size(), "AvgPool2", "output gradient");
  ensure(grad_in_, "fieldgen::nn::avgpool2_grad", long(grad_out.extent(0)),
         long(grad_out.extent(1)), shape_.fine_size());
  cell_spread(shape_, grad_out, grad_in_, Real(1.0 / double(shape_.cell())),
              "fieldgen::nn::avgpool2_backward");
  return grad_in_;
}

template <class Real>
Upsample2<Real>::Upsample2(const std::vector<long>& fine_shape) : shape_(fine_shape, "Upsample2") {}

template <class Real>
Tensor3<Real> Upsample2<Real>::forward(const Parameters<Real>&, const Tensor3<Real>& in) {
  check_input(in, shape_.coarse_size(), "Upsample2", "input");
  ensure(out_, "fieldgen::nn::upsample2_out", long(in.extent(0)), long(in.extent(1)),
         shape_.fine_size());
  cell_spread(shape_, in, out_, Real(1), "fieldgen::nn::upsample2_forward");
  return out_;
}

template <class Real>
Tensor3<Real> Upsample2<Real>::backward(const Parameters<Real>&, const Tensor3<Real>& grad_out) {
  check_input(grad_out, shape_.fine_size(), "Upsample2", "output gradient");
  ensure(grad_in_, "fieldgen::nn::upsample2_grad", long(grad_out.extent(0)),
         long(grad_out.extent(1)), shape_.coarse_size());
  cell_sum(shape_, grad_out, grad_in_, Real(1), "fieldgen::nn::upsample2_backward");
  return grad_in_;
}

template class AvgPool2<float>;
template class AvgPool2<double>;
template class Upsample2<float>;
template class Upsample2<double>;

} // namespace fieldgen::nn
