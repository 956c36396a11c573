# Finds fieldgen's dependencies and works around the Debian 12 packaging quirks listed in
# DESIGN.md ("Known dependency quirks"). Every dependency becomes an imported target.
find_package(MPI REQUIRED COMPONENTS CXX)

find_package(Kokkos REQUIRED)
# Trilinos 13.2 exports a non-existent include dir for Kokkos::kokkos: point it at the real one.
if(Kokkos_INCLUDE_DIRS)
  set_target_properties(Kokkos::kokkos PROPERTIES INTERFACE_INCLUDE_DIRECTORIES
                                                  "${Kokkos_INCLUDE_DIRS}")
endif()
find_package(KokkosKernels REQUIRED)
# Standalone KokkosKernels exports Kokkos::kokkoskernels; Trilinos' (Debian) trilinos_kokkoskernels.
add_library(fieldgen_kokkoskernels INTERFACE)
if(TARGET Kokkos::kokkoskernels)
  target_link_libraries(fieldgen_kokkoskernels INTERFACE Kokkos::kokkoskernels)
else()
  set_target_properties(trilinos_kokkoskernels PROPERTIES INTERFACE_INCLUDE_DIRECTORIES
                                                          "${Kokkos_INCLUDE_DIRS}")
  target_link_libraries(fieldgen_kokkoskernels INTERFACE trilinos_kokkoskernels)
endif()

find_package(PkgConfig REQUIRED)
pkg_check_modules(PETSC REQUIRED IMPORTED_TARGET PETSc)

set(HDF5_PREFER_PARALLEL ON)
find_package(HDF5 REQUIRED COMPONENTS C)
if(NOT HDF5_IS_PARALLEL)
  message(FATAL_ERROR "fieldgen needs a parallel (MPI) HDF5; found a serial one at ${HDF5_INCLUDE_DIRS}")
endif()
add_library(fieldgen_hdf5 INTERFACE)
target_include_directories(fieldgen_hdf5 SYSTEM INTERFACE ${HDF5_INCLUDE_DIRS})
target_link_libraries(fieldgen_hdf5 INTERFACE ${HDF5_C_LIBRARIES})
target_compile_definitions(fieldgen_hdf5 INTERFACE ${HDF5_DEFINITIONS})

find_package(Boost REQUIRED COMPONENTS program_options)

# OpenBLAS for the GEMM-heavy layers (the reference BLAS is far slower).
find_path(OPENBLAS_INCLUDE_DIR cblas.h PATH_SUFFIXES openblas-pthread openblas
          PATHS /usr/include/x86_64-linux-gnu /usr/include REQUIRED)
find_library(OPENBLAS_LIBRARY NAMES openblas REQUIRED)
add_library(fieldgen_blas INTERFACE)
target_include_directories(fieldgen_blas SYSTEM INTERFACE ${OPENBLAS_INCLUDE_DIR})
target_link_libraries(fieldgen_blas INTERFACE ${OPENBLAS_LIBRARY})

find_path(RANDOM123_INCLUDE_DIR Random123/philox.h REQUIRED)
find_path(DOCTEST_INCLUDE_DIR doctest/doctest.h REQUIRED)

find_path(FFTW3_INCLUDE_DIR fftw3.h REQUIRED)
find_library(FFTW3_LIBRARY NAMES fftw3 REQUIRED)
