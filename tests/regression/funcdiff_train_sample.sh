#!/usr/bin/env bash
# `fieldgen train` and `fieldgen sample` end to end on a tiny model (T = 20, 64 MoGP curves on
# 32 points): training at 1 and 2 ranks with a checkpoint, resume to more steps (weights bit for
# bit equal to a straight run, by the parameter hash of the final log line), sampling at 2x
# the training resolution at 1 and 2 ranks (unconditional and conditioned), and the error paths:
# a diverging run (huge lr) stops with one numeric error naming the step and keeps its last
# checkpoint, an off-grid observation is named, sampling with another measure than the
# checkpoint's is refused naming the key, --help lists every key.
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
tiny=(--data.path=data.h5 --model.width=8 --model.modes=4 --model.depth=2 --model.projection=16
  --schedule.steps=20 --train.batch=8 --train.log_every=2 --measure.length_scale=0.2)

run 1 data --data.n=64 --data.points=32 --output.path=data.h5 >/dev/null || fail "data"

for np in 1 2; do
  run "$np" train "${tiny[@]}" --train.steps=4 --train.checkpoint=ck$np.h5 >train$np.txt 2>&1 ||
    fail "train at $np ranks: $(cat train$np.txt)"
  grep -q "step 4/4" train$np.txt || fail "no progress line 'step 4/4' at $np ranks"
  [ -s ck$np.h5 ] || fail "no checkpoint at $np ranks"
  run "$np" train "${tiny[@]}" --train.steps=6 --train.resume=ck$np.h5 \
    --train.checkpoint=ck${np}b.h5 >resume$np.txt 2>&1 || fail "resume at $np ranks"
  grep -q "steps 4 -> 6" resume$np.txt || fail "resume did not start at step 4 ($np ranks)"
  run "$np" train "${tiny[@]}" --train.steps=6 --train.checkpoint=straight$np.h5 >straight$np.txt 2>&1 ||
    fail "straight run at $np ranks"
  # Bit-identical resume: 6 steps straight == 4 steps, checkpoint, resume, 2 more steps.
  a=$(grep -o "parameter hash [0-9a-f]*" straight$np.txt)
  b=$(grep -o "parameter hash [0-9a-f]*" resume$np.txt)
  [ -n "$a" ] && [ "$a" = "$b" ] || fail "resumed weights differ at $np ranks: '$a' vs '$b'"
  c=$(grep -o "parameter hash [0-9a-f]*" train$np.txt)
  [ "$a" != "$c" ] || fail "4 and 6 steps give the same weights at $np ranks"
  run "$np" sample "${tiny[@]}" --train.checkpoint=ck${np}b.h5 --sample.count=5 \
    --sample.points=64 --sample.batch=2 --sample.output=s$np.h5 >sample$np.txt 2>&1 ||
    fail "sample at $np ranks: $(cat sample$np.txt)"
  [ -s s$np.h5 ] || fail "no samples at $np ranks"
done

printf 'x,y\n0,1.5\n0.5079365079365079,-1\n' >obs.csv # grid points 0 and 32 of 64
run 2 sample "${tiny[@]}" --train.checkpoint=ck1b.h5 --sample.count=3 --sample.points=64 \
  --sample.observations=obs.csv --sample.output=c.h5 >cond.txt 2>&1 || fail "conditional: $(cat cond.txt)"
grep -q "2 observations" cond.txt || fail "conditional run did not report its observations"

printf 'x,y\n0.013,1.5\n' >bad.csv
run 2 sample "${tiny[@]}" --train.checkpoint=ck1b.h5 --sample.count=2 --sample.points=64 \
  --sample.observations=bad.csv --sample.output=bad.h5 >bad.txt 2>&1 && fail "off-grid accepted"
[ "$(grep -ci error bad.txt)" -eq 1 ] || fail "off-grid: not one error line: $(cat bad.txt)"
grep -q "x = 0.013" bad.txt || fail "off-grid error does not name the point"
[ -e bad.h5 ] && fail "off-grid run left an output file"

run 1 sample "${tiny[@]}" --measure.kernel=rbf --train.checkpoint=ck1b.h5 --sample.count=1 \
  --sample.output=mismatch.h5 >mismatch.txt 2>&1 && fail "a measure mismatch was accepted"
grep -i error mismatch.txt | grep -q "measure.kernel = rbf.*trained with measure.kernel = exponential" ||
  fail "the mismatch error does not name the key: $(cat mismatch.txt)"

run 2 train "${tiny[@]}" --train.steps=50 --train.lr=1e200 --train.precision=double \
  --train.checkpoint=nan.h5 --train.checkpoint_every=1 >nan.txt 2>&1 && fail "huge lr did not fail"
grep -i error nan.txt | grep -q "numeric.*at step" || fail "no numeric error naming the step: $(cat nan.txt)"
[ -s nan.h5 ] || fail "the last good checkpoint is gone"
run 1 sample "${tiny[@]}" --train.precision=double --train.checkpoint=nan.h5 --sample.count=1 \
  --sample.output=nan_s.h5 >/dev/null 2>&1 || fail "the last good checkpoint is unreadable"

"$fieldgen" train --help >help.txt 2>&1 || fail "train --help"
for key in model.width measure.family schedule.steps train.resume sample.n_free; do
  grep -q "$key" help.txt || fail "--help does not list $key"
done

[ "$failures" -eq 0 ] && echo "funcdiff_train_sample: all checks passed"
exit "$failures"
