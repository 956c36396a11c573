#!/usr/bin/env bash
# `fieldgen data` at 2 ranks: bad inputs (bad key, bad value, ragged CSV, non-numeric CSV cell,
# bad IDX magic, missing file, inpainting-mask box out of range or of the wrong dimension,
# missing output directory) must fail within seconds with exactly one error line naming the
# culprit and leave no output (nor temporary) file; a good MoGP run must write a readable file.
# Arguments: $1 fieldgen binary, $2 mpiexec, $3 shared dir (unused here).
set -u
fieldgen=$1
mpiexec=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
failures=0

printf 'a,b,c\n1,2,3\n4,5\n' >ragged.csv
printf '1,2,3\n4,2.5,6\n7,oops,9\n' >cell.csv
printf 'P5 not an idx file at all' >bad.idx

# [OUT=<output path>] expect_failure <culprit text> <fieldgen data arguments...>
expect_failure() {
  local culprit=$1 out=${OUT:-out.h5}
  shift
  rm -f "$out" "$out.tmp"
  local start=$SECONDS
  timeout 60 "$mpiexec" -np 2 --oversubscribe "$fieldgen" data --output.path="$out" "$@" \
    >stdout.txt 2>stderr.txt
  local rc=$?
  local lines
  lines=$(grep -ci error stderr.txt)
  if [ "$rc" -eq 0 ] || [ "$rc" -eq 124 ]; then
    echo "FAIL ($*): exit code $rc, expected a quick failure"
    failures=$((failures + 1))
  elif [ "$lines" -ne 1 ]; then
    echo "FAIL ($*): $lines lines mention 'error' on stderr, expected 1:"
    cat stderr.txt
    failures=$((failures + 1))
  elif ! grep -i error stderr.txt | grep -qF -- "$culprit"; then
    echo "FAIL ($*): the error line does not name '$culprit':"
    grep -i error stderr.txt
    failures=$((failures + 1))
  elif [ $((SECONDS - start)) -gt 20 ]; then
    echo "FAIL ($*): took $((SECONDS - start)) s, expected a failure within 20 s"
    failures=$((failures + 1))
  elif [ -e "$out" ] || [ -e "$out.tmp" ]; then
    echo "FAIL ($*): an output file was left behind"
    failures=$((failures + 1))
  else
    echo "ok   ($*): rc $rc in $((SECONDS - start)) s: $(grep -i error stderr.txt)"
  fi
}

expect_failure "data.sampels" --data.sampels=10
expect_failure "data.points = 1" --data.points=1
expect_failure "ragged.csv: line 3 has 2 cells, expected 3" --data.kind=csv --data.csv_path=ragged.csv
expect_failure "cell.csv: line 3, column 2: 'oops' is not a number" --data.kind=csv \
  --data.csv_path=cell.csv
expect_failure "bad.idx: bad IDX magic number 0x5035206e at byte offset 0" --data.kind=idx \
  --data.idx_images=bad.idx --data.idx_labels ""
expect_failure "missing.csv: cannot open" --data.kind=csv --data.csv_path=missing.csv
expect_failure 'data.free_box = "7:21,7:29": "7:29"' --data.kind=mask --data.shape=28,28 \
  --data.free_box=7:21,7:29
expect_failure 'data.free_box = "7:21": 1 ranges for the 2 axes' --data.kind=mask \
  --data.shape=28,28 --data.free_box=7:21
# The output directory is checked before the fields are generated (generating them
# takes ~45 s at 2 ranks).
OUT=nodir/out.h5 expect_failure "nodir/out.h5: output directory 'nodir/' does not exist" \
  --data.kind=microstructure --data.n=30000 --data.shape=64,64

# A good run: the file exists, nothing temporary is left, and it reads back.
rm -f good.h5
if ! timeout 120 "$mpiexec" -np 2 --oversubscribe "$fieldgen" data --data.kind=mogp --data.n=100 \
  --data.points=32 --output.path=good.h5 >stdout.txt 2>stderr.txt; then
  echo "FAIL (good MoGP run):"
  cat stderr.txt
  failures=$((failures + 1))
elif [ ! -s good.h5 ] || [ -e good.h5.tmp ]; then
  echo "FAIL (good MoGP run): good.h5 missing or good.h5.tmp left behind"
  failures=$((failures + 1))
elif ! grep -q "samples   100" stdout.txt; then
  echo "FAIL (good MoGP run): summary lacks the sample count:"
  cat stdout.txt
  failures=$((failures + 1))
elif [ "$(head -c 8 good.h5 | od -An -tx1 | tr -d ' \n')" != "894844460d0a1a0a" ]; then
  echo "FAIL (good MoGP run): good.h5 lacks the HDF5 signature"
  failures=$((failures + 1))
elif ! /usr/bin/python3 -c 'import h5py' 2>/dev/null; then
  echo "ok   (good MoGP run; h5py absent, contents not inspected)"
elif ! /usr/bin/python3 - good.h5 <<'PY'; then
import sys
import h5py
import numpy as np

f = h5py.File(sys.argv[1], "r")
u = f["fields"][...]
assert u.shape == (100, 1, 32), u.shape
assert np.isfinite(u).all()
assert sorted(np.unique(f["labels"][...])) == [0, 1]
assert f["fields"].attrs["kind"] == "continuous"
assert "kind = mogp" in f["provenance"].attrs["config"]
assert int(f["provenance"].attrs["ranks"]) == 2
PY
  echo "FAIL (good MoGP run): good.h5 does not read back as expected"
  failures=$((failures + 1))
else
  echo "ok   (good MoGP run)"
fi

exit $((failures > 0))
