#!/usr/bin/env bash
# Field datasets and count evaluation end to end: `fieldgen data` grf and microstructure files are
# identical on 1 and 2 ranks; `fieldgen eval` of two microstructure sets of the same law (data vs
# data, other seeds) gives small differences (porosity, S2, interface, chords, histogram) and of
# another porosity large ones; the mass check passes with a correct /requested_mass and fails
# loudly (exit code, one error line, metrics.json kept) with a wrong one; nearest-neighbour
# distances flag a memorised set (distance 0); a 3-D set evaluates; plots are drawn.
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
micro="data --data.kind=microstructure --data.shape=32,32 --data.length_scale=0.1"

# shellcheck disable=SC2086
{
  run 2 $micro --data.n=300 --data.seed=1 --output.path=a.h5 || fail "microstructure np 2"
  run 1 $micro --data.n=300 --data.seed=1 --output.path=a_serial.h5 || fail "microstructure np 1"
  run 2 $micro --data.n=300 --data.seed=2 --output.path=b.h5 || fail "microstructure seed 2"
  run 2 $micro --data.n=100 --data.seed=3 --data.porosity=0.25 --output.path=low.h5 ||
    fail "microstructure porosity 0.25"
  run 2 data --data.kind=grf --data.shape=24,20 --data.boundary=reflecting --data.n=9 \
    --output.path=g.h5 || fail "grf np 2"
  run 1 data --data.kind=grf --data.shape=24,20 --data.boundary=reflecting --data.n=9 \
    --output.path=g_serial.h5 || fail "grf np 1"
  run 2 data --data.kind=microstructure --data.shape=12,12,12 --data.n=8 --output.path=c.h5 ||
    fail "3-D microstructure"
}

if ! $py - <<'PY'; then
import h5py
import numpy as np

for a, b in (("a.h5", "a_serial.h5"), ("g.h5", "g_serial.h5")):
    x, y = h5py.File(a)["fields"][...], h5py.File(b)["fields"][...]
    assert x.shape == y.shape and np.array_equal(x, y), (a, b)
f = h5py.File("a.h5")
assert f["fields"].attrs["kind"] in ("counts", b"counts"), f["fields"].attrs["kind"]
u = f["fields"][...]
assert u.shape == (300, 1, 32, 32) and set(np.unique(u)) <= {0, 1}
print("ok   (np 1 == np 2; porosity mean %.4f std %.4f)" % (u.mean(), u.mean(axis=(1, 2, 3)).std()))
assert abs(u.mean() - 0.4) < 0.02
# Generated files with the true masses as /requested_mass, and one with a wrong entry.
for name, wrong in (("good.h5", False), ("bad.h5", True)):
    with h5py.File(name, "w") as g:
        f.copy("fields", g)
        m = u.sum(axis=(2, 3)).astype(np.int64)
        if wrong:
            m[7, 0] += 1
        g["requested_mass"] = m
PY
  echo "FAIL (rank independence / file contents)"
  failures=$((failures + 1))
fi

run 2 eval --eval.generated=good.h5 --eval.reference=b.h5 --eval.terminal=low.h5 \
  --eval.training=good.h5 --eval.nn_samples=50 --output.dir=same || fail "eval same law"
grep -q "0 of 300 sample-channels violate" stdout.txt || fail "summary lacks the mass check"
run 1 eval --eval.generated=low.h5 --eval.reference=b.h5 --output.dir=other ||
  fail "eval other porosity"
run 2 eval --eval.generated=c.h5 --eval.reference=c.h5 --eval.mass=5 --output.dir=cube
grep -qi "error.*miss the requested mass" stderr.txt || fail "3-D eval with a wrong eval.mass"
[ -s cube/metrics.json ] || fail "3-D metrics.json missing"

if ! $py - same/metrics.json other/metrics.json cube/metrics.json <<'PY'; then
import json
import sys

same, other, cube = (json.load(open(p)) for p in sys.argv[1:4])
def line(m):
    return {"porosity": round(m["porosity"]["generated"]["mean"], 4),
            "ref": round(m["porosity"]["reference"]["mean"], 4),
            "s2": round(m["s2"]["max_abs_difference"], 4),
            "interface": round(m["interface_per_area"]["relative_difference"], 4),
            "chord_pore_tv": round(m["chord_lengths"]["pore_tv"], 4),
            "hist_tv": round(m["intensity_histogram"]["distance_tv"], 4)}
print("same law       :", line(same))
print("porosity 0.25  :", line(other))
assert same["mass"]["source"] == "/requested_mass" and same["mass"]["violations"] == 0
assert same["mass"]["checked"] == 300
assert abs(same["porosity"]["generated"]["mean"] - same["porosity"]["reference"]["mean"]) < 0.02
assert same["s2"]["max_abs_difference"] < 0.02
assert abs(same["interface_per_area"]["relative_difference"]) < 0.05
assert same["chord_lengths"]["pore_tv"] < 0.05 and same["intensity_histogram"]["distance_tv"] < 0.02
assert other["s2"]["max_abs_difference"] > 0.1
assert other["intensity_histogram"]["distance_tv"] > 0.1
assert other["chord_lengths"]["pore_tv"] > 3 * same["chord_lengths"]["pore_tv"]
h = same["intensity_histogram"]
assert h["terminal_distance_tv"] > 5 * h["distance_tv"], h
nn = same["nearest_neighbour"]
assert nn["generated_to_training"]["max"] == 0, nn  # generated = training: memorised
assert nn["reference_to_training"]["min"] > 0, nn
assert len(same["s2"]["lags"]) == 17 and "axis1" in same["s2"]["generated"]
assert cube["mass"]["violations"] == 8 and "axis2" in cube["s2"]["generated"]
assert cube["s2"]["max_abs_difference"] == 0
PY
  echo "FAIL (metrics.json contents)"
  failures=$((failures + 1))
else
  echo "ok   (metrics: same law small, other porosity large, mass check, memorisation)"
fi
# The Done-when style checks through tools/check_metrics.py.
$py "$source_dir/tools/check_metrics.py" same/metrics.json 'mass.violations<1' \
  's2.max_abs_difference<0.02' 'interface_per_area.abs_relative_difference<0.1' \
  'porosity.mean_abs_difference<0.02' 'intensity_histogram.terminal_over_generated>5' \
  >check.txt || fail "check_metrics.py on same/metrics.json: $(grep FAIL check.txt)"

# A wrong /requested_mass: non-zero exit, one error line naming the file, metrics.json kept.
run 2 eval --eval.generated=bad.h5 --eval.reference=b.h5 --output.dir=bad
rc=$?
if [ "$rc" -eq 0 ] || [ "$(grep -ci error stderr.txt)" -ne 1 ] ||
  ! grep -i error stderr.txt | grep -qF "bad.h5: 1 generated sample-channel(s) miss the requested mass (first: sample 7" ||
  [ ! -s bad/metrics.json ]; then
  fail "mass violation must fail loudly (rc $rc)"
else
  echo "ok   (mass violation): $(grep -i error stderr.txt)"
fi

if $py -c 'import matplotlib, h5py' 2>/dev/null; then
  if $py "$source_dir/tools/plot_eval.py" same >plot.txt 2>&1 &&
    $py "$source_dir/tools/plot_eval.py" cube >>plot.txt 2>&1 &&
    [ -s same/eval_counts_fields.png ] && [ -s same/eval_counts_stats.png ] &&
    [ -s cube/eval_counts_fields.png ]; then
    echo "ok   (plots)"
  else
    echo "FAIL (plot_eval.py)"
    cat plot.txt
    failures=$((failures + 1))
  fi
fi
exit $((failures > 0))
