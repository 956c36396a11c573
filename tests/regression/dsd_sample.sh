#!/usr/bin/env bash
# `fieldgen dsd-sample` end to end on a tiny rate network (3 training steps on 16x16
# microstructures): unconditional sampling on a 32x32 lattice (larger than the training one),
# mass-factor conditioning, inpainting with a mask file, the forward-noised start with and without
# corrector leaps, each at 1
# rank and at 2 ranks split by samples and by lattice, with the same counts hash (bit-identical
# fields); every run must report that every
# sample has its requested mass, and `fieldgen eval` must find no mass violation in the inpainted
# output (/requested_mass). Error paths: a class condition on an unconditional model, a
# forward-noised start on another lattice, a mass list of the wrong length; --help lists the keys.
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
tiny=(--data.path=data.h5 --model.width=4 --model.levels=1 --model.modes=2 --model.projection=8
  --model.time_hidden=8 --model.time_channels=4 --process.rate=4 --process.steps=50)

run 1 data --data.kind=microstructure --data.n=32 --data.shape=16,16 --data.porosity=0.4 \
  --output.path=data.h5 >/dev/null || fail "data"
run 1 data --data.kind=microstructure --data.n=1 --data.shape=16,16 --data.porosity=0.2 \
  --data.seed=5 --output.path=mask.h5 >/dev/null || fail "mask"
run 1 dsd-train "${tiny[@]}" --train.steps=3 --train.batch=4 --train.checkpoint=ck.h5 \
  >train.txt 2>&1 || fail "dsd-train: $(cat train.txt)"

sample=("${tiny[@]}" --sample.checkpoint=ck.h5 --sample.tolerance=0.5)
cases=("plain:--sample.count=3 --sample.batch=2 --sample.shape=32x32 --sample.log_every=10"
  "factor:--sample.count=3 --sample.mass_factor=1.15"
  "inpaint:--sample.count=2 --sample.mask=mask.h5 --sample.known=3 --sample.mass=40"
  "noised:--sample.count=3 --sample.init=data"
  "corrected:--sample.count=3 --sample.init=data --sample.corrector_steps=2 --sample.corrector_below=0.3")
for c in "${cases[@]}"; do
  name=${c%%:*}
  read -r -a args <<<"${c#*:}"
  # 1 rank; 2 ranks with whole samples per rank (the default); 2 ranks sharing every sample.
  for run_id in 1:samples 2:samples 2:lattice; do
    np=${run_id%%:*}
    tag=$name$np${run_id#*:}
    run "$np" dsd-sample "${sample[@]}" "${args[@]}" --sample.split="${run_id#*:}" \
      --sample.output="$tag.h5" >"$tag.txt" 2>&1 || fail "$tag: $(cat "$tag.txt")"
    grep -q "every sample has its requested mass" "$tag.txt" || fail "$tag: no mass confirmation"
    [ -s "$tag.h5" ] || fail "$tag: no output file"
  done
  a=$(grep -o "counts hash [0-9a-f]*" "${name}1samples.txt")
  for other in 2samples 2lattice; do
    b=$(grep -o "counts hash [0-9a-f]*" "$name$other.txt")
    [ -n "$a" ] && [ "$a" = "$b" ] || fail "$name: 1 rank and $other differ: '$a' vs '$b'"
  done
done
grep -q "samples 0..1: step 10, t = " plain2lattice.txt || fail "no progress line: $(cat plain2lattice.txt)"
p=$(grep -o "counts hash [0-9a-f]*" plain1samples.txt)
f=$(grep -o "counts hash [0-9a-f]*" factor1samples.txt)
[ "$p" != "$f" ] || fail "different runs give the same hash"
n=$(grep -o "counts hash [0-9a-f]*" noised1samples.txt)
c=$(grep -o "counts hash [0-9a-f]*" corrected1samples.txt)
[ "$n" != "$c" ] || fail "corrector leaps left the samples unchanged"

run 1 eval --eval.generated=inpaint2lattice.h5 --eval.reference=data.h5 >eval.txt 2>&1 ||
  fail "eval of the inpainted samples: $(cat eval.txt)"
grep -q "0 of 2 sample-channels violate (/requested_mass)" eval.txt ||
  fail "eval did not confirm the requested masses: $(cat eval.txt)"

expect_config_error() { # expect_config_error <text> <args...>
  local text=$1
  shift
  run 1 dsd-sample "${sample[@]}" "$@" --sample.output=bad.h5 >bad.txt 2>&1
  local rc=$?
  [ $rc -eq 2 ] || fail "expected a config error (exit 2) for $*, got $rc: $(cat bad.txt)"
  grep -q -- "$text" bad.txt || fail "error for $* does not name '$text': $(cat bad.txt)"
  [ ! -e bad.h5 ] || fail "a failed run left bad.h5"
}
expect_config_error "sample.label" --sample.label=cycle
expect_config_error "sample.init" --sample.init=data --sample.shape=32x32
expect_config_error "sample.mass" --sample.mass=1,2

run 1 dsd-sample --help >help.txt 2>&1 || fail "--help"
for key in sample.mask sample.mass sample.label sample.shape sample.tolerance \
  sample.corrector_steps sample.corrector_below sample.guidance; do
  grep -q -- "--$key" help.txt || fail "--help does not list $key"
done

[ $failures -eq 0 ] && echo "dsd_sample: all checks passed"
exit $((failures > 0))
