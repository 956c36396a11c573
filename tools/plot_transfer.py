#!/usr/bin/python3
"""Resolution-transfer summary of several `fieldgen eval` output directories of 2-D fields (the
same model sampled at different resolutions, each set evaluated against reference data at its
resolution; Debian's python3-matplotlib/h5py/numpy only):
    /usr/bin/python3 tools/plot_transfer.py OUT.png EVAL_DIR... [--floor FLOOR_DIR...]
writes OUT.png with
    top:    one generated field per resolution (shared colour scale)
    bottom: radially averaged power spectra of generated (solid) and reference (dashed) fields,
            divided by n1 n2: |DFT|^2 / (n1 n2)^2 = |c_k|^2, the squared Fourier coefficients of
            the continuum field, so the curves of all resolutions lie on one another;
            KDE densities of the values
and prints a Markdown table of the metrics per resolution. FLOOR_DIRs (one per EVAL_DIR, same
order) are evaluations of fresh data against the same references: the floor that sampling noise
alone gives each metric, printed beside it."""
import argparse
import json
import os

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

METRICS = ["mean_max_abs", "std_mse", "std_max_abs", "density_mse", "spectrum_log_mse"]


def load(d):
    with open(os.path.join(d, "metrics.json")) as f:
        return json.load(f)


def table(evals, floors):
    head = "| grid | " + " | ".join(METRICS) + " |"
    print(head)
    print("|" + "---|" * (len(METRICS) + 1))
    for k, m in enumerate(evals):
        g = m["generated_vs_reference"]
        f = floors[k]["generated_vs_reference"] if floors else None
        cells = []
        for name in METRICS:
            cell = f"{g[name]:.3g}"
            if f is not None:
                cell += f" ({f[name]:.3g})"
            cells.append(cell)
        shape = "x".join(str(int(n)) for n in m["shape"])
        print(f"| {shape} | " + " | ".join(cells) + " |")
    if floors:
        print("(in parentheses: fresh data vs the same reference, as many fields as generated)")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("out", help="output PNG")
    p.add_argument("dirs", nargs="+", help="fieldgen eval output directories (2-D)")
    p.add_argument("--floor", nargs="*", default=[], help="data-vs-data eval directories")
    a = p.parse_args()
    evals = [load(d) for d in a.dirs]
    floors = [load(d) for d in a.floor]
    if floors and len(floors) != len(evals):
        p.error("give one --floor directory per evaluation directory")
    for d, m in zip(a.dirs, evals):
        if len(m["shape"]) != 2:
            p.error(f"{d}: {len(m['shape'])}-D fields; this plot is for 2-D")
    table(evals, floors)

    fields = []
    for m in evals:
        with h5py.File(m["files"]["generated"], "r") as f:
            fields.append(np.asarray(f["fields"][0, 0], dtype=float))
    lo = min(u.min() for u in fields)
    hi = max(u.max() for u in fields)
    cols = max(len(evals), 2)
    fig, ax = plt.subplots(2, cols, figsize=(4.2 * cols, 8.4), squeeze=False)
    for k, (m, u) in enumerate(zip(evals, fields)):
        ax[0, k].imshow(u, cmap="viridis", vmin=lo, vmax=hi)
        ax[0, k].set_title(f"generated {u.shape[0]}x{u.shape[1]}")
        ax[0, k].set_xticks([])
        ax[0, k].set_yticks([])
    for k in range(len(evals), cols):
        ax[0, k].axis("off")
    spec, dens = ax[1, 0], ax[1, 1]
    for k, m in enumerate(evals):
        c = m["curves"]
        scale = float(np.prod(m["shape"]))
        label = "x".join(str(int(n)) for n in m["shape"])
        for name, style in (("generated", "-"), ("reference", "--")):
            s = np.maximum(np.asarray(c[name]["spectrum"]) / scale, 1e-300)
            spec.loglog(np.arange(1, len(s)), s[1:], style, color=f"C{k}",
                        label=f"{label} {name}")
            dens.plot(c["density_grid"], c[name]["density"], style, color=f"C{k}",
                      label=f"{label} {name}")
    spec.set_title("radially averaged spectrum / (n1 n2) = $|c_k|^2$")
    spec.set_xlabel("|k| (cycles per unit length)")
    spec.legend(fontsize=7)
    dens.set_title("KDE density of the values")
    dens.legend(fontsize=7)
    for k in range(2, cols):
        ax[1, k].axis("off")
    fig.tight_layout()
    fig.savefig(a.out, dpi=100)
    plt.close(fig)
    print("wrote", a.out)


if __name__ == "__main__":
    main()
