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

# Helpers of the job scripts: `stamp <what>` prints the seconds since the job started; `check
# <metrics.json> <checks...>` runs tools/check_metrics.py and remembers a failure in `failed`
# (the DSD jobs run every check, then `exit $failed`); `train_or_reuse <checkpoint> <dsd-train
# args...>` trains unless FIELDGEN_REUSE=1 and the checkpoint exists.
job=$(basename "$0" .sh)
start=$(date +%s)
failed=0
stamp() { echo "[$job] $1: $(($(date +%s) - start)) s"; }
check() { /usr/bin/python3 tools/check_metrics.py "$@" || failed=1; }
train_or_reuse() {
  local checkpoint=$1
  shift
  if [ "${FIELDGEN_REUSE:-0}" = 1 ] && [ -f "$checkpoint" ]; then
    echo "[$job] FIELDGEN_REUSE=1: training skipped, $checkpoint reused"
  else
    $launch build/bin/fieldgen dsd-train "$@"
    stamp "train"
  fi
}
