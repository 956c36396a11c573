// SpdeSystem: the PETSc side of the Whittle-Matern family on one decomposed grid, built once and
// reused: a DMDA whose ownership ranges are exactly the Decomposition's blocks, the matrix
//   A = kappa^2 I + D^T D = kappa^2 I - L_h
// (D: forward differences (u_{i+e_a} - u_i) / h_a on every grid edge; periodic axes wrap,
// non-periodic axes have no edge leaving the domain, i.e. the reflecting / no-flux Neumann
// 5-/7-point Laplacian L_h = -D^T D), and a CG solver preconditioned by hypre BoomerAMG (PCGAMG
// if PETSc lacks hypre), converged to a relative unpreconditioned residual rtol.
//
// Axis mapping: fieldgen axis d-1 (fastest) is the DMDA x axis, d-2 is y, d-3 is z, so a rank's
// part of a PETSc vector is its block in fieldgen's local row-major order, element for element.
// MPI_Cart and DMDA both number ranks with the fastest axis last/first respectively, which
// coincide under this mapping; the constructor verifies the ownership against the Decomposition.
// Options: PETSc options with prefix "fieldgen_spde_" (e.g. PETSC_OPTIONS) override the solver.
#pragma once

#include "fieldgen/core/comm.hpp"
#include "fieldgen/gaussian/petsc_handle.hpp"
#include "fieldgen/mesh/decomposition.hpp"

#include <petscdmda.h>
#include <petscksp.h>

#include <string>

namespace fieldgen::gaussian {

class SpdeSystem {
public:
  // Collective over dec.comm() (duplicates it). Periodic axes need at least 3 points.
  SpdeSystem(const Decomposition& dec, double kappa, double rtol, int max_iterations);
  SpdeSystem(const SpdeSystem&) = delete;
  SpdeSystem& operator=(const SpdeSystem&) = delete;

  const Comm& comm() const { return comm_; }
  double kappa() const { return kappa_; }
  // "CG + hypre BoomerAMG" or "CG + PETSc GAMG".
  const std::string& solver() const { return solver_; }
  // Creates a vector with the DMDA's layout in *v (e.g. an empty PetscHandle's out()).
  void create_vector(Vec* v) const;
  // y = A x (a stencil application; no solve).
  void apply(Vec x, Vec y) const;
  // x = A^{-1} b. Collective; throws NumericError (collective) if CG does not converge.
  void solve(Vec b, Vec x) const;
  // Solves done and CG iterations spent so far.
  long solves() const { return solves_; }
  long iterations() const { return iterations_; }

private:
  void assemble(const Decomposition& dec);

  Comm comm_;
  double kappa_;
  std::string solver_;
  PetscHandle<DM, DMDestroy> da_;
  PetscHandle<Mat, MatDestroy> a_;
  PetscHandle<KSP, KSPDestroy> ksp_;
  mutable long solves_ = 0, iterations_ = 0;
};

} // namespace fieldgen::gaussian
