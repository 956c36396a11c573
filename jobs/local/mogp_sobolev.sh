#!/usr/bin/env bash
# FuncDiff on MoGP with the Sobolev H^1 loss (input/mogp_sobolev.cfg) on 2 MPI ranks: generate the
# 2000 curves, train, sample 500 curves, evaluate them against the training curves beside an
# FPCA-Gaussian baseline, plot. Outputs in run/mogp_sobolev/ (metrics:
# run/mogp_sobolev/eval/metrics.json, plots: run/mogp_sobolev/eval/eval_curves.png); compare with
# the L2 main job's metrics. Builds first if needed (tools/setup.sh).
#   bash jobs/local/mogp_sobolev.sh   (FIELDGEN_LAUNCH="srun" from jobs/slurm/mogp_sobolev.sbatch)
set -euo pipefail
source "$(dirname "$0")/environment.sh"
out=run/mogp_sobolev
mkdir -p "$out"
start=$(date +%s)
$launch build/bin/fieldgen data --config input/mogp_data.cfg --output.path="$out/mogp.h5"
$launch build/bin/fieldgen train --config input/mogp_sobolev.cfg
$launch build/bin/fieldgen sample --config input/mogp_sobolev.cfg
$launch build/bin/fieldgen eval --eval.generated="$out/samples.h5" --eval.reference="$out/mogp.h5" \
  --eval.baseline=fpca --output.dir="$out/eval"
/usr/bin/python3 tools/plot_eval.py "$out/eval"
echo "mogp_sobolev job: done in $(( $(date +%s) - start )) s; metrics in $out/eval/metrics.json"
