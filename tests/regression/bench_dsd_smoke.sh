#!/usr/bin/env bash
# fieldgen_bench's DSD training section (dsd_train) with one timed step on 1 and 2 ranks: it must
# finish and print both deck rows (microstructure, fashion) with finite positive figures.
# Arguments: $1 fieldgen binary (fieldgen_bench lies beside it), $2 mpiexec, $3 shared dir.
set -u
bench=$(cd "$(dirname "$1")" && pwd)/fieldgen_bench
mpiexec=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
for np in 1 2; do
  if ! timeout 300 "$mpiexec" -np "$np" --oversubscribe "$bench" dsd_train --dsd_train.steps=1 \
    >out$np.txt 2>err$np.txt; then
    fail "np $np: fieldgen_bench exited with an error: $(cat err$np.txt)"
    continue
  fi
  grep -qiwE 'nan|inf' out$np.txt && fail "np $np: non-finite figures: $(cat out$np.txt)"
  rows=$(awk '$1 == "microstructure" || $1 == "fashion"' out$np.txt)
  [ "$(echo "$rows" | grep -c .)" -eq 2 ] || fail "np $np: expected 2 dsd_train rows, got: $rows"
  echo "$rows" | awk '{for (i = 3; i <= NF; ++i) { v = $i; sub("%", "", v); if (v + 0 <= 0) bad = 1 }}
    END { exit bad }' || fail "np $np: a dsd_train figure is not positive: $rows"
done
[ "$failures" -eq 0 ] && echo "bench_dsd_smoke: all checks passed"
exit "$failures"
