// Dense references for the DSD tests: the 1-D random-walk generator as a matrix, the Kronecker
// sum of two of them (the 2-D lattice generator), and the matrix exponential by scaling and
// squaring of a long Taylor series. Independent of lib/fieldgen/dsd.
#pragma once

#include <cmath>
#include <cstddef>
#include <vector>

namespace dsd_test {

using Matrix = std::vector<double>; // row-major n x n

// G for one unit with rate 1 per direction: G(i, i +- 1) = 1 where the move exists (periodic:
// wraps; reflecting: a unit at an end cannot leave), G(i, i) = -sum of its row.
inline Matrix generator(int n, bool periodic) {
  Matrix g(size_t(n) * size_t(n), 0.0);
  for (int i = 0; i < n; ++i)
    for (int s = -1; s <= 1; s += 2) {
      int j = i + s;
      if (j < 0 || j >= n) {
        if (!periodic)
          continue;
        j = (j + n) % n;
      }
      g[size_t(i) * size_t(n) + size_t(j)] += 1.0;
      g[size_t(i) * size_t(n) + size_t(i)] -= 1.0;
    }
  return g;
}

inline Matrix identity(int n) {
  Matrix m(size_t(n) * size_t(n), 0.0);
  for (int i = 0; i < n; ++i)
    m[size_t(i) * size_t(n) + size_t(i)] = 1.0;
  return m;
}

inline Matrix multiply(const Matrix& a, const Matrix& b, int n) {
  Matrix c(size_t(n) * size_t(n), 0.0);
  for (int i = 0; i < n; ++i)
    for (int k = 0; k < n; ++k)
      for (int j = 0; j < n; ++j)
        c[size_t(i) * size_t(n) + size_t(j)] +=
            a[size_t(i) * size_t(n) + size_t(k)] * b[size_t(k) * size_t(n) + size_t(j)];
  return c;
}

// A (x) I_nb + I_na (x) B, row-major over (i_a, i_b): the generator of two independent axes.
inline Matrix kronecker_sum(const Matrix& a, int na, const Matrix& b, int nb) {
  const int n = na * nb;
  Matrix s(size_t(n) * size_t(n), 0.0);
  for (int i = 0; i < na; ++i)
    for (int j = 0; j < nb; ++j)
      for (int k = 0; k < na; ++k)
        for (int l = 0; l < nb; ++l) {
          const double v = (j == l ? a[size_t(i) * size_t(na) + size_t(k)] : 0.0) +
                           (i == k ? b[size_t(j) * size_t(nb) + size_t(l)] : 0.0);
          s[size_t(i * nb + j) * size_t(n) + size_t(k * nb + l)] = v;
        }
  return s;
}

// exp(c A): halve c A until its max-row-sum norm is below 1/2, 40 Taylor terms (truncation
// error < 0.5^40/40! ~ 1e-60), then square back.
inline Matrix expm(const Matrix& a, int n, double c) {
  double norm = 0;
  for (int i = 0; i < n; ++i) {
    double row = 0;
    for (int j = 0; j < n; ++j)
      row += std::abs(a[size_t(i) * size_t(n) + size_t(j)]);
    norm = std::max(norm, row * std::abs(c));
  }
  int squarings = 0;
  while (norm > 0.5) {
    norm *= 0.5;
    ++squarings;
  }
  const double scale = c / std::ldexp(1.0, squarings);
  Matrix x(a);
  for (double& v : x)
    v *= scale;
  Matrix sum = identity(n), term = identity(n);
  for (int k = 1; k <= 40; ++k) {
    term = multiply(term, x, n);
    for (double& v : term)
      v /= double(k);
    for (size_t i = 0; i < sum.size(); ++i)
      sum[i] += term[i];
  }
  for (int s = 0; s < squarings; ++s)
    sum = multiply(sum, sum, n);
  return sum;
}

} // namespace dsd_test
