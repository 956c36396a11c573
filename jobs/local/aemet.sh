#!/usr/bin/env bash
# FuncDiff on AEMET temperature curves (input/aemet.cfg) on 2 MPI ranks: import the CSV rescaled
# to [-3, 3], train, sample, evaluate the samples against the 73 data curves beside an
# FPCA-Gaussian baseline, plot. Outputs in run/aemet/ (metrics: run/aemet/eval/metrics.json,
# plots: run/aemet/eval/eval_curves.png). Builds first if needed (tools/setup.sh).
#   bash jobs/local/aemet.sh      (FIELDGEN_LAUNCH="srun" when called from jobs/slurm/aemet.sbatch)
set -euo pipefail
source "$(dirname "$0")/environment.sh"
out=run/aemet
mkdir -p "$out"
start=$(date +%s)
$launch build/bin/fieldgen data --config input/aemet_data.cfg --output.path="$out/aemet.h5"
$launch build/bin/fieldgen train --config input/aemet.cfg
$launch build/bin/fieldgen sample --config input/aemet.cfg
# FPCA baseline with 10 components (of at most 72 for 73 curves), as many draws as samples.
$launch build/bin/fieldgen eval --eval.generated="$out/samples.h5" --eval.reference="$out/aemet.h5" \
  --eval.baseline=fpca --eval.fpca_components=10 --output.dir="$out/eval"
/usr/bin/python3 tools/plot_eval.py "$out/eval"
echo "aemet job: done in $(( $(date +%s) - start )) s; metrics in $out/eval/metrics.json"
