#!/usr/bin/env bash
# The 2-D Matern case with resolution transfer: FuncDiff trained on 64 x 64 Gaussian random
# fields (input/matern2d_data.cfg), sampled at 64 x 64, 128 x 128 and 256 x 256 with the same
# weights (the FNO is resolution-free; the SPDE noise is rebuilt on each sampling grid), each
# generated set evaluated against fresh draws of the data law at its resolution
# (input/matern2d_ref<n>.cfg). As a floor for the metrics, a second fresh set of as many fields as
# were generated is evaluated against the same reference ("data vs data"). Outputs in
# run/matern2d/: eval<n>/ and floor<n>/ (metrics.json, eval_fields.png, eval_stats.png) and
# transfer.png (radial spectra at every resolution) with a metrics table on stdout.
#   bash jobs/local/matern2d.sh      (FIELDGEN_LAUNCH="srun" when called from jobs/slurm/matern2d.sbatch)
set -euo pipefail
source "$(dirname "$0")/environment.sh"
fieldgen() { $launch build/bin/fieldgen "$@"; }
out=run/matern2d
mkdir -p $out
start=$(date +%s)
stamp() { echo "[matern2d] $1: $(($(date +%s) - start)) s"; }

for deck in matern2d_data matern2d_ref64 matern2d_ref128 matern2d_ref256; do
  fieldgen data --config "input/$deck.cfg"
done
stamp "data"
fieldgen train --config input/matern2d.cfg
stamp "train"
# Generated fields per resolution (sampling cost grows with the points: one SPDE solve per field
# and step).
declare -A count=([64]=32 [128]=16 [256]=8)
for n in 64 128 256; do
  # Two chunks, one per rank (sample.batch fields per chunk; chunks are split over the ranks).
  fieldgen sample --config input/matern2d.cfg --sample.points=$n --sample.count=${count[$n]} \
    --sample.batch=$((count[$n] / 2)) --sample.output=$out/samples$n.h5
  stamp "sample ${n}x$n (${count[$n]} fields)"
  fieldgen data --config "input/matern2d_ref$n.cfg" --data.n=${count[$n]} --data.seed=$((200 + n)) \
    --output.path=$out/floor$n.h5 >/dev/null
  fieldgen eval --eval.generated=$out/samples$n.h5 --eval.reference=$out/ref$n.h5 \
    --output.dir=$out/eval$n
  fieldgen eval --eval.generated=$out/floor$n.h5 --eval.reference=$out/ref$n.h5 \
    --output.dir=$out/floor$n >/dev/null
  /usr/bin/python3 tools/plot_eval.py $out/eval$n --samples 8
done
/usr/bin/python3 tools/plot_transfer.py $out/transfer.png $out/eval64 $out/eval128 $out/eval256 \
  --floor $out/floor64 $out/floor128 $out/floor256
stamp "done; outputs in $out/"
