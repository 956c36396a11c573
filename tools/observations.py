#!/usr/bin/python3
"""Writes the observations of a conditional-sampling task from one curve of a field file
(Debian's python3-h5py/numpy only):
    /usr/bin/python3 tools/observations.py FIELDS.h5 OUT.csv --sample I (--points 0,91,182 | --count K)
takes sample I (0-based; channel --channel) of a 1-D field file, e.g. a held-out station of
`fieldgen data --data.holdout=...`, and writes the values at the chosen grid points as CSV with
the header x,y: x is the grid coordinate lo + j (hi - lo) / (n - 1) (the non-periodic grid of
fieldgen, so `fieldgen sample --sample.observations` matches it to point j exactly) and y the
curve's value there. --count K picks K points evenly spread over the grid, ends excluded:
j = round((k + 1/2) n / K), k = 0..K-1. Use the same file as `fieldgen eval
--conditional.observations` and the curve itself as --conditional.truth."""
import argparse
import sys

import h5py
import numpy as np


def chosen_points(n, points, count):
    if points:
        try:
            js = [int(p) for p in points.split(",")]
        except ValueError:
            sys.exit(f"observations.py: --points '{points}': not a comma-separated list of integers")
    else:
        if not 1 <= count <= n:
            sys.exit(f"observations.py: --count {count} must lie in 1..{n} (grid points)")
        js = [int(round((k + 0.5) * n / count)) for k in range(count)]
    bad = [j for j in js if not 0 <= j < n]
    if bad:
        sys.exit(f"observations.py: grid point(s) {bad} outside 0..{n - 1}")
    if len(set(js)) != len(js):
        sys.exit(f"observations.py: a grid point is listed twice in {js}")
    return js


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("fields", help="1-D field file (/fields [N, C, n])")
    p.add_argument("out", help="CSV file to write (x,y)")
    p.add_argument("--sample", type=int, default=0, help="curve (0-based; default 0)")
    p.add_argument("--channel", type=int, default=0, help="channel (default 0)")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--points", help="comma-separated 0-based grid points, e.g. 0,91,182")
    g.add_argument("--count", type=int, help="this many evenly spread grid points")
    a = p.parse_args()
    with h5py.File(a.fields, "r") as f:
        d = f["fields"]
        if d.ndim != 3:
            sys.exit(f"observations.py: {a.fields}: /fields has {d.ndim - 2}-D fields, need 1-D")
        if not 0 <= a.sample < d.shape[0]:
            sys.exit(f"observations.py: --sample {a.sample} but {a.fields} has {d.shape[0]} curves")
        if not 0 <= a.channel < d.shape[1]:
            sys.exit(f"observations.py: --channel {a.channel} but {a.fields} has {d.shape[1]}")
        curve = np.asarray(d[a.sample, a.channel], dtype=float)
        lo = float(np.ravel(d.attrs["domain_lo"])[0])
        hi = float(np.ravel(d.attrs["domain_hi"])[0])
        if np.ravel(d.attrs["periodic"])[0]:
            sys.exit(f"observations.py: {a.fields} is periodic; the FuncDiff grid is not")
    n = curve.size
    js = chosen_points(n, a.points, a.count)
    with open(a.out, "w") as out:
        out.write("x,y\n")
        for j in js:
            out.write(f"{lo + j * ((hi - lo) / (n - 1))!r},{curve[j]!r}\n")
    print(f"wrote {len(js)} observations of curve {a.sample} ({a.fields}) to {a.out}")


if __name__ == "__main__":
    main()
