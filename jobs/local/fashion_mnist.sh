#!/usr/bin/env bash
# Discrete Spatial Diffusion on Fashion-MNIST (16 intensity levels): one class-conditional model
# (input/fashion_mnist_dsd.cfg, label dropout) sampled in four cases, each a case deck on top of
# the model deck:
#   class-conditional  5 per class            -> run/fashion/eval_classes/eval_counts_classes.png
#   unconditional      10                     -> run/fashion/eval_unconditional/
#   inpainting         central 14x14 of a training boot, 8 times     -> run/fashion/inpaint.png
#   mass-conditioned   the data mass x 1.15 and x 0.85, 1 per class  -> run/fashion/mass*.png
# Every run is evaluated against the 10,000 test images (held out from training) with
# `fieldgen eval`: mass of every sample, intensity histogram vs the terminal configurations the
# runs started from, nearest-neighbour distances to the training set. The job fails (exit 1) if
# a sample lacks its requested mass or the class-conditional histogram distance is not at least
# 10x below the terminal one. FIELDGEN_REUSE=1 skips training when the checkpoint exists.
#   bash jobs/local/fashion_mnist.sh      (FIELDGEN_LAUNCH="srun" from jobs/slurm/fashion_mnist.sbatch)
set -euo pipefail
source "$(dirname "$0")/environment.sh"
fieldgen() { $launch build/bin/fieldgen "$@"; }
out=run/fashion
mkdir -p $out
model=(--config input/fashion_mnist_dsd.cfg)

fieldgen data --config input/fashion_mnist_dsd_data.cfg
fieldgen data --config input/fashion_mnist_dsd_data.cfg --output.path=$out/test.h5 \
  --data.idx_images=/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz \
  --data.idx_labels=/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz
fieldgen data --config input/fashion_mnist_mask.cfg
stamp "data"
train_or_reuse $out/checkpoint.h5 "${model[@]}"

evaluate() { # evaluate <samples.h5> <eval dir> [extra eval keys]
  local samples=$1 dir=$2
  shift 2
  fieldgen eval --eval.generated="$samples" --eval.reference=$out/test.h5 --eval.max_samples=2000 \
    --eval.training=$out/train.h5 --output.dir="$dir" "$@"
  /usr/bin/python3 tools/plot_eval.py "$dir" --samples 10
  check "$dir/metrics.json" 'mass.violations<0.5'
}

fieldgen dsd-sample "${model[@]}"
stamp "class-conditional samples"
evaluate $out/classes.h5 $out/eval_classes --eval.terminal=$out/classes_terminal.h5
check $out/eval_classes/metrics.json \
  'intensity_histogram.terminal_over_generated>10'

fieldgen dsd-sample "${model[@]}" --config input/fashion_mnist_unconditional.cfg
evaluate $out/unconditional.h5 $out/eval_unconditional \
  --eval.terminal=$out/unconditional_terminal.h5
stamp "unconditional samples"

fieldgen dsd-sample "${model[@]}" --config input/fashion_mnist_inpaint.cfg
evaluate $out/inpaint.h5 $out/eval_inpaint
stamp "inpainting"

fieldgen dsd-sample "${model[@]}" --config input/fashion_mnist_mass.cfg
fieldgen dsd-sample "${model[@]}" --config input/fashion_mnist_mass.cfg \
  --sample.mass_factor=0.85 --sample.output=$out/mass085.h5
for m in mass115 mass085; do evaluate $out/$m.h5 $out/eval_$m; done
stamp "mass-conditioned"
/usr/bin/python3 tools/plot_fields.py $out/inpaint.h5 $out/mass115.h5 $out/mass085.h5 --samples 20
stamp "done; outputs in $out/"
exit $failed
