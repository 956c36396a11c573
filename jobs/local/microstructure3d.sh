#!/usr/bin/env bash
# Discrete Spatial Diffusion on 3-D two-phase microstructures (24^3 periodic): generates the
# training set (input/microstructure3d_dsd_data.cfg), trains the 3-D local-only U-Net
# (input/microstructure3d_dsd.cfg), samples 8 fields from forward-noised training fields and
# evaluates them against those fields (mass of every sample, S2 per axis, interface, chords).
# Outputs in run/microstructure3d/. FIELDGEN_REUSE=1 skips training when the checkpoint exists.
#   bash jobs/local/microstructure3d.sh   (FIELDGEN_LAUNCH="srun" from the .sbatch script)
set -euo pipefail
source "$(dirname "$0")/environment.sh"
fieldgen() { $launch build/bin/fieldgen "$@"; }
out=run/microstructure3d
mkdir -p $out
model=(--config input/microstructure3d_dsd.cfg)

fieldgen data --config input/microstructure3d_dsd_data.cfg
train_or_reuse $out/checkpoint.h5 "${model[@]}"
fieldgen dsd-sample "${model[@]}"
stamp "samples"
fieldgen eval --eval.generated=$out/samples.h5 --eval.reference=$out/train.h5 \
  --eval.max_samples=8 --output.dir=$out/eval
/usr/bin/python3 tools/plot_eval.py $out/eval --samples 8
check $out/eval/metrics.json 'mass.violations<0.5'
stamp "done; outputs in $out/"
exit $failed
