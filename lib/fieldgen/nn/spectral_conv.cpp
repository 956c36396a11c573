// SpectralConv: transform -> (all-reduce) -> per-mode complex mixing as real GEMMs -> synthesis.
// Mixing layout: the transform of mode m is the [2 batch][c] matrix [X_re; X_im], so per mode
//   [Y_re; Y_im] = [X_re; X_im] W_re,  Y_re -= X_im W_im,  Y_im += X_re W_im
// (three GEMMs, batched over modes). The irfft weights w_m (SpectralTransform) are folded into
// the packed weights, W'_m = w_m W_m, so that synthesis of Y is the inverse transform.
#include "fieldgen/nn/spectral_conv.hpp"

#include "fieldgen/nn/gemm.hpp"
#include "fieldgen/nn/init.hpp"
#include "fieldgen/nn/workspace.hpp"

#include <climits>

namespace fieldgen::nn {

namespace {

// Position of weight (m, i, o)'s real part in its parameter block (torch view_as_real layout);
// block is 1 for the second 2-D block (k1 = n1-K1 .. n1-1).
struct WeightIndex {
  long k1, kl, c_out;
  bool two_d;
  KOKKOS_INLINE_FUNCTION long operator()(long m, long i, long o, int& block) const {
    if (!two_d) {
      block = 0;
      return ((i * c_out + o) * kl + m) * 2;
    }
    const long k2 = m / (2 * k1), a1 = m % (2 * k1);
    block = a1 < k1 ? 0 : 1;
    return (((i * c_out + o) * k1 + a1 - block * k1) * kl + k2) * 2;
  }
};

using Policy3 = Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<3>>;

} // namespace

template <class Real>
SpectralConv<Real>::SpectralConv(long c_in, long c_out, std::vector<long> modes, std::string name,
                                 MPI_Comm comm)
    : c_in_(c_in), c_out_(c_out), k_(std::move(modes)), name_(std::move(name)), comm_(comm) {
  require(c_in > 0 && c_out > 0, "SpectralConv '", name_, "': channels ", c_in, " -> ", c_out);
  require(k_.size() == 1 || k_.size() == 2, "SpectralConv '", name_, "': modes for ", k_.size(),
          " axes (1-D or 2-D only)");
  weight_block_size_ = c_in_ * c_out_ * 2;
  for (long k : k_) {
    require(k >= 1, "SpectralConv '", name_, "': ", k, " modes");
    weight_block_size_ *= k;
  }
}

template <class Real> void SpectralConv<Real>::set_block(const FieldBlock& block) {
  require(block.dim() == int(k_.size()), "SpectralConv '", name_, "': ", k_.size(),
          "-D layer given the block ", block);
  block_ = block;
  has_block_ = true;
}

template <class Real> void SpectralConv<Real>::reserve(Parameters<Real>& p) {
  if (k_.size() == 1) {
    blocks_[0] = p.reserve(name_ + ".weights", weight_block_size_);
  } else {
    blocks_[0] = p.reserve(name_ + ".weights1", weight_block_size_);
    blocks_[1] = p.reserve(name_ + ".weights2", weight_block_size_);
  }
}

template <class Real>
void SpectralConv<Real>::init(const Parameters<Real>& p, const CounterRng& rng) {
  const double scale = 1.0 / double(c_in_ * c_out_);
  for (int b = 0; b < int(k_.size()); ++b)
    init_uniform(p, blocks_[b], rng, 0.0, scale);
}

template <class Real> SpectralTransform<Real>& SpectralConv<Real>::transform(long points) {
  if (!has_block_) {
    require(k_.size() == 1, "SpectralConv '", name_, "': a 2-D layer needs set_block()");
    require(comm_.size() == 1, "SpectralConv '", name_, "': a field split over ", comm_.size(),
            " ranks needs set_block()");
  }
  const FieldBlock block = has_block_ ? block_ : FieldBlock::whole({points});
  require(block.local_size() == points, "SpectralConv '", name_, "': input of ", points,
          " points per field but the block ", block, " has ", block.local_size());
  auto it = transforms_.find(block);
  if (it == transforms_.end())
    it = transforms_.emplace(block, std::make_unique<SpectralTransform<Real>>(block, k_)).first;
  return *it->second;
}

template <class Real> double SpectralConv<Real>::forward_flops(long batch, long points) {
  const SpectralTransform<Real>& t = transform(points);
  return t.flops(batch * c_in_) + 8.0 * double(batch * c_in_ * c_out_ * t.modes()) +
         t.flops(batch * c_out_);
}

template <class Real>
void SpectralConv<Real>::pack_weights(const Parameters<Real>& p, const Vector<Real>& scale) {
  const long nm = long(scale.extent(0));
  ensure(w_re_, "fieldgen::nn::spectral_w_re", nm, c_in_, c_out_);
  ensure(w_im_, "fieldgen::nn::spectral_w_im", nm, c_in_, c_out_);
  const Real* w0 = p.value(blocks_[0]).data();
  const Real* w1 = p.value(blocks_[k_.size() - 1]).data();
  const WeightIndex index{k_.front(), k_.back(), c_out_, k_.size() == 2};
  const Tensor3<Real> wr = w_re_, wi = w_im_;
  Kokkos::parallel_for(
      "fieldgen::nn::spectral_pack_weights", Policy3({0, 0, 0}, {nm, c_in_, c_out_}),
      KOKKOS_LAMBDA(long m, long i, long o) {
        int block;
        const long at = index(m, i, o, block);
        const Real* w = block == 0 ? w0 : w1;
        wr(m, i, o) = scale(m) * w[at];
        wi(m, i, o) = scale(m) * w[at + 1];
      });
}

template <class Real>
void SpectralConv<Real>::add_weight_grads(const Parameters<Real>& p, const Vector<Real>& scale) {
  const long nm = long(scale.extent(0));
  Real* g0 = p.grad(blocks_[0]).data();
  Real* g1 = p.grad(blocks_[k_.size() - 1]).data();
  const WeightIndex index{k_.front(), k_.back(), c_out_, k_.size() == 2};
  const Tensor3<Real> gr = gw_re_, gi = gw_im_;
  Kokkos::parallel_for(
      "fieldgen::nn::spectral_weight_grads", Policy3({0, 0, 0}, {nm, c_in_, c_out_}),
      KOKKOS_LAMBDA(long m, long i, long o) {
        int block;
        const long at = index(m, i, o, block);
        Real* g = block == 0 ? g0 : g1;
        g[at] += scale(m) * gr(m, i, o);
        g[at + 1] += scale(m) * gi(m, i, o);
      });
}

template <class Real>
Tensor3<Real> SpectralConv<Real>::forward(const Parameters<Real>& p, const Tensor3<Real>& in) {
  require(long(in.extent(1)) == c_in_, "SpectralConv '", name_, "': input [", in.extent(0), "][",
          in.extent(1), "][", in.extent(2), "] but c_in = ", c_in_);
  SpectralTransform<Real>& t = transform(long(in.extent(2)));
  current_ = &t;
  const long nb = long(in.extent(0)), nm = t.modes(), ci = c_in_, co = c_out_;
  batch_ = nb;
  ensure(x_hat_, "fieldgen::nn::spectral_x_hat", nm, 2, nb * ci);
  if (comm_.size() > 1) {
    ensure(x_part_, "fieldgen::nn::spectral_x_part", nm, 2, nb * ci);
    t.analyse(in, x_part_);
    sum_.start(comm_, x_part_, x_hat_);
    pack_weights(p, t.inverse_weights());
    sum_.finish();
  } else {
    t.analyse(in, x_hat_);
    pack_weights(p, t.inverse_weights());
  }
  ensure(y_hat_, "fieldgen::nn::spectral_y_hat", nm, 2, nb * co);
  const Real* x = x_hat_.data();
  Real* y = y_hat_.data();
  const long sx = 2 * nb * ci, sy = 2 * nb * co, sw = ci * co;
  const Matrix<const Real> wr(w_re_.data(), ci, co), wi(w_im_.data(), ci, co);
  gemm_batched(Op::N, Op::N, Real(1), Matrix<const Real>(x, 2 * nb, ci), sx, wr, sw, Real(0),
               Matrix<Real>(y, 2 * nb, co), sy, nm);
  gemm_batched(Op::N, Op::N, Real(-1), Matrix<const Real>(x + nb * ci, nb, ci), sx, wi, sw, Real(1),
               Matrix<Real>(y, nb, co), sy, nm);
  gemm_batched(Op::N, Op::N, Real(1), Matrix<const Real>(x, nb, ci), sx, wi, sw, Real(1),
               Matrix<Real>(y + nb * co, nb, co), sy, nm);
  ensure(out_, "fieldgen::nn::spectral_out", nb, co, in.extent(2));
  t.synthesise(y_hat_, out_);
  return out_;
}

template <class Real>
Tensor3<Real> SpectralConv<Real>::backward(const Parameters<Real>& p,
                                           const Tensor3<Real>& grad_out) {
  require(current_ && grad_out.extent(0) == out_.extent(0) &&
              grad_out.extent(1) == out_.extent(1) && grad_out.extent(2) == out_.extent(2),
          "SpectralConv '", name_, "': grad_out [", grad_out.extent(0), "][", grad_out.extent(1),
          "][", grad_out.extent(2), "] but output [", out_.extent(0), "][", out_.extent(1), "][",
          out_.extent(2), "]");
  SpectralTransform<Real>& t = *current_;
  const long nb = batch_, nm = t.modes(), ci = c_in_, co = c_out_;
  const bool split = comm_.size() > 1;
  ensure(gy_hat_, "fieldgen::nn::spectral_gy_hat", nm, 2, nb * co);
  if (split)
    ensure(gy_part_, "fieldgen::nn::spectral_gy_part", nm, 2, nb * co);
  const Tensor3<Real> gy_local = split ? gy_part_ : gy_hat_;
  // Adjoint of the synthesis: partial mode sums of grad_out over this block's points.
  t.analyse(grad_out, gy_local);
  if (split)
    sum_.start(comm_, gy_local, gy_hat_);

  // Weight gradients from this block's share (summed over ranks later, see the header).
  ensure(gw_re_, "fieldgen::nn::spectral_gw_re", nm, ci, co);
  ensure(gw_im_, "fieldgen::nn::spectral_gw_im", nm, ci, co);
  const Real* x = x_hat_.data();
  const Real* gyl = gy_local.data();
  const long sx = 2 * nb * ci, sy = 2 * nb * co, sw = ci * co;
  const Matrix<Real> gwr(gw_re_.data(), ci, co), gwi(gw_im_.data(), ci, co);
  // dW_re = X_re^T dY_re + X_im^T dY_im, dW_im = X_re^T dY_im - X_im^T dY_re.
  gemm_batched(Op::T, Op::N, Real(1), Matrix<const Real>(x, 2 * nb, ci), sx,
               Matrix<const Real>(gyl, 2 * nb, co), sy, Real(0), gwr, sw, nm);
  gemm_batched(Op::T, Op::N, Real(1), Matrix<const Real>(x, nb, ci), sx,
               Matrix<const Real>(gyl + nb * co, nb, co), sy, Real(0), gwi, sw, nm);
  gemm_batched(Op::T, Op::N, Real(-1), Matrix<const Real>(x + nb * ci, nb, ci), sx,
               Matrix<const Real>(gyl, nb, co), sy, Real(1), gwi, sw, nm);
  add_weight_grads(p, t.inverse_weights());
  if (split)
    sum_.finish();

  // dX_re = dY_re W_re^T + dY_im W_im^T, dX_im = dY_im W_re^T - dY_re W_im^T.
  ensure(gx_hat_, "fieldgen::nn::spectral_gx_hat", nm, 2, nb * ci);
  const Real* gy = gy_hat_.data();
  Real* gx = gx_hat_.data();
  const Matrix<const Real> wr(w_re_.data(), ci, co), wi(w_im_.data(), ci, co);
  gemm_batched(Op::N, Op::T, Real(1), Matrix<const Real>(gy, 2 * nb, co), sy, wr, sw, Real(0),
               Matrix<Real>(gx, 2 * nb, ci), sx, nm);
  gemm_batched(Op::N, Op::T, Real(1), Matrix<const Real>(gy + nb * co, nb, co), sy, wi, sw, Real(1),
               Matrix<Real>(gx, nb, ci), sx, nm);
  gemm_batched(Op::N, Op::T, Real(-1), Matrix<const Real>(gy, nb, co), sy, wi, sw, Real(1),
               Matrix<Real>(gx + nb * ci, nb, ci), sx, nm);
  ensure(grad_in_, "fieldgen::nn::spectral_grad_in", nb, ci, grad_out.extent(2));
  t.synthesise(gx_hat_, grad_in_);
  return grad_in_;
}

template <class Real>
void SpectralConv<Real>::ModeSum::start(const Comm& comm, const Tensor3<Real>& send,
                                        const Tensor3<Real>& recv) {
  require(send.size() == recv.size() && send.size() < size_t(INT_MAX), "SpectralConv: mode sum of ",
          send.size(), " values into ", recv.size());
  Kokkos::fence(); // the transform kernels must be complete before MPI reads the buffer
  if constexpr (Kokkos::SpaceAccessibility<Kokkos::HostSpace, MemSpace>::accessible) {
    send_host_ = Kokkos::create_mirror_view(send); // the same memory, no copy
    recv_host_ = Kokkos::create_mirror_view(recv);
  } else {
    ensure(send_host_, "fieldgen::nn::spectral_sum_send", send.extent(0), send.extent(1),
           send.extent(2));
    ensure(recv_host_, "fieldgen::nn::spectral_sum_recv", recv.extent(0), recv.extent(1),
           recv.extent(2));
    Kokkos::deep_copy(send_host_, send);
  }
  recv_ = recv;
  FIELDGEN_MPI_CHECK(MPI_Iallreduce(send_host_.data(), recv_host_.data(), int(send.size()),
                                    mpi_type<Real>(), MPI_SUM, comm.get(), &request_));
}

template <class Real> void SpectralConv<Real>::ModeSum::finish() {
  FIELDGEN_MPI_CHECK(MPI_Wait(&request_, MPI_STATUS_IGNORE));
  if constexpr (!Kokkos::SpaceAccessibility<Kokkos::HostSpace, MemSpace>::accessible)
    Kokkos::deep_copy(recv_, recv_host_);
}

template class SpectralConv<float>;
template class SpectralConv<double>;

} // namespace fieldgen::nn
