#!/usr/bin/env bash
# `fieldgen eval` at 2 ranks on small generated data: two MoGP sets with different seeds must give
# small metrics, MoGP vs Linear large ones (metrics.json parsed with /usr/bin/python3), with the
# FPCA baseline and the GP-regression section present, the effective config echoed and the same
# numbers on 1 rank; bad inputs (missing file, grids that differ, observations off the domain,
# missing key) must fail with one error line naming the culprit and leave no metrics.json. Plots are drawn when matplotlib is available.
# Arguments: $1 fieldgen binary, $2 mpiexec, $3 shared dir (unused here).
set -u
fieldgen=$1
mpiexec=$2
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
failures=0

run() { timeout 120 "$mpiexec" -np 2 --oversubscribe "$fieldgen" "$@" >stdout.txt 2>stderr.txt; }
fail() {
  echo "FAIL ($1)"
  cat stdout.txt stderr.txt
  failures=$((failures + 1))
}

for args in "--data.seed=1 --output.path=mogp1.h5" "--data.seed=2 --output.path=mogp2.h5" \
  "--data.kind=linear --data.seed=3 --output.path=linear.h5" \
  "--data.points=32 --output.path=mogp32.h5"; do
  # shellcheck disable=SC2086
  run data --data.n=200 $args || fail "fieldgen data $args"
done
printf 'x,y\n0.1,0.5\n0.5,-1.0\n0.8,0.3\n' >obs.csv
printf 'x,y\n0.1,0.5\n1.5,-1.0\n' >outside.csv

if run eval --eval.generated=mogp2.h5 --eval.reference=mogp1.h5 --eval.baseline=fpca \
  --eval.fpca_components=8 --conditional.observations=obs.csv \
  --conditional.samples=mogp2.h5 --output.dir=same; then
  grep -q "density_mse" stdout.txt || fail "summary table lacks density_mse"
else
  fail "eval mogp vs mogp"
fi
run eval --eval.generated=linear.h5 --eval.reference=mogp1.h5 --output.dir=other ||
  fail "eval linear vs mogp"
# The same evaluation on 1 rank: identical numbers (the FPCA draws are counter-based).
timeout 120 "$mpiexec" -np 1 "$fieldgen" eval --eval.generated=mogp2.h5 --eval.reference=mogp1.h5 \
  --eval.baseline=fpca --eval.fpca_components=8 --output.dir=serial >stdout.txt 2>stderr.txt ||
  fail "eval mogp vs mogp on 1 rank"

if ! /usr/bin/python3 - same/metrics.json other/metrics.json serial/metrics.json <<'PY'; then
import json
import sys

same = json.load(open(sys.argv[1]))
other = json.load(open(sys.argv[2]))
s, o = same["generated_vs_reference"], other["generated_vs_reference"]
print("mogp vs mogp  :", {k: round(v, 5) for k, v in s.items()})
print("linear vs mogp:", {k: round(v, 5) for k, v in o.items()})
print("fpca vs mogp  :", {k: round(v, 5) for k, v in same["fpca_vs_reference"].items()})
for key in ("mean_mse", "std_mse", "autocorrelation_mse", "density_mse", "spectrum_mse"):
    assert o[key] > 10 * s[key], (key, s[key], o[key])
assert s["mean_max_abs"] < 0.2 and s["std_max_abs"] < 0.2, s
assert s["density_mse"] < 1e-3, s
assert "generated = mogp2.h5" in same["config"] and "baseline = fpca" in same["config"]
assert same["files"]["reference_samples"] == 200 and same["ranks"] == 2
assert same["fpca_vs_reference"]["std_mse"] < 10 * s["std_mse"] + 1e-3, same["fpca_vs_reference"]
c = same["conditional"]
x = c["x"]
for xo, yo in zip(c["observations_x"], c["observations_y"]):
    # Observations off the grid: the posterior mean near them is close to the observed value.
    j = min(range(len(x)), key=lambda i: abs(x[i] - xo))
    assert abs(c["gp_mean"][j] - yo) < 0.1, (xo, yo, c["gp_mean"][j])
assert len(c["gp_draws"]) == 5 and "mean_mse_vs_gp" in c
assert len(same["curves"]["reference"]["autocorrelation"]) == 64
serial = json.load(open(sys.argv[3]))
for key in ("generated_vs_reference", "fpca_vs_reference"):
    assert serial[key] == same[key], (key, serial[key], same[key])
PY
  echo "FAIL (metrics.json contents)"
  failures=$((failures + 1))
else
  echo "ok   (metrics: mogp vs mogp small, linear vs mogp large)"
fi
if [ ! -s same/fpca_samples.h5 ]; then
  echo "FAIL (fpca_samples.h5 missing)"
  failures=$((failures + 1))
fi

# expect_failure <culprit text> <fieldgen eval arguments...>
expect_failure() {
  local culprit=$1
  shift
  rm -rf bad
  run eval --output.dir=bad "$@"
  local rc=$?
  if [ "$rc" -eq 0 ] || [ "$rc" -eq 124 ]; then
    fail "$*: exit code $rc, expected a quick failure"
  elif [ "$(grep -ci error stderr.txt)" -ne 1 ]; then
    fail "$*: expected exactly one error line"
  elif ! grep -i error stderr.txt | grep -qF -- "$culprit"; then
    fail "$*: the error line does not name '$culprit'"
  elif [ -e bad/metrics.json ] || [ -e bad/metrics.json.tmp ]; then
    fail "$*: metrics.json was left behind"
  else
    echo "ok   ($*): $(grep -i error stderr.txt)"
  fi
}
expect_failure "missing.h5: cannot open" --eval.generated=missing.h5 --eval.reference=mogp1.h5
expect_failure "grids differ" --eval.generated=mogp32.h5 --eval.reference=mogp1.h5
expect_failure "outside.csv: observation x = 1.5" --eval.generated=mogp2.h5 \
  --eval.reference=mogp1.h5 --conditional.observations=outside.csv
expect_failure "eval.reference is required" --eval.generated=mogp2.h5

if /usr/bin/python3 -c 'import matplotlib, h5py' 2>/dev/null; then
  if /usr/bin/python3 "$source_dir/tools/plot_eval.py" same >plot.txt 2>&1 &&
    [ -s same/eval_curves.png ] && [ -s same/eval_conditional.png ]; then
    echo "ok   (plots)"
  else
    echo "FAIL (plot_eval.py)"
    cat plot.txt
    failures=$((failures + 1))
  fi
fi
exit $((failures > 0))
