// SpdeSystem: DMDA, stencil matrix and CG + AMG solver of the Whittle-Matern family (see
// spde_system.hpp).
#include "fieldgen/gaussian/spde_system.hpp"

#include "fieldgen/core/error.hpp"
#include "fieldgen/gaussian/petsc_check.hpp"

#include <array>
#include <cstddef>
#include <vector>

namespace fieldgen::gaussian {
namespace {

// Ownership ranges of one fieldgen axis (all its blocks, in Cartesian order).
std::vector<PetscInt> block_sizes(const Decomposition& dec, int axis) {
  std::vector<PetscInt> sizes(static_cast<size_t>(dec.ranks_along(axis)));
  for (int b = 0; b < dec.ranks_along(axis); ++b)
    sizes[size_t(b)] = PetscInt(dec.block_n(axis, b));
  return sizes;
}

DMBoundaryType boundary(const Grid& g, int axis) {
  return g.periodic(axis) ? DM_BOUNDARY_PERIODIC : DM_BOUNDARY_NONE;
}

} // namespace

SpdeSystem::SpdeSystem(const Decomposition& dec, double kappa, double rtol, int max_iterations)
    : comm_(dec.comm()), kappa_(kappa) {
  const Grid& g = dec.grid();
  const int d = g.dim();
  require(kappa > 0 && rtol > 0 && rtol < 1 && max_iterations > 0,
          "SpdeSystem: needs kappa > 0, 0 < rtol < 1, max_iterations > 0");
  for (int a = 0; a < d; ++a)
    require(!g.periodic(a) || g.n(a) >= 3, "SpdeSystem: periodic axis ", a,
            " needs at least 3 points (got ", g.n(a), ")");
  // fieldgen axis d-1 -> DMDA x, d-2 -> y, d-3 -> z.
  const std::vector<PetscInt> lx = block_sizes(dec, d - 1);
  if (d == 1) {
    FIELDGEN_PETSC_CHECK(
        DMDACreate1d(comm_.get(), boundary(g, 0), PetscInt(g.n(0)), 1, 1, lx.data(), da_.out()));
  } else if (d == 2) {
    const std::vector<PetscInt> ly = block_sizes(dec, 0);
    FIELDGEN_PETSC_CHECK(DMDACreate2d(comm_.get(), boundary(g, 1), boundary(g, 0),
                                      DMDA_STENCIL_STAR, PetscInt(g.n(1)), PetscInt(g.n(0)),
                                      dec.ranks_along(1), dec.ranks_along(0), 1, 1, lx.data(),
                                      ly.data(), da_.out()));
  } else {
    const std::vector<PetscInt> ly = block_sizes(dec, 1), lz = block_sizes(dec, 0);
    FIELDGEN_PETSC_CHECK(DMDACreate3d(
        comm_.get(), boundary(g, 2), boundary(g, 1), boundary(g, 0), DMDA_STENCIL_STAR,
        PetscInt(g.n(2)), PetscInt(g.n(1)), PetscInt(g.n(0)), dec.ranks_along(2),
        dec.ranks_along(1), dec.ranks_along(0), 1, 1, lx.data(), ly.data(), lz.data(), da_.out()));
  }
  FIELDGEN_PETSC_CHECK(DMSetUp(da_.get()));
  // The DMDA must own exactly this rank's block (same rank numbering as the MPI_Cart topology).
  PetscInt start[3] = {0, 0, 0}, len[3] = {1, 1, 1};
  FIELDGEN_PETSC_CHECK(
      DMDAGetCorners(da_.get(), &start[0], &start[1], &start[2], &len[0], &len[1], &len[2]));
  long mismatch = 0;
  for (int a = 0; a < d; ++a)
    mismatch += start[d - 1 - a] != dec.offset(a) || len[d - 1 - a] != dec.local_n(a);
  if (comm_.sum(mismatch) != 0)
    throw UsageError("SpdeSystem: the DMDA ownership does not match the Decomposition blocks",
                     ErrorScope::Collective);
  assemble(dec);

  FIELDGEN_PETSC_CHECK(KSPCreate(comm_.get(), ksp_.out()));
  FIELDGEN_PETSC_CHECK(KSPSetOperators(ksp_.get(), a_.get(), a_.get()));
  FIELDGEN_PETSC_CHECK(KSPSetType(ksp_.get(), KSPCG));
  // Converge on the true residual ||b - A x|| / ||b|| so that the result, not the preconditioned
  // residual, is what agrees across rank counts.
  FIELDGEN_PETSC_CHECK(KSPSetNormType(ksp_.get(), KSP_NORM_UNPRECONDITIONED));
  FIELDGEN_PETSC_CHECK(
      KSPSetTolerances(ksp_.get(), rtol, PETSC_DEFAULT, PETSC_DEFAULT, max_iterations));
  PC pc = nullptr;
  FIELDGEN_PETSC_CHECK(KSPGetPC(ksp_.get(), &pc));
#if defined(PETSC_HAVE_HYPRE)
  FIELDGEN_PETSC_CHECK(PCSetType(pc, PCHYPRE));
  FIELDGEN_PETSC_CHECK(PCHYPRESetType(pc, "boomeramg"));
  solver_ = "CG + hypre BoomerAMG";
#else
  FIELDGEN_PETSC_CHECK(PCSetType(pc, PCGAMG));
  solver_ = "CG + PETSc GAMG";
#endif
  FIELDGEN_PETSC_CHECK(KSPSetOptionsPrefix(ksp_.get(), "fieldgen_spde_"));
  FIELDGEN_PETSC_CHECK(KSPSetFromOptions(ksp_.get()));
  FIELDGEN_PETSC_CHECK(KSPSetUp(ksp_.get())); // the AMG hierarchy, once per grid
}

void SpdeSystem::assemble(const Decomposition& dec) {
  const Grid& g = dec.grid();
  const int d = g.dim();
  FIELDGEN_PETSC_CHECK(DMSetMatType(da_.get(), MATAIJ));
  // 2-D/3-D: preallocate only (every nonzero is inserted below; PETSc's zero fill of the pattern
  // took 8 s of a 2048^2 setup). Not in 1-D, where PETSc 3.18's preallocate-only path expects
  // rows with sorted column indices, which the wrapped periodic rows below are not.
  if (d >= 2)
    FIELDGEN_PETSC_CHECK(DMSetMatrixPreallocateOnly(da_.get(), PETSC_TRUE));
  FIELDGEN_PETSC_CHECK(DMCreateMatrix(da_.get(), a_.out()));
  // Row of node i: diagonal kappa^2 + sum over edges at i of 1/h_a^2, -1/h_a^2 per neighbour
  // across an edge (A = kappa^2 I + D^T D).
  std::array<double, 3> inv_h2{0, 0, 0};
  for (int a = 0; a < d; ++a)
    inv_h2[size_t(a)] = 1.0 / (g.h(a) * g.h(a));
  std::array<long, 3> lo{0, 0, 0}, n{1, 1, 1}, global{1, 1, 1};
  for (int a = 0; a < d; ++a) {
    lo[size_t(a)] = dec.offset(a);
    n[size_t(a)] = dec.local_n(a);
    global[size_t(a)] = g.n(a);
  }
  for (long i0 = lo[0]; i0 < lo[0] + n[0]; ++i0)
    for (long i1 = lo[1]; i1 < lo[1] + n[1]; ++i1)
      for (long i2 = lo[2]; i2 < lo[2] + n[2]; ++i2) {
        const std::array<long, 3> idx{i0, i1, i2};
        // MatStencil {k, j, i}: i is DMDA x = fieldgen axis d-1.
        auto stencil = [&](std::array<long, 3> m) {
          MatStencil s{};
          s.i = PetscInt(m[size_t(d - 1)]);
          s.j = d >= 2 ? PetscInt(m[size_t(d - 2)]) : 0;
          s.k = d >= 3 ? PetscInt(m[0]) : 0;
          return s;
        };
        MatStencil row = stencil(idx), cols[7];
        PetscScalar vals[7];
        int count = 1;
        double diag = kappa_ * kappa_;
        for (int a = 0; a < d; ++a)
          for (int dir = -1; dir <= 1; dir += 2) {
            std::array<long, 3> m = idx;
            m[size_t(a)] += dir;
            if (!g.periodic(a) && (m[size_t(a)] < 0 || m[size_t(a)] >= global[size_t(a)]))
              continue; // no edge leaves the domain (Neumann)
            diag += inv_h2[size_t(a)];
            cols[count] = stencil(m); // periodic DMDA indices wrap
            vals[count] = -inv_h2[size_t(a)];
            ++count;
          }
        cols[0] = row;
        vals[0] = diag;
        FIELDGEN_PETSC_CHECK(
            MatSetValuesStencil(a_.get(), 1, &row, count, cols, vals, INSERT_VALUES));
      }
  FIELDGEN_PETSC_CHECK(MatAssemblyBegin(a_.get(), MAT_FINAL_ASSEMBLY));
  FIELDGEN_PETSC_CHECK(MatAssemblyEnd(a_.get(), MAT_FINAL_ASSEMBLY));
  FIELDGEN_PETSC_CHECK(MatSetOption(a_.get(), MAT_SYMMETRIC, PETSC_TRUE));
  FIELDGEN_PETSC_CHECK(MatSetOption(a_.get(), MAT_SPD, PETSC_TRUE));
}

void SpdeSystem::create_vector(Vec* v) const {
  FIELDGEN_PETSC_CHECK(DMCreateGlobalVector(da_.get(), v));
}

void SpdeSystem::apply(Vec x, Vec y) const {
  FIELDGEN_PETSC_CHECK(MatMult(a_.get(), x, y));
}

void SpdeSystem::solve(Vec b, Vec x) const {
  FIELDGEN_PETSC_CHECK(KSPSolve(ksp_.get(), b, x));
  KSPConvergedReason reason;
  PetscInt its = 0;
  FIELDGEN_PETSC_CHECK(KSPGetConvergedReason(ksp_.get(), &reason));
  FIELDGEN_PETSC_CHECK(KSPGetIterationNumber(ksp_.get(), &its));
  ++solves_;
  iterations_ += its;
  if (reason < 0) {
    PetscReal rnorm = 0;
    FIELDGEN_PETSC_CHECK(KSPGetResidualNorm(ksp_.get(), &rnorm));
    throw NumericError(cat("Whittle-Matern solve (", solver_,
                           ") did not converge: ", KSPConvergedReasons[reason], " after ", its,
                           " iterations, residual ", rnorm),
                       ErrorScope::Collective);
  }
}

} // namespace fieldgen::gaussian
