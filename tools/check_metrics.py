#!/usr/bin/python3
"""Checks a `fieldgen eval` metrics.json against thresholds and prints one line per check:
    /usr/bin/python3 tools/check_metrics.py METRICS_JSON 'section.key<value' ...
Each check is `section.key<value` or `section.key>value` (keys as in metrics.json, e.g.
generated_vs_reference.mean_max_abs<0.25). Exits 1 if any check fails or a key is missing."""
import json
import re
import sys


def main():
    if len(sys.argv) < 3 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0 if len(sys.argv) > 1 else 2
    with open(sys.argv[1]) as f:
        metrics = json.load(f)
    failed = 0
    for check in sys.argv[2:]:
        m = re.fullmatch(r"([\w.]+)\s*([<>])\s*([-+0-9.eE]+)", check)
        if not m:
            print(f"check_metrics: cannot parse '{check}' (expected section.key<value)")
            return 2
        path, op, bound = m.group(1), m.group(2), float(m.group(3))
        value = metrics
        for part in path.split("."):
            if not isinstance(value, dict) or part not in value:
                print(f"FAIL {path}: missing in {sys.argv[1]}")
                failed += 1
                value = None
                break
            value = value[part]
        if value is None:
            continue
        ok = value < bound if op == "<" else value > bound
        print(f"{'ok  ' if ok else 'FAIL'} {path} = {value:.4g} (required {op} {bound:g})")
        failed += 0 if ok else 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
