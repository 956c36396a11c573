#!/usr/bin/env bash
# `fieldgen dsd-train` end to end on a few quantised Fashion-MNIST images with labels (skipped
# when the Debian package dataset-fashion-mnist is not installed): a class-conditional run of
# 6 steps and one of 3 steps + resume to 6 give the same parameter hash, at 1 and at 2 ranks (and
# with importance-sampled time indices, whose parameters differ);
# classifier-free guidance at w = 0 leaves the samples unchanged and at w = 2 is rank-independent;
# the loss curve is logged; class-conditional samples take the masses of training images of their
# own class; a continuous (non-count) file, a lattice not divisible by
# 2^model.levels and a mismatched checkpoint are refused with errors naming the cause.
# Arguments: $1 fieldgen binary, $2 mpiexec, $3 shared dir (unused here).
set -u
fieldgen=$1
mpiexec=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
failures=0

run() {
  local np=$1
  shift
  timeout 300 "$mpiexec" -np "$np" --oversubscribe "$fieldgen" "$@" >stdout.txt 2>stderr.txt
}
fail() {
  echo "FAIL ($1)"
  cat stdout.txt stderr.txt
  failures=$((failures + 1))
}
hash_of() { grep -o 'parameter hash [0-9a-f]*' stdout.txt | awk '{print $3}'; }

fashion=/usr/share/datasets/fashion-mnist
if [ ! -r $fashion/train-images-idx3-ubyte.gz ]; then
  echo "skipped: $fashion not installed"
  exit 0
fi
run 1 data --data.kind=idx --data.limit=32 --data.levels=4 --output.path=fm.h5 || fail "idx data"
# The small model and run, without data.path, model.width and model.classes (set per call).
base=(--model.modes=4 --model.projection=8 --model.time_hidden=8 --process.rate=400
  --process.steps=50 --train.batch=8 --train.lr=1e-3 --train.lr_schedule=constant
  --train.log_every=2)
small=(--data.path=fm.h5 --model.width=4 --model.classes=10 "${base[@]}")
run 1 dsd-train --help && grep -q "process.rate" stdout.txt || fail "dsd-train --help"
for np in 1 2; do
  run $np dsd-train "${small[@]}" --train.steps=6 --train.checkpoint=a$np.h5 || fail "straight np$np"
  straight=$(hash_of)
  grep -q "loss curve" stdout.txt || fail "no loss curve np$np"
  run $np dsd-train "${small[@]}" --train.steps=3 --train.checkpoint=b$np.h5 || fail "first np$np"
  run $np dsd-train "${small[@]}" --train.steps=6 --train.resume=b$np.h5 \
    --train.checkpoint=c$np.h5 || fail "resumed np$np"
  resumed=$(hash_of)
  if [ -n "$straight" ] && [ "$straight" = "$resumed" ]; then
    echo "ok   (np $np: straight and resumed runs give parameter hash $straight)"
  else
    fail "np $np: straight hash '$straight' != resumed '$resumed'"
  fi
done
# Importance-sampled time indices (train.time_importance): other parameters than k ~ U{1..T},
# and a resumed run still equals the straight one.
uniform=$straight
run 2 dsd-train "${small[@]}" --train.steps=6 --train.time_importance=0.5 \
  --train.checkpoint=i.h5 || fail "importance straight"
importance=$(hash_of)
run 2 dsd-train "${small[@]}" --train.steps=3 --train.time_importance=0.5 \
  --train.checkpoint=j.h5 || fail "importance first"
run 2 dsd-train "${small[@]}" --train.steps=6 --train.time_importance=0.5 --train.resume=j.h5 \
  --train.checkpoint=k.h5 || fail "importance resumed"
[ -n "$importance" ] && [ "$importance" = "$(hash_of)" ] && [ "$importance" != "$uniform" ] ||
  fail "importance sampling: straight '$importance', resumed '$(hash_of)', uniform '$uniform'"

# Class-conditional sampling from that model: sample g (label g mod 10) takes the mass of the
# (g div 10)-th training image of its class, not of image g (a sandal gets a sandal's ink).
run 1 dsd-sample "${small[@]}" --sample.checkpoint=a1.h5 --sample.label=cycle --sample.count=12 \
  --sample.batch=12 --sample.tolerance=1 --sample.output=cls.h5 || fail "class-conditional sample"
