#!/usr/bin/env bash
# `fieldgen eval` on Fashion-MNIST counts with labels (skipped when the Debian package
# dataset-fashion-mnist is not installed): held-out test images vs training images must show a
# small intensity-histogram distance, over 5x below that of a 4-level quantised set standing in
# for terminal-time configurations, non-zero nearest-neighbour distances to the training images,
# and tools/plot_eval.py must draw the per-class grid.
# Arguments: $1 fieldgen binary, $2 mpiexec, $3 shared dir (unused here).
set -u
fieldgen=$1
mpiexec=$2
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
failures=0
py=/usr/bin/python3

run() {
  local np=$1
  shift
  timeout 120 "$mpiexec" -np "$np" --oversubscribe "$fieldgen" "$@" >stdout.txt 2>stderr.txt
}
fail() {
  echo "FAIL ($1)"
  cat stdout.txt stderr.txt
  failures=$((failures + 1))
}

fashion=/usr/share/datasets/fashion-mnist
if [ ! -r $fashion/t10k-images-idx3-ubyte.gz ]; then
  echo "skipped: $fashion not installed"
  exit 0
fi
run 1 data --data.kind=idx --data.limit=300 --output.path=fm_train.h5 || fail "idx train"
run 1 data --data.kind=idx --data.limit=100 --data.idx_images=$fashion/t10k-images-idx3-ubyte.gz \
  --data.idx_labels=$fashion/t10k-labels-idx1-ubyte.gz --output.path=fm_test.h5 || fail "idx test"
run 1 data --data.kind=idx --data.limit=100 --data.levels=4 --output.path=fm_q.h5 ||
  fail "idx quantised"
run 2 eval --eval.generated=fm_test.h5 --eval.reference=fm_train.h5 --eval.training=fm_train.h5 \
  --eval.terminal=fm_q.h5 --output.dir=fashion || fail "eval Fashion-MNIST"
$py "$source_dir/tools/check_metrics.py" fashion/metrics.json \
  'intensity_histogram.terminal_over_generated>5' \
  'nearest_neighbour.generated_to_training.min>0' >check.txt ||
  fail "check_metrics.py on fashion/metrics.json: $(grep FAIL check.txt)"
echo "ok   (Fashion-MNIST: $(grep -E 'histogram TV' stdout.txt | sed 's/^ *//'))"
if $py -c 'import matplotlib, h5py' 2>/dev/null; then
  if $py "$source_dir/tools/plot_eval.py" fashion >plot.txt 2>&1 &&
    [ -s fashion/eval_counts_classes.png ] && [ -s fashion/eval_counts_fields.png ]; then
    echo "ok   (plots with the per-class grid)"
  else
    echo "FAIL (plot_eval.py)"
    cat plot.txt
    failures=$((failures + 1))
  fi
fi
exit $((failures > 0))
