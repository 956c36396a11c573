#!/usr/bin/env bash
# Conditional FuncDiff on AEMET (input/aemet_conditional*.cfg) on 2 MPI ranks: hold out 4
# stations, train on the other 69, then for each held-out station observe a few of its days
# (tools/observations.py, evenly spread) and sample hard (n_free = 0: through the observations)
# and soft (n_free = 150) conditional curves; evaluate each set against GP regression given the
# same days and against the station's true curve, and plot (eval_conditional.png: conditional
# samples vs the GP mean +- 2 std band vs the truth). Also unconditional samples of the model vs
# the held-out curves (eval_curves.png). Outputs in run/aemet_conditional/ (station<k>/eval_hard,
# station<k>/eval_soft). Builds first if needed (tools/setup.sh).
#   bash jobs/local/aemet_conditional.sh   (FIELDGEN_LAUNCH="srun" from the .sbatch script)
# Environment: AEMET_DAYS observed days per station (default 6), AEMET_COUNT conditional curves
# per station and mode (default 10).
set -euo pipefail
source "$(dirname "$0")/environment.sh"
days=${AEMET_DAYS:-6}
count=${AEMET_COUNT:-10}
out=run/aemet_conditional
mkdir -p "$out"
start=$(date +%s)
$launch build/bin/fieldgen data --config input/aemet_conditional_data.cfg
$launch build/bin/fieldgen train --config input/aemet_conditional.cfg
$launch build/bin/fieldgen sample --config input/aemet_conditional.cfg
held=$(/usr/bin/python3 -c "import h5py; print(h5py.File('$out/heldout.h5', 'r')['fields'].shape[0])")
for ((k = 0; k < held; k++)); do
  dir=$out/station$k
  mkdir -p "$dir"
  /usr/bin/python3 tools/observations.py "$out/heldout.h5" "$dir/observations.csv" --sample "$k" \
    --count "$days"
  for mode in hard:0 soft:150; do
    name=${mode%%:*}
    $launch build/bin/fieldgen sample --config input/aemet_conditional.cfg \
      --sample.observations="$dir/observations.csv" --sample.n_free="${mode##*:}" \
      --sample.count="$count" --sample.batch="$(( (count + 1) / 2 ))" --sample.output="$dir/$name.h5"
    $launch build/bin/fieldgen eval --config input/aemet_conditional_eval.cfg \
      --conditional.observations="$dir/observations.csv" --conditional.samples="$dir/$name.h5" \
      --conditional.truth_index="$k" --output.dir="$dir/eval_$name"
    /usr/bin/python3 tools/plot_eval.py "$dir/eval_$name"
  done
done
echo "aemet_conditional job: done in $(( $(date +%s) - start )) s; plots in $out/station*/eval_*/"