if ! /usr/bin/python3 - fm.h5 cls.h5 >check.txt 2>&1 <<'PY'; then
import sys, h5py, numpy as np
data, gen = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
labels, mass = data["labels"][:], data["fields"][:].reshape(len(data["labels"]), -1).sum(axis=1)
got, lab = gen["requested_mass"][:, 0], gen["labels"][:]
for g in range(len(got)):
    rows = np.flatnonzero(labels == g % 10)
    want = mass[rows[(g // 10) % len(rows)]] if len(rows) else mass[g % len(labels)]
    assert lab[g] == g % 10, (g, lab[g])
    assert got[g] == want, (g, got[g], want)
assert any(got[g] != mass[g % len(labels)] for g in range(len(got))), "masses of image g"
PY
  echo "FAIL (class-matched masses)"
  cat check.txt
  failures=$((failures + 1))
else
  echo "ok   (class-conditional samples have the masses of training images of their class)"
fi

# Classifier-free guidance (sample.guidance): w = 0 gives the unguided fields bit for bit, w = 2
# other fields with the same exact masses, the same on 1 rank and on 2 (whole samples per rank);
# guidance without class labels is a config error naming the key.
counts_hash() { grep -ho "counts hash [0-9a-f]*" stdout.txt stderr.txt; }
guided=("${small[@]}" --sample.checkpoint=a1.h5 --sample.count=4 --sample.batch=4
  --sample.tolerance=1)
run 1 dsd-sample "${guided[@]}" --sample.label=cycle --sample.output=g0.h5 ||
  fail "unguided sample"
unguided=$(counts_hash)
run 1 dsd-sample "${guided[@]}" --sample.label=cycle --sample.guidance=0 --sample.output=g1.h5 ||
  fail "w = 0"
[ -n "$unguided" ] && [ "$unguided" = "$(counts_hash)" ] || fail "w = 0 changed the samples"
run 1 dsd-sample "${guided[@]}" --sample.label=cycle --sample.guidance=2 --sample.output=g2.h5 ||
  fail "w = 2, np 1"
w2=$(counts_hash)
grep -q "every sample has its requested mass" stdout.txt stderr.txt || fail "w = 2: mass"
run 2 dsd-sample "${guided[@]}" --sample.label=cycle --sample.guidance=2 --sample.output=g3.h5 ||
  fail "w = 2, np 2"
if [ -n "$w2" ] && [ "$w2" = "$(counts_hash)" ] && [ "$w2" != "$unguided" ]; then
  echo "ok   (guidance: w = 0 unchanged, w = 2 differs, 1 rank = 2 ranks: $w2)"
else
  fail "guidance: unguided '$unguided', w = 2 np 1 '$w2', np 2 '$(counts_hash)'"
fi
# Guidance interval (sample.guidance_from): above t_T no step is guided (the unguided fields bit
# for bit); from t = 0.05 other fields than both, the same on 1 rank and on 2.
run 1 dsd-sample "${guided[@]}" --sample.label=cycle --sample.guidance=2 \
  --sample.guidance_from=10 --sample.output=g5.h5 || fail "guidance_from = 10"
[ -n "$unguided" ] && [ "$unguided" = "$(counts_hash)" ] ||
  fail "guidance_from above t_T changed the unguided samples: '$(counts_hash)'"
run 1 dsd-sample "${guided[@]}" --sample.label=cycle --sample.guidance=2 \
  --sample.guidance_from=0.05 --sample.output=g6.h5 || fail "guidance_from = 0.05, np 1"
interval=$(counts_hash)
run 2 dsd-sample "${guided[@]}" --sample.label=cycle --sample.guidance=2 \
  --sample.guidance_from=0.05 --sample.output=g7.h5 || fail "guidance_from = 0.05, np 2"
if [ -n "$interval" ] && [ "$interval" = "$(counts_hash)" ] && [ "$interval" != "$w2" ] &&
  [ "$interval" != "$unguided" ]; then
  echo "ok   (guidance interval: above t_T unguided, from 0.05 new fields, 1 rank = 2 ranks)"
else
  fail "guidance interval: np 1 '$interval', np 2 '$(counts_hash)', w2 '$w2'"
fi
if run 1 dsd-sample "${guided[@]}" --sample.label=none --sample.guidance=1 \
  --sample.output=g4.h5; then
  fail "guidance without labels was accepted"
elif grep -q "sample.guidance" stdout.txt stderr.txt && [ ! -e g4.h5 ]; then
  echo "ok   (guidance without labels refused)"
else
  fail "guidance without labels: the error does not name sample.guidance"
fi

run 1 data --data.kind=grf --data.n=8 --data.shape=16,16 --output.path=grf.h5 || fail "grf data"
if run 1 dsd-train "${base[@]}" --data.path=grf.h5 --model.width=4; then
  fail "a continuous field file was accepted"
elif grep -q "counts" stdout.txt stderr.txt; then
  echo "ok   (continuous data refused)"
else
  fail "continuous data: the error does not name counts"
fi
if run 1 dsd-train "${small[@]}" --model.levels=3 --train.steps=1; then
  fail "28x28 with 3 levels was accepted"
elif grep -q "2^levels" stdout.txt stderr.txt; then
  echo "ok   (28 not divisible by 2^3 refused)"
else
  fail "levels: the error does not name 2^levels"
fi
if run 1 dsd-train --data.path=fm.h5 --model.width=5 --model.classes=10 "${base[@]}" \
  --train.steps=6 --train.resume=b1.h5 \
  --train.checkpoint=d.h5; then
  fail "a checkpoint of another width was resumed"
elif grep -qi "checkpoint\|block" stdout.txt stderr.txt; then
  echo "ok   (checkpoint of another model refused)"
else
  fail "mismatched checkpoint: unclear error"
fi
exit $((failures > 0))
