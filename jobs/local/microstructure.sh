#!/usr/bin/env bash
# Discrete Spatial Diffusion on 2-D two-phase microstructures (64x64 periodic, pore = 1 unit):
# trains the local-only U-Net rate network (input/microstructure_dsd.cfg), then
#   unconditional       256 samples, each started from a forward-noised training field (so each
#                       has the mass, hence the porosity, of training field g), evaluated against
#                       the 1000 held-out fields (input/microstructure_heldout.cfg, another seed):
#                       mass of every sample, S2(r) within 0.01 at every lag, interface length
#                       per area within 10% (exit 1 otherwise); 256 samples, as two sets of 64
#                       data fields already differ by up to 0.019 in S2 at half-box lags;
#   porosity-conditioned  16 samples each at porosity 0.4 +- 2 sigma (0.518 and 0.282), from a
#                       uniform scatter (input/microstructure_porosity.cfg), mass-checked.
# Outputs in run/microstructure/ (eval*/ with metrics.json and plots). FIELDGEN_REUSE=1 skips
# training when the checkpoint exists. The large-domain case is jobs/local/microstructure_large.sh.
#   bash jobs/local/microstructure.sh   (FIELDGEN_LAUNCH="srun" from jobs/slurm/microstructure.sbatch)
set -euo pipefail
source "$(dirname "$0")/environment.sh"
fieldgen() { $launch build/bin/fieldgen "$@"; }
out=run/microstructure
mkdir -p $out
model=(--config input/microstructure_dsd.cfg)

fieldgen data --config input/microstructure_data.cfg
fieldgen data --config input/microstructure_heldout.cfg
stamp "data"
train_or_reuse $out/checkpoint.h5 "${model[@]}"

fieldgen dsd-sample "${model[@]}"
stamp "unconditional samples"
fieldgen eval --eval.generated=$out/samples.h5 --eval.reference=$out/heldout.h5 \
  --output.dir=$out/eval
/usr/bin/python3 tools/plot_eval.py $out/eval --samples 8
check $out/eval/metrics.json 'mass.violations<0.5' \
  's2.max_abs_difference<0.01' 'interface_per_area.relative_difference<0.1' \
  'interface_per_area.relative_difference>-0.1'

fieldgen dsd-sample "${model[@]}" --config input/microstructure_porosity.cfg
fieldgen dsd-sample "${model[@]}" --config input/microstructure_porosity.cfg --sample.mass=1155 \
  --sample.output=$out/porosity_low.h5
for p in high low; do
  fieldgen eval --eval.generated=$out/porosity_$p.h5 --eval.reference=$out/train.h5 \
    --output.dir=$out/eval_porosity_$p
  /usr/bin/python3 tools/plot_eval.py $out/eval_porosity_$p --samples 8
  check $out/eval_porosity_$p/metrics.json 'mass.violations<0.5'
done
stamp "done; outputs in $out/"
exit $failed
