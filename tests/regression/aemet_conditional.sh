#!/usr/bin/env bash
# Conditional generation on held-out AEMET stations, end to end on a tiny model (T = 20, 4 steps):
# `fieldgen data --data.holdout` splits the rescaled curves into train / held-out files (checked
# row by row against an unsplit import: one shared scale, rows in the listed order), its error
# paths name the key; tools/observations.py writes a held-out station's days; hard-conditioned
# samples (n_free = 0) at 2 ranks pass through the observations to float precision and vary
# elsewhere, soft ones (n_free > 0) do not pin them; `fieldgen eval` with conditional.truth
# reports both comparisons and tools/plot_eval.py draws eval_conditional.png.
# Arguments: $1 fieldgen binary, $2 mpiexec, $3 shared dir (holds data/aemet.csv).
set -u
fieldgen=$1
mpiexec=$2
shared=$3
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
run() { # run <ranks> <command> <args...>
  local np=$1
  shift
  timeout 120 "$mpiexec" -np "$np" --oversubscribe "$fieldgen" "$@"
}
py=/usr/bin/python3
csv=$shared/data/aemet.csv
[ -r "$csv" ] || {
  echo "SKIP: no $csv"
  exit 0
}
import=(--data.kind=csv --data.csv_path="$csv" --data.rescale=true)

run 2 data "${import[@]}" --output.path=all.h5 >all.txt 2>&1 || fail "import: $(cat all.txt)"
run 2 data "${import[@]}" --data.holdout="5, 1" --output.path=train.h5 \
  --output.holdout_path=held.h5 >split.txt 2>&1 || fail "split: $(cat split.txt)"
grep -q "held out  2 samples" split.txt || fail "the summary does not report the held-out rows"
$py - <<'PY' || fail "train / held-out files do not match the unsplit import"
import h5py, numpy as np
a = h5py.File("all.h5", "r")["fields"][:, 0]
t = h5py.File("train.h5", "r")["fields"][:, 0]
h = h5py.File("held.h5", "r")["fields"][:, 0]
assert h.shape == (2, 365) and t.shape == (71, 365), (h.shape, t.shape)
assert np.array_equal(h[0], a[5]) and np.array_equal(h[1], a[1])
assert np.array_equal(t, np.delete(a, [1, 5], axis=0))
PY

expect_error() { # expect_error <pattern> <data args...>
  local pattern=$1
  shift
  run 1 data "$@" >err.txt 2>&1 && fail "accepted: $*"
  grep -i error err.txt | grep -q -- "$pattern" || fail "error for '$*' lacks '$pattern': $(cat err.txt)"
}
expect_error "output.holdout_path" "${import[@]}" --data.holdout=3 --output.path=x.h5
expect_error "held-out row 99 does not exist (73 rows)" "${import[@]}" --data.holdout=99 \
  --output.path=x.h5 --output.holdout_path=y.h5
expect_error "data.holdout = '1,,2'" "${import[@]}" --data.holdout=1,,2 --output.path=x.h5 \
  --output.holdout_path=y.h5
expect_error "data.holdout applies to data.kind = csv" --data.holdout=1 --output.path=x.h5 \
  --output.holdout_path=y.h5
[ -e x.h5 ] && fail "a refused split left an output file"

# Station 1 of the held-out file (row 1 of the CSV), 5 days evenly spread.
$py "$source_dir/tools/observations.py" held.h5 obs.csv --sample 1 --count 5 >/dev/null ||
  fail "observations.py"
[ "$(wc -l <obs.csv)" -eq 6 ] || fail "observations.py did not write 5 rows: $(cat obs.csv)"
$py "$source_dir/tools/observations.py" held.h5 bad.csv --sample 2 --count 5 >/dev/null 2>&1 &&
  fail "observations.py accepted a sample that does not exist"

tiny=(--data.path=train.h5 --model.width=8 --model.modes=4 --model.depth=2 --model.projection=16
  --schedule.steps=20 --train.batch=8 --measure.kernel=matern32 --train.checkpoint=ck.h5)
run 2 train "${tiny[@]}" --train.steps=4 --train.log_every=0 >train.txt 2>&1 ||
  fail "train: $(cat train.txt)"
for mode in hard:0 soft:10; do
  run 2 sample "${tiny[@]}" --sample.count=6 --sample.batch=3 --sample.points=365 \
    --sample.observations=obs.csv --sample.n_free="${mode##*:}" \
    --sample.output="${mode%%:*}.h5" >"${mode%%:*}.txt" 2>&1 || fail "sample $mode: $(cat "${mode%%:*}.txt")"
done
# Hard: every sample equals y at the observed points (float precision), not elsewhere.
$py - <<'PY' || fail "hard-conditioned samples do not pass through the observations"
import h5py, numpy as np
obs = np.loadtxt("obs.csv", delimiter=",", skiprows=1)
j = np.rint(obs[:, 0] * 364).astype(int)
u = h5py.File("hard.h5", "r")["fields"][:, 0]
gap = np.abs(u[:, j] - obs[:, 1])
assert gap.max() <= 1e-6 * max(1.0, np.abs(obs[:, 1]).max()), gap.max()
free = np.setdiff1d(np.arange(365), j)
assert u[:, free].std(axis=0).min() > 1e-3, "samples do not vary off the observations"
s = h5py.File("soft.h5", "r")["fields"][:, 0]
assert np.abs(s[:, j] - obs[:, 1]).max() > 1e-4, "soft conditioning pinned the observations"
PY

run 2 eval --eval.generated=hard.h5 --eval.reference=held.h5 --conditional.observations=obs.csv \
  --conditional.samples=hard.h5 --conditional.truth=held.h5 --conditional.truth_index=1 \
  --output.dir=ev >eval.txt 2>&1 || fail "eval: $(cat eval.txt)"
grep -q "mean vs truth: GP regression mse" eval.txt || fail "eval does not report the truth comparison"
$py - <<'PY' || fail "metrics.json lacks the conditional comparison"
import json, h5py, numpy as np
c = json.load(open("ev/metrics.json"))["conditional"]
truth = h5py.File("held.h5", "r")["fields"][1, 0]
assert np.allclose(c["truth"], truth)
assert c["samples_max_abs_at_observations"] <= 1e-5, c["samples_max_abs_at_observations"]
for k in ("gp_mean_mse_vs_truth", "samples_mean_mse_vs_truth", "gp_mean", "gp_std"):
    assert k in c, k
PY
run 2 eval --eval.generated=hard.h5 --eval.reference=held.h5 --conditional.observations=obs.csv \
  --conditional.truth=held.h5 --conditional.truth_index=2 --output.dir=ev2 >bad.txt 2>&1 &&
  fail "a truth index past the file was accepted"
grep -i error bad.txt | grep -q "conditional.truth_index = 2" || fail "truth index error: $(cat bad.txt)"
if $py -c "import matplotlib" 2>/dev/null; then
  $py "$source_dir/tools/plot_eval.py" ev >plot.txt 2>&1 || fail "plot_eval: $(cat plot.txt)"
  [ -s ev/eval_conditional.png ] || fail "no ev/eval_conditional.png"
fi

[ "$failures" -eq 0 ] && echo "aemet_conditional: all checks passed"
exit "$failures"
