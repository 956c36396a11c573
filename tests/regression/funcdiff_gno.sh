#!/usr/bin/env bash
# `fieldgen data/train/sample` with the GNO on scattered points, end to end on a tiny model
# (T = 10, 32 MoGP curves on 20 random points): the data file carries /coords; training at 2 ranks;
# sampling on a regular 40-point grid and on the 30 points of a fresh random set (another point
# set than the training one), each output with the right shape, finite values and /coords when
# scattered; conditioning on an off-grid observation adds that point and passes through it; the
# errors: an FNO on scattered data, an SPDE measure on scattered points.
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
tiny=(--data.path=data.h5 --model.kind=gno --model.gno_width=4 --model.gno_kernel_width=8
  --model.gno_depth=2 --model.gno_radius=0.3 --schedule.steps=10 --train.batch=8
  --train.log_every=2 --measure.length_scale=0.2 --train.checkpoint=ck.h5)
# h5 <file> <python expression on f (the open file)>: prints the value.
h5() { /usr/bin/python3 -c "import h5py, numpy as np; f = h5py.File('$1', 'r'); print($2)"; }

run 2 data --data.n=32 --data.points=20 --data.layout=random --output.path=data.h5 >data.txt 2>&1 ||
  fail "data: $(cat data.txt)"
[ "$(h5 data.h5 'f["coords"].shape')" = "(32, 20, 1)" ] || fail "data.h5 has no /coords [32, 20, 1]"
run 1 data --data.n=4 --data.points=30 --data.layout=random --data.seed=7 --output.path=other.h5 \
  >/dev/null 2>&1 || fail "second point set"

run 2 train "${tiny[@]}" --train.steps=4 >train.txt 2>&1 || fail "train: $(cat train.txt)"
grep -q "step 4/4" train.txt || fail "no progress line 'step 4/4'"
grep -q "20 scattered points" train.txt || fail "train does not report the scattered points"

run 2 sample "${tiny[@]}" --sample.count=5 --sample.points=40 --sample.batch=2 \
  --sample.output=grid.h5 >grid.txt 2>&1 || fail "sample on a grid: $(cat grid.txt)"
[ "$(h5 grid.h5 'f["fields"].shape')" = "(5, 1, 40)" ] || fail "grid samples shape"
[ "$(h5 grid.h5 '"coords" in f')" = "False" ] || fail "grid samples carry /coords"
run 2 sample "${tiny[@]}" --sample.count=5 --sample.points_from=other.h5 --sample.batch=2 \
  --sample.output=other_s.h5 >other.txt 2>&1 || fail "sample on another point set: $(cat other.txt)"
[ "$(h5 other_s.h5 'f["fields"].shape')" = "(5, 1, 30)" ] || fail "scattered samples shape"
[ "$(h5 other_s.h5 'bool(np.array_equal(f["coords"][3], h5py.File("other.h5", "r")["coords"][0]))')" = "True" ] ||
  fail "scattered samples do not carry the point set of other.h5"
for s in grid.h5 other_s.h5; do
  [ "$(h5 $s 'bool(np.isfinite(f["fields"][:]).all())')" = "True" ] || fail "non-finite values in $s"
done

printf 'x,y\n0.123456,1.5\n' >obs.csv # not a point of the 40-point grid
run 2 sample "${tiny[@]}" --sample.count=3 --sample.points=40 --sample.observations=obs.csv \
  --sample.output=cond.h5 >cond.txt 2>&1 || fail "off-grid conditioning: $(cat cond.txt)"
[ "$(h5 cond.h5 'f["fields"].shape')" = "(3, 1, 41)" ] || fail "the observed point was not added"
[ "$(h5 cond.h5 'bool(np.allclose(f["fields"][:, 0, np.argmin(abs(f["coords"][0, :, 0] - 0.123456))], 1.5))')" = "True" ] ||
  fail "conditional samples do not pass through the observation"

run 1 train "${tiny[@]}" --model.kind=fno --train.steps=1 >fno.txt 2>&1 && fail "FNO on scattered data accepted"
grep -i error fno.txt | grep -q "model.kind" || fail "FNO error does not name model.kind: $(cat fno.txt)"
run 1 train "${tiny[@]}" --measure.family=spde --train.steps=1 >spde.txt 2>&1 && fail "SPDE on points accepted"
grep -i error spde.txt | grep -q "measure.family" || fail "SPDE error does not name the key: $(cat spde.txt)"

[ "$failures" -eq 0 ] && echo "funcdiff_gno: all checks passed"
exit "$failures"
