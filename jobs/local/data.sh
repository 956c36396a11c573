#!/usr/bin/env bash
# The data pipeline on 2 MPI ranks: MoGP curves, AEMET temperature curves and Fashion-MNIST
# images into HDF5 field files under run/main/, then plots them (run/main/*.png). Builds first if
# needed (tools/setup.sh).
#   bash jobs/local/data.sh          (FIELDGEN_LAUNCH="srun" under Slurm)
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -x build/bin/fieldgen ] || bash tools/setup.sh
export OPENBLAS_NUM_THREADS=1 OMPI_MCA_rmaps_base_oversubscribe=1
if [ "$(id -u)" -eq 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
launch=${FIELDGEN_LAUNCH:-"mpirun -np 2"}
mkdir -p run/main
start=$(date +%s)
for deck in mogp_data aemet_data fashion_mnist_data; do
  $launch build/bin/fieldgen data --config "input/$deck.cfg"
done
/usr/bin/python3 tools/plot_fields.py run/main/mogp.h5 run/main/aemet.h5 run/main/fashion_mnist.h5
echo "data job: done in $(( $(date +%s) - start )) s; outputs in run/main/"
