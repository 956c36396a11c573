// Finite-difference gradient checks (double) of every layer of the neural-operator stack and of
// the FNO as a whole, in 1-D and 2-D: input and parameter gradients to relative error < 1e-6.
#include <doctest/doctest.h>

#include "test_views.hpp"

#include "gradient_check.hpp"

#include "fieldgen/nn/activation.hpp"
#include "fieldgen/nn/bias.hpp"
#include "fieldgen/nn/fno.hpp"
#include "fieldgen/nn/linear.hpp"
#include "fieldgen/nn/spectral_conv.hpp"
#include "fieldgen/nn/time_embedding.hpp"

using namespace fieldgen;
using namespace fieldgen::nn;
using fieldgen::testing::check_gradients;
using fieldgen::testing::fill_normal;

namespace {

constexpr double tolerance = 1e-6;

template <class Model> Parameters<double> make_parameters(Model& model, std::uint64_t seed = 3) {
  Parameters<double> p;
  model.reserve(p);
  p.allocate();
  model.init(p, CounterRng(seed, purpose_id("test.init")));
  return p;
}

template <class L>
void check_layer(const std::string& name, L& layer, long batch, long channels, long points,
                 double input_scale = 1.0) {
  Parameters<double> p = make_parameters(layer);
  Tensor3<double> x("x", batch, channels, points);
  fill_normal(x, 11, input_scale);
  const auto e = check_gradients(
      name, p, x, [&] { return layer.forward(p, x); },
      [&](const Tensor3<double>& g) { return layer.backward(p, g); });
  CHECK(e.input < tolerance);
  CHECK(e.params < tolerance);
}

} // namespace

TEST_CASE("gradients: pointwise linear and bias") {
  PointwiseLinear<double> with_bias(3, 4, "lin");
  check_layer("pointwise linear (bias)", with_bias, 2, 3, 5);
  PointwiseLinear<double> no_bias(4, 2, "lin", false);
  check_layer("pointwise linear (no bias)", no_bias, 3, 4, 6);
  PointwiseLinear<double> single_point(5, 3, "lin");
  check_layer("pointwise linear (1 point)", single_point, 4, 5, 1);
  Bias<double> bias(3, 7, "bias");
  check_layer("bias", bias, 2, 3, 4);
}

TEST_CASE("gradients: activations") {
  for (ActivationKind kind :
       {ActivationKind::GELU, ActivationKind::SiLU, ActivationKind::Softplus}) {
    Activation<double> act(kind);
    Parameters<double> p;
    p.allocate();
    Tensor3<double> x("x", 2, 3, 7);
    fill_normal(x, 5, 3.0); // values over [-9, 9]: both tails and the bend
    const auto e = check_gradients(
        activation_name(kind), p, x, [&] { return act.forward(p, x); },
        [&](const Tensor3<double>& g) { return act.backward(p, g); });
    CHECK(e.input < tolerance);
  }
}

TEST_CASE("gradients: sinusoidal time embedding + MLP") {
  TimeEmbedding<double> emb(8, 6, 5, "time");
  Parameters<double> p = make_parameters(emb);
  Vector<double> t("t", 3);
  auto th = Kokkos::create_mirror_view(t);
  th(0) = 0.5;
  th(1) = 3.0;
  th(2) = 7.25;
  Kokkos::deep_copy(t, th);
  const auto e = check_gradients(
      "time embedding", p, t, [&] { return emb.forward(p, t); },
      [&](const Tensor2<double>& g) { return emb.backward(p, g); });
  CHECK(e.input < tolerance);
  CHECK(e.params < tolerance);
}

TEST_CASE("gradients: spectral convolution 1-D") {
  SpectralConv<double> even(3, 2, {5}, "spec"); // n = 8: modes 0..4, 4 is the Nyquist mode
  check_layer("spectral 1-D (n 8, K 5)", even, 2, 3, 8);
  SpectralConv<double> odd(2, 3, {4}, "spec");
  check_layer("spectral 1-D (n 9, K 4)", odd, 2, 2, 9);
}

TEST_CASE("gradients: spectral convolution 2-D") {
  SpectralConv<double> layer(2, 3, {2, 5}, "spec"); // k2 = 4 is the Nyquist mode of n2 = 8
  layer.set_block(FieldBlock::whole({6, 8}));
  check_layer("spectral 2-D (6x8, K 2x5)", layer, 2, 2, 48);
}

namespace {
// One model, checked at each of the grid shapes (any resolution: bases are built per shape).
void check_fno(const std::string& name, const FnoConfig& config,
               const std::vector<std::vector<long>>& shapes, long batch) {
  Fno<double> fno(config);
  Parameters<double> p = make_parameters(fno);
  for (const auto& shape : shapes) {
    long points = 1;
    for (long n : shape)
      points *= n;
    if (shape.size() == 2)
      fno.set_block(FieldBlock::whole(shape));
    Tensor3<double> u("u", batch, 1, points);
    fill_normal(u, 21);
    Vector<double> t("t", batch);
    auto th = Kokkos::create_mirror_view(t);
    for (long b = 0; b < batch; ++b)
      th(b) = double(1 + 37 * b);
    Kokkos::deep_copy(t, th);
    const auto e = check_gradients(
        name + " " + std::to_string(points) + " points", p, u, [&] { return fno.forward(p, u, t); },
        [&](const Tensor3<double>& g) { return fno.backward(p, g); });
    CHECK(e.input < tolerance);
    CHECK(e.params < tolerance);
  }
}
} // namespace

TEST_CASE("gradients: FNO 1-D (time channel, as the reference)") {
  FnoConfig c;
  c.modes = {4};
  c.width = 6;
  c.depth = 3;
  c.projection = 7;
  check_fno("FNO 1-D", c, {{10}, {13}}, 2);
}

TEST_CASE("gradients: FNO 2-D (time embedding)") {
  FnoConfig c;
  c.modes = {2, 3};
  c.width = 4;
  c.depth = 2;
  c.projection = 5;
  c.time = TimeInput::Embedding;
  c.time_dim = 4;
  c.time_hidden = 5;
  c.time_channels = 3;
  check_fno("FNO 2-D", c, {{6, 5}, {4, 7}}, 2);
}
