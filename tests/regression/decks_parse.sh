#!/usr/bin/env bash
# Every input deck parses: for each input/*.cfg, each command that the deck's usage comments name
# ("fieldgen <command> --config input/<deck>.cfg", or a stack of decks with a case deck on top of
# a base deck) accepts it under --check (every key known and in range; no run), and at least one command of `fieldgen --help` accepts it. A deck with a
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
  # Usage lines "fieldgen <command> --config input/a.cfg [--config input/b.cfg ...]" that name
  # this deck: the command must accept that stack of decks.
  while read -r usage; do
    read -r -a words <<<"${usage#fieldgen }"
    (cd "$source_dir" && "$fieldgen" "${words[@]}" --check) >out.txt 2>&1 ||
      fail "$name: '$usage --check' refuses the decks its comments name: $(cat out.txt)"
  done < <(grep -oE "fieldgen [a-z_-]+( --config input/[a-z0-9_]+\.cfg)+" "$deck" |
    grep -F -- "--config $name" | sort -u)
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
