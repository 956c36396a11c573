#!/usr/bin/env bash
# fieldgen_bench's FuncDiff sections (funcdiff, spde_scaling, gram_vs_spde) at their smallest
# sizes on 1 and 2 ranks: each must finish, print every row of its tables with finite positive
# figures (no nan/inf), SPDE solves must converge in a bounded number of CG iterations, and an
# unknown section or option must fail with a config error naming it.
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

small=(--funcdiff.train_steps=1 --funcdiff.warmup_steps=1 --funcdiff.sample_curves=2
  --funcdiff.sample_steps=2 --spde_scaling.max_points=40000 --spde_scaling.repeats=1
  --gram_vs_spde.max_points=256 --gram_vs_spde.dims=2)
for np in 1 2; do
  if ! timeout 300 "$mpiexec" -np "$np" --oversubscribe "$bench" funcdiff spde_scaling \
    gram_vs_spde "${small[@]}" >out$np.txt 2>err$np.txt; then
    fail "np $np: fieldgen_bench exited with an error:"
    cat err$np.txt
    continue
  fi
  if grep -qiwE 'nan|inf' out$np.txt; then
    fail "np $np: non-finite figures:"
    grep -iwE 'nan|inf' out$np.txt
  fi
  # funcdiff: 2 decks x 2 precisions; every figure positive.
  rows=$(awk '$1 == "mogp" || $1 == "aemet"' out$np.txt)
  [ "$(echo "$rows" | grep -c .)" -eq 4 ] || fail "np $np: expected 4 funcdiff rows, got: $rows"
  echo "$rows" | awk '{for (i = 4; i <= NF; ++i) { v = $i; sub("%", "", v); if (v + 0 <= 0) bad = 1 }}
    END { exit bad }' || fail "np $np: a funcdiff figure is not positive: $rows"
  # spde_scaling: 1e4 and 4e4 points; the first ratio is 1 by definition; CG converges in
  # a mesh-independent number of iterations (AMG), far below the limit.
  spde=$(awk '$1 == 10000 || $1 == 40000' out$np.txt)
  [ "$(echo "$spde" | grep -c .)" -eq 2 ] || fail "np $np: expected 2 spde_scaling rows: $spde"
  echo "$spde" | awk 'NR == 1 && $8 != "1.00" { exit 1 } $9 <= 0 || $9 > 100 { exit 1 }' ||
    fail "np $np: spde_scaling ratio or iteration count out of range: $spde"
  # gram_vs_spde: n = 64, 128, 256 in 1-D and 2-D, then the crossover lines.
  [ "$(grep -cE '^ +(64|128|256) ' out$np.txt)" -eq 6 ] || fail "np $np: expected 6 gram_vs_spde rows"
  [ "$(grep -c '^  crossover' out$np.txt)" -eq 4 ] || fail "np $np: expected 4 crossover lines"
done

# Bad section / option names: config error (exit code 2) naming the culprit.
for bad in no_such_section --funcdiff.no_such_key=1; do
  timeout 60 "$mpiexec" -np 1 "$bench" "$bad" >bad.txt 2>&1
  rc=$?
  [ "$rc" -eq 2 ] || fail "'$bad': exit code $rc, expected 2"
  grep -qF -- "${bad#--}" bad.txt || fail "'$bad': the error does not name it: $(cat bad.txt)"
done

[ "$failures" -eq 0 ] && echo "bench_funcdiff_smoke: all checks passed"
exit "$failures"
