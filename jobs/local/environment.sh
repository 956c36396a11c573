#!/usr/bin/env bash
# Sourced by every job script in jobs/local/: moves to the repository root, builds first if the
# binaries are missing (tools/setup.sh), runs one BLAS thread per MPI rank, lets OpenMPI
# oversubscribe and run as root, and sets `launch`, the MPI launcher of the job's commands
# ("mpirun -np 2"; FIELDGEN_LAUNCH overrides it, e.g. "srun" from the jobs/slurm/ scripts).
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
{ [ -x build/bin/fieldgen ] && [ -x build/bin/fieldgen_bench ]; } || bash tools/setup.sh
export OPENBLAS_NUM_THREADS=1 OMPI_MCA_rmaps_base_oversubscribe=1
if [ "$(id -u)" -eq 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
launch=${FIELDGEN_LAUNCH:-"mpirun -np 2"}
