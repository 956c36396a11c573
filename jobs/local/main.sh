#!/usr/bin/env bash
# The README's main job: FuncDiff on MoGP curves with the reference settings (input/mogp.cfg) on
# 2 MPI ranks: generate the 2000 training curves, train, sample 500 curves, evaluate them against
# the training set, plot, and check the metrics against the thresholds of the project
# (pointwise mean and std within 0.25 everywhere, autocorrelation MSE < 1e-4, density MSE < 1e-5).
# Builds first if needed (tools/setup.sh). Exit status 1 if a threshold is missed.
#   bash jobs/local/main.sh          (FIELDGEN_LAUNCH="srun" when called from jobs/slurm/main.sbatch)
# MAIN_EPOCHS overrides the training length (default below; the deck's reference value is 20).
set -euo pipefail
source "$(dirname "$0")/environment.sh"
epochs=${MAIN_EPOCHS:-60}
out=run/main
mkdir -p "$out"
start=$(date +%s)
$launch build/bin/fieldgen data --config input/mogp_data.cfg
$launch build/bin/fieldgen train --config input/mogp.cfg --train.epochs="$epochs"
$launch build/bin/fieldgen sample --config input/mogp.cfg
$launch build/bin/fieldgen eval --eval.generated="$out/mogp_samples.h5" \
  --eval.reference="$out/mogp.h5" --eval.baseline=fpca --output.dir="$out/eval"
/usr/bin/python3 tools/plot_eval.py "$out/eval"
echo "main job: done in $(($(date +%s) - start)) s; outputs in $out/ (metrics: $out/eval/metrics.json)"
/usr/bin/python3 tools/check_metrics.py "$out/eval/metrics.json" \
  'generated_vs_reference.mean_max_abs<0.25' 'generated_vs_reference.std_max_abs<0.25' \
  'generated_vs_reference.autocorrelation_mse<1e-4' 'generated_vs_reference.density_mse<1e-5'
