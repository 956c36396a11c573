#!/usr/bin/env bash
# The data pipeline on 2 MPI ranks: MoGP curves, AEMET temperature curves and Fashion-MNIST
# images into HDF5 field files under run/main/, then plots them (run/main/*.png). Builds first if
# needed (tools/setup.sh).
#   bash jobs/local/data.sh          (FIELDGEN_LAUNCH="srun" under Slurm)
set -euo pipefail
source "$(dirname "$0")/environment.sh"
mkdir -p run/main
start=$(date +%s)
for deck in mogp_data aemet_data fashion_mnist_data; do
  $launch build/bin/fieldgen data --config "input/$deck.cfg"
done
/usr/bin/python3 tools/plot_fields.py run/main/mogp.h5 run/main/aemet.h5 run/main/fashion_mnist.h5
echo "data job: done in $(( $(date +%s) - start )) s; outputs in run/main/"
