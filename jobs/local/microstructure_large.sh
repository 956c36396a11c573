#!/usr/bin/env bash
# Large-domain Discrete Spatial Diffusion: one 1024x1024 microstructure sampled by the rate
# network trained on 64x64 patches (jobs/local/microstructure.sh must have trained it), the
# lattice decomposed over the ranks (input/microstructure_large.cfg), once on 1 rank and once with
# the job's launcher (2 ranks by default): the job fails unless both give the same counts hash.
# The field is evaluated against two 1024x1024 fields of the training generator (same length
# scale in sites: 0.06 x 64 / 1024 = 0.00375 of the box). Outputs in run/microstructure/.
#   bash jobs/local/microstructure_large.sh   (the .sbatch script sets FIELDGEN_LAUNCH="srun" and
#                                            FIELDGEN_LAUNCH_ONE="srun -n 1")
set -euo pipefail
source "$(dirname "$0")/environment.sh"
out=run/microstructure
[ -f $out/checkpoint.h5 ] || { echo "run jobs/local/microstructure.sh first (no $out/checkpoint.h5)"; exit 1; }
decks=(--config input/microstructure_dsd.cfg --config input/microstructure_large.cfg)

$launch build/bin/fieldgen dsd-sample "${decks[@]}" | tee $out/large_ranks.txt
stamp "1024x1024 with '$launch'"
${FIELDGEN_LAUNCH_ONE:-mpirun -np 1} build/bin/fieldgen dsd-sample "${decks[@]}" \
  --sample.output=$out/large_1rank.h5 | tee $out/large_1rank.txt
stamp "1024x1024 on 1 rank"
a=$(grep -o "counts hash [0-9a-f]*" $out/large_ranks.txt)
b=$(grep -o "counts hash [0-9a-f]*" $out/large_1rank.txt)
echo "[microstructure_large] '$launch': $a; 1 rank: $b"
[ -n "$a" ] && [ "$a" = "$b" ] || { echo "[microstructure_large] FAIL: the fields differ"; exit 1; }

$launch build/bin/fieldgen data --config input/microstructure_data.cfg --data.n=2 \
  --data.shape=1024,1024 --data.length_scale=0.00375 --data.seed=21 --output.path=$out/large_ref.h5
$launch build/bin/fieldgen eval --eval.generated=$out/large.h5 --eval.reference=$out/large_ref.h5 \
  --eval.max_lag=64 --output.dir=$out/eval_large
/usr/bin/python3 tools/plot_eval.py $out/eval_large --samples 1
check $out/eval_large/metrics.json 'mass.violations<0.5'
stamp "done; outputs in $out/"
exit $failed
