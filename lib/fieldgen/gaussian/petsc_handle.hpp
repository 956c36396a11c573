// PetscHandle: owns one PETSc object (DM, Mat, KSP, Vec, ...) and destroys it with its
// XxxDestroy function, unless PETSc has already been finalised. Lets classes holding PETSc
// objects clean up even when their constructor throws half-way.
#pragma once

#include <petscsys.h>

namespace fieldgen::gaussian {

template <class T, PetscErrorCode (*Destroy)(T*)> class PetscHandle {
public:
  PetscHandle() = default;
  ~PetscHandle() {
    PetscBool finalized = PETSC_FALSE;
    PetscFinalized(&finalized);
    // A destructor cannot report an error; PETSc prints its own traceback if one occurs.
    if (object_ && !finalized)
      Destroy(&object_);
  }
  PetscHandle(const PetscHandle&) = delete;
  PetscHandle& operator=(const PetscHandle&) = delete;

  T get() const { return object_; }
  // For PETSc's XxxCreate(..., &object) calls on an empty handle.
  T* out() { return &object_; }

private:
  T object_ = nullptr;
};

} // namespace fieldgen::gaussian
