#!/usr/bin/env bash
# The GNO case on randomly placed points (input/gno_mogp.cfg) on 2 MPI ranks: MoGP curves on one
# random 64-point set (input/gno_mogp_data.cfg), train the graph neural operator there, then
# sample on three point sets and evaluate each against fresh MoGP curves on the same points:
#   train/  the training point set           vs the training curves
#   grid/   a regular 128-point grid          vs 1000 MoGP curves on that grid
#   fresh/  a fresh random set of 100 points  vs 1000 MoGP curves on that set
# and conditional samples given 3 observations off every one of those sets (the GNO adds the
# observed points to the grid it samples on; plot run/gno/conditional.png). Outputs in run/gno/
# (metrics: run/gno/<set>/metrics.json, plots: run/gno/<set>/eval_curves.png). On scattered points only
# the pointwise statistics and densities are meaningful (autocorrelation and spectra assume a
# uniform grid). Builds first if needed (tools/setup.sh).
#   bash jobs/local/gno.sh         (FIELDGEN_LAUNCH="srun" when called from jobs/slurm/gno.sbatch)
set -euo pipefail
source "$(dirname "$0")/environment.sh"
fieldgen() { $launch build/bin/fieldgen "$@"; }
out=run/gno
deck=input/gno_mogp.cfg
mkdir -p "$out"
start=$(date +%s)
fieldgen data --config input/gno_mogp_data.cfg
# Reference curves on the other point sets (other data seeds: independent of the training set).
fieldgen data --data.n=1000 --data.points=128 --data.seed=11 --output.path="$out/ref_grid.h5"
fieldgen data --data.n=1000 --data.points=100 --data.layout=random --data.seed=12 \
  --output.path="$out/ref_fresh.h5"
fieldgen train --config "$deck"
fieldgen sample --config "$deck" --sample.points_from="$out/mogp_random.h5" \
  --sample.output="$out/samples_train.h5"
fieldgen sample --config "$deck" --sample.points=128 --sample.output="$out/samples_grid.h5"
fieldgen sample --config "$deck" --sample.points_from="$out/ref_fresh.h5" \
  --sample.output="$out/samples_fresh.h5"
for set in train grid fresh; do
  case $set in
    train) ref="$out/mogp_random.h5" ;;
    grid) ref="$out/ref_grid.h5" ;;
    fresh) ref="$out/ref_fresh.h5" ;;
  esac
  fieldgen eval --eval.generated="$out/samples_$set.h5" --eval.reference="$ref" \
    --output.dir="$out/$set"
  /usr/bin/python3 tools/plot_eval.py "$out/$set"
done
printf 'x,y\n0.1234,-3.5\n0.5321,0.2\n0.8765,3.9\n' >"$out/observations.csv"
fieldgen sample --config "$deck" --sample.points=128 --sample.count=10 --sample.batch=5 \
  --sample.observations="$out/observations.csv" --sample.output="$out/samples_conditional.h5"
/usr/bin/python3 tools/plot_conditional_points.py "$out/samples_conditional.h5" \
  "$out/observations.csv" "$out/conditional.png"
echo "gno job: done in $(( $(date +%s) - start )) s; metrics in $out/{train,grid,fresh}/metrics.json"
