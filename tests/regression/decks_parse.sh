#!/usr/bin/env bash
# Every input deck parses: for each input/*.cfg, each command that the deck's usage comments name
# ("fieldgen <command> --config input/<deck>.cfg") accepts it under --check (every key known
# and in range; no run), and at least one command of `fieldgen --help` accepts it. A deck with a
# misspelt key or a value out of range fails here, naming the deck and the command.
# Arguments: $1 fieldgen binary, $2 mpiexec, $3 shared dir (unused here).
set -u
fieldgen=$1
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
# The commands listed by `fieldgen --help` ("  <name>  <summary>" lines after "Commands:").
mapfile -t commands < <("$fieldgen" --help 2>&1 | sed -n '/^Commands:/,/^$/s/^  \([a-z_-]*\) .*/\1/p')
[ "${#commands[@]}" -ge 4 ] || fail "could not read the command list of fieldgen --help"
decks=("$source_dir"/input/*.cfg)
[ -e "${decks[0]}" ] || fail "no decks in $source_dir/input"
for deck in "${decks[@]}"; do
  name=input/$(basename "$deck")
  named=$(grep -o "fieldgen [a-z_-]* --config $name" "$deck" | awk '{print $2}' | sort -u)
  for cmd in $named; do
    "$fieldgen" "$cmd" --config "$deck" --check >out.txt 2>&1 ||
      fail "$name: 'fieldgen $cmd --check' refuses the deck its comments name: $(cat out.txt)"
  done
  accepted=""
  for cmd in "${commands[@]}"; do
    if "$fieldgen" "$cmd" --config "$deck" --check >/dev/null 2>&1; then
      accepted="$accepted $cmd"
    fi
  done
  [ -n "$accepted" ] || fail "$name: no command accepts it"
  echo "$name:$accepted"
done
# --check really checks: a misspelt key and a value out of range are refused.
printf '[model]\nwidht = 8\n' >bad.cfg
"$fieldgen" train --config bad.cfg --check >out.txt 2>&1 &&
  fail "a misspelt key passed --check"
grep -q "model.widht" out.txt || fail "the misspelt key is not named: $(cat out.txt)"
printf '[model]\nwidth = 0\n' >bad.cfg
"$fieldgen" train --config bad.cfg --check >out.txt 2>&1 &&
  fail "an out-of-range value passed --check"
[ "$failures" -eq 0 ] && echo "decks_parse: all checks passed"
exit "$failures"
