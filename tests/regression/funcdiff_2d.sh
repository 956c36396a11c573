#!/usr/bin/env bash
# FuncDiff on 2-D fields end to end with resolution transfer, on a tiny model: Matern random
# fields (fieldgen data kind grf) on a periodic 16 x 16 grid, training at 2 ranks (model.dim and
# measure.boundary taken from the data file and recorded in the checkpoint), sampling at 16 x 16
# and 32 x 32 at 2 ranks (and at 1 rank: bitwise the same fields), eval of each set against fresh
# fields at its resolution. Asserted: the generated files have the requested shape [N, 1, n, n],
# periodic axes and finite values (h5py), the metrics (radial spectrum and its log MSE included)
# are finite; kernel-Gram noise on a reflecting grid trains and samples at another resolution; and
# the error paths: an explicit model.dim or measure.boundary that contradicts the data, and
# observations on a 2-D model, fail with one error line naming the key.
# Arguments: $1 fieldgen binary, $2 mpiexec, $3 shared dir (unused here).
set -u
fieldgen=$1
mpiexec=$2
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
grf=(--data.kind=grf --data.dim=2 --data.boundary=periodic --data.order=2 --data.length_scale=0.2)
tiny=(--data.path=train.h5 --model.width=4 --model.modes=3 --model.depth=1 --model.projection=8
  --measure.family=spde --measure.length_scale=0.2 --schedule.steps=8 --schedule.beta_max=0.3
  --train.batch=4 --train.log_every=0 --train.checkpoint=ck.h5 --sample.count=3 --sample.batch=2)

run 1 data "${grf[@]}" --data.n=8 --data.points=16 --output.path=train.h5 >/dev/null || fail "data"
run 2 train "${tiny[@]}" --train.steps=3 >train.txt 2>&1 || fail "train: $(cat train.txt)"
grep -q "fields on 16x16 .*periodic: yes,yes" train.txt || fail "train log lacks the 2-D grid: $(cat train.txt)"

for n in 16 32; do
  run 2 sample "${tiny[@]}" --sample.points=$n --sample.output=s$n.h5 >sample$n.txt 2>&1 ||
    fail "sample at $n: $(cat sample$n.txt)"
  grep -q "3 fields on ${n}x$n" sample$n.txt || fail "sample log at $n: $(cat sample$n.txt)"
  run 1 data "${grf[@]}" --data.n=6 --data.points=$n --data.seed=7 --output.path=ref$n.h5 >/dev/null ||
    fail "reference data at $n"
  run 2 eval --eval.generated=s$n.h5 --eval.reference=ref$n.h5 --output.dir=eval$n >eval$n.txt 2>&1 ||
    fail "eval at $n: $(cat eval$n.txt)"
done
run 1 sample "${tiny[@]}" --sample.points=32 --sample.output=serial32.h5 >/dev/null 2>&1 ||
  fail "sample at 1 rank"

/usr/bin/python3 - <<'PY' || fail "shape / finiteness / rank-independence checks"
import json
import h5py
import numpy as np
for n in (16, 32):
    with h5py.File(f"s{n}.h5", "r") as f:
        u = f["fields"][...]
        assert u.shape == (3, 1, n, n), (n, u.shape)
        assert np.isfinite(u).all() and u.std() > 0, n
        assert list(f["fields"].attrs["periodic"]) == [1, 1], f["fields"].attrs["periodic"]
    m = json.load(open(f"eval{n}/metrics.json"))
    assert m["shape"] == [n, n], m["shape"]
    g = m["generated_vs_reference"]
    for k in ("mean_mse", "std_mse", "density_mse", "spectrum_mse", "spectrum_log_mse"):
        assert g[k] is not None and np.isfinite(g[k]), (n, k, g[k])
    assert len(m["curves"]["generated"]["spectrum"]) == n // 2 + 1
with h5py.File("s32.h5", "r") as a, h5py.File("serial32.h5", "r") as b:
    assert np.array_equal(a["fields"][...], b["fields"][...]), "1 and 2 ranks differ"
PY

# Kernel-Gram noise on a reflecting (non-periodic) 2-D grid, sampled at another resolution.
run 1 data --data.kind=grf --data.dim=2 --data.boundary=reflecting --data.length_scale=0.2 \
  --data.n=4 --data.points=12 --output.path=refl.h5 >/dev/null || fail "reflecting data"
kernel=(--data.path=refl.h5 --model.width=4 --model.modes=3 --model.depth=1 --model.projection=8
  --measure.family=kernel --measure.length_scale=0.2 --schedule.steps=8 --train.batch=4
  --train.checkpoint=kernel.h5 --sample.count=3)
run 1 train "${kernel[@]}" --train.steps=1 >kernel.txt 2>&1 || fail "kernel train: $(cat kernel.txt)"
run 1 sample "${kernel[@]}" --sample.points=20 --sample.output=kernel20.h5 >kernel.txt 2>&1 ||
  fail "kernel sample: $(cat kernel.txt)"
grep -q "3 fields on 20x20 .*periodic: no,no" kernel.txt || fail "kernel sample log: $(cat kernel.txt)"

run 1 train "${tiny[@]}" --train.steps=1 --model.dim=1 >bad.txt 2>&1 &&
  fail "model.dim = 1 accepted for 2-D data"
grep -i error bad.txt | grep -q "model.dim = 1 but train.h5" || fail "model.dim error: $(cat bad.txt)"
run 1 sample "${tiny[@]}" --measure.boundary=reflecting --sample.output=bad.h5 >bad.txt 2>&1 &&
  fail "measure.boundary = reflecting accepted for a periodic model"
grep -i error bad.txt | grep -q "measure.boundary = reflecting" || fail "boundary error: $(cat bad.txt)"
printf 'x,y\n0,1\n' >obs.csv
run 1 sample "${tiny[@]}" --sample.observations=obs.csv --sample.output=bad.h5 >bad.txt 2>&1 &&
  fail "observations accepted on a 2-D model"
[ "$(grep -ci error bad.txt)" -eq 1 ] && grep -q "1-D curves" bad.txt || fail "2-D observations error: $(cat bad.txt)"
[ -e bad.h5 ] && fail "a failed run left an output file"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "funcdiff 2-D: all checks passed"
