#!/usr/bin/python3
"""Plots a `fieldgen eval` output directory (Debian's python3-matplotlib/h5py/numpy only):
    /usr/bin/python3 tools/plot_eval.py OUTPUT_DIR [--samples 20]
reads OUTPUT_DIR/metrics.json (statistics curves computed by fieldgen) and the sample files it
names, and writes
    eval_curves.png       1-D: reference / generated (/ FPCA) curves with mean +- std bands,
                          KDE densities of the values, pointwise mean and std, averaged
                          autocorrelation, power spectra
    eval_fields.png       2-D: image grids of reference / generated (/ FPCA) fields
    eval_stats.png        2-D: radially averaged spectra and value densities
    eval_conditional.png  conditional samples vs the GP-regression mean +- 2 std band, GP draws,
                          observations marked, the true curve when known (when metrics.json
                          has a conditional section)
  count fields (metrics.json "kind": "counts"; DSD images and microstructures):
    eval_counts_fields.png  grids of reference / generated (/ terminal-time) samples side by side
                            (3-D: the middle slice along the first axis)
    eval_counts_stats.png   S2(r) per axis, chord-length distributions per phase, intensity
                            histograms, per-sample porosity and nearest-neighbour distances
    eval_counts_classes.png when both files have /labels: one row per class, reference samples
                            of the class next to generated ones
`fieldgen eval` does not call this script; the job scripts do after it."""
import argparse
import json
import os

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def load(path, channel, count):
    with h5py.File(path, "r") as f:
        d = f["fields"]
        return np.asarray(d[: min(count, d.shape[0]), channel], dtype=float)


def axis_coords(m, n):
    """Point positions: the generated file's /coords (scattered points, first sample) or the
    uniform grid of the domain."""
    with h5py.File(m["files"]["generated"], "r") as f:
        if "coords" in f:
            return np.asarray(f["coords"][0, :, 0], dtype=float)
    lo, hi = m["domain_lo"][0], m["domain_hi"][0]
    return np.linspace(lo, hi, n)


def band(ax, x, mean, std, color, label):
    mean, std = np.asarray(mean), np.asarray(std)
    ax.plot(x, mean, color=color, lw=1.5, label=label)
    ax.fill_between(x, mean - std, mean + std, color=color, alpha=0.2)


def sets(m, out_dir, channel, count):
    s = [("reference", m["files"]["reference"], "C0"), ("generated", m["files"]["generated"], "C1")]
    if "fpca" in m["curves"]:
        s.append(("fpca", os.path.join(out_dir, "fpca_samples.h5"), "C2"))
    return [(name, load(path, channel if name != "fpca" else 0, count), color)
            for name, path, color in s]


def plot_curves(m, out_dir, channel, count):
    c = m["curves"]
    data = sets(m, out_dir, channel, count)
    x = axis_coords(m, data[0][1].shape[-1])
    fig, ax = plt.subplots(2, 4, figsize=(18, 8))
    for k, (name, u, color) in enumerate(data):
        a = ax[0, k]
        for row in u:
            a.plot(x, row, lw=0.7, alpha=0.6)
        band(a, x, c[name]["mean"], c[name]["std"], "k", "mean $\\pm$ std (all samples)")
        a.set_title(f"{name}: {len(u)} curves")
        a.legend(loc="upper right", fontsize=8)
    lo = min(min(u.min(), np.min(np.subtract(c[n]["mean"], c[n]["std"]))) for n, u, _ in data)
    hi = max(max(u.max(), np.max(np.add(c[n]["mean"], c[n]["std"]))) for n, u, _ in data)
    for k in range(len(data)):
        ax[0, k].set_ylim(lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo))
    for k in range(len(data), 3):
        ax[0, k].axis("off")
    density(ax[0, 3], m)
    for name, _, color in data:
        ax[1, 0].plot(x, c[name]["mean"], color=color, label=name)
        ax[1, 1].plot(x, c[name]["std"], color=color, label=name)
        ax[1, 2].plot(np.arange(len(c[name]["autocorrelation"])), c[name]["autocorrelation"],
                      color=color, label=name)
        ax[1, 3].semilogy(np.arange(len(c[name]["spectrum"])),
                          np.maximum(c[name]["spectrum"], 1e-300), color=color, label=name)
    ax[1, 0].set_title("pointwise mean")
    ax[1, 1].set_title("pointwise std")
    ax[1, 2].set_title("avg. autocorrelation (lag in points)")
    ax[1, 3].set_title("avg. power spectrum |rfft|$^2$/P")
    ax[1, 3].set_xlabel("wave number")
    for a in ax[1]:
        a.legend(fontsize=8)
    summary(fig, m)
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    fig.savefig(os.path.join(out_dir, "eval_curves.png"), dpi=100)
    plt.close(fig)


def density(ax, m):
    """KDE densities of all values (bandwidth and grid as in metrics.json)."""
    c = m["curves"]
    ax.plot(c["density_grid"], c["reference"]["density"], "C0", label="reference")
    ax.plot(c["density_grid"], c["generated"]["density"], "C1", label="generated")
    if "fpca" in c:
        ax.plot(c["fpca_density_grid"], c["fpca"]["density"], "C2", label="fpca")
    ax.set_title("KDE density of the values")
    ax.set_xlabel("value")
    ax.legend(fontsize=8)


def summary(fig, m):
    g = m["generated_vs_reference"]
    text = "generated vs reference: " + ", ".join(
        f"{k} {v:.3g}" for k, v in g.items() if v is not None)
    if "fpca_vs_reference" in m:
        f = m["fpca_vs_reference"]
        text += "\nfpca vs reference: " + ", ".join(
            f"{k} {v:.3g}" for k, v in f.items() if v is not None)
    fig.suptitle(text, fontsize=9)


def plot_fields(m, out_dir, channel, count):
    data = sets(m, out_dir, channel, count)
    k = min(count, min(len(u) for _, u, _ in data))
    fig, axes = plt.subplots(len(data), k, figsize=(1.5 * k, 1.5 * len(data) + 0.7),
                             squeeze=False)
    lo = min(u[:k].min() for _, u, _ in data)
    hi = max(u[:k].max() for _, u, _ in data)
    for r, (name, u, _) in enumerate(data):
        for i in range(k):
            a = axes[r, i]
            a.imshow(u[i], cmap="viridis", vmin=lo, vmax=hi)
            a.set_xticks([])
            a.set_yticks([])
        axes[r, 0].set_ylabel(name)
    summary(fig, m)
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.6 / (1.5 * len(data) + 0.7)))
    fig.savefig(os.path.join(out_dir, "eval_fields.png"), dpi=100)
    plt.close(fig)
    c = m["curves"]
    fig, ax = plt.subplots(1, 2, figsize=(11, 4))
    for name, _, color in data:
        ax[0].semilogy(np.maximum(c[name]["spectrum"], 1e-300), color=color, label=name)
    ax[0].set_title("radially averaged power spectrum")
    ax[0].set_xlabel("|k| (shell)")
    ax[0].legend()
    density(ax[1], m)
    ax[1].set_yscale("log")  # images: a spike at the background value, a long flat tail
    ax[1].set_ylim(bottom=1e-6)
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, "eval_stats.png"), dpi=100)
    plt.close(fig)


def plot_conditional(m, out_dir, channel, count):
    c = m["conditional"]
    x = np.asarray(c["x"])
    fig, ax = plt.subplots(figsize=(8, 5))
    mean, std = np.asarray(c["gp_mean"]), np.asarray(c["gp_std"])
    ax.fill_between(x, mean - 2 * std, mean + 2 * std, color="C0", alpha=0.2,
                    label="GP regression mean $\\pm$ 2 std")
    ax.plot(x, mean, "C0", lw=2)
    for i, d in enumerate(c.get("gp_draws", {}).values()):
        ax.plot(x, d, "C0--", lw=0.8, label="GP draws" if i == 0 else None)
    path = m["files"].get("conditional_samples", "")
    if path:
        u = load(path, channel, count)
        for i, row in enumerate(u):
            ax.plot(x, row, "C1", lw=0.8, alpha=0.7, label="conditional samples" if i == 0 else None)
    if "truth" in c:
        ax.plot(x, c["truth"], "k", lw=1.8, label="truth (held out)")
    ax.plot(c["observations_x"], c["observations_y"], "ko", ms=6, label="observations")
    title = "conditional samples vs GP regression"
    scores = [(k, c[k]) for k in ("samples_mean_mse_vs_truth", "gp_mean_mse_vs_truth",
                                  "samples_max_abs_at_observations") if k in c]
    if scores:
        title += "\n" + ", ".join(f"{k} {v:.3g}" for k, v in scores)
    ax.set_title(title, fontsize=9)
    ax.set_xlabel("x")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, "eval_conditional.png"), dpi=100)
    plt.close(fig)


def slices(u):
    """2-D views of count samples [n, n1(, n2, n3)]: rows of 1-D, middle slices of 3-D."""
    if u.ndim == 2:
        return u[:, None, :]
    if u.ndim == 4:
        return u[:, u.shape[1] // 2]
    return u


def plot_counts(m, out_dir, channel, count):
    files = m["files"]
    data = [("reference", files["reference"]), ("generated", files["generated"])]
    if "terminal" in files:
        data.append(("terminal", files["terminal"]))
    data = [(name, slices(load(path, channel, count))) for name, path in data]
    k = min(count, min(len(u) for _, u in data))
    fig, axes = plt.subplots(len(data), k, figsize=(1.4 * k, 1.4 * len(data) + 0.6),
                             squeeze=False)
    hi = data[0][1][:k].max()  # the reference's range (generated sites above it saturate)
    for r, (name, u) in enumerate(data):
        for i in range(k):
            a = axes[r, i]
            a.imshow(u[i], cmap="gray", vmin=0, vmax=max(hi, 1), interpolation="nearest")
            a.set_xticks([])
            a.set_yticks([])
        axes[r, 0].set_ylabel(name)
    fig.suptitle(counts_summary(m), fontsize=8)
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.5 / (1.4 * len(data) + 0.6)))
    fig.savefig(os.path.join(out_dir, "eval_counts_fields.png"), dpi=100)
    plt.close(fig)

    fig, ax = plt.subplots(1, 4, figsize=(20, 4.5))
    s2 = m["s2"]
    for key in s2["generated"]:
        if key == "mean":
            continue
        ax[0].plot(s2["lags"], s2["reference"][key], "-", label=f"reference {key}")
        ax[0].plot(s2["lags"], s2["generated"][key], "--", label=f"generated {key}")
    ax[0].set_title(f"S2(r) per axis (max |diff| {s2['max_abs_difference']:.3g})")
    ax[0].set_xlabel("lag r (sites)")
    ax[0].legend(fontsize=7)
    c = m["chord_lengths"]
    for phase, style in (("pore", "C0"), ("solid", "C3")):
        length = np.arange(len(c["reference_" + phase]))
        ax[1].plot(length[1:], c["reference_" + phase][1:], style, label=f"reference {phase}")
        ax[1].plot(length[1:], c["generated_" + phase][1:], style + "--",
                   label=f"generated {phase}")
    ax[1].set_yscale("log")
    ax[1].set_title(f"chord lengths (TV pore {c['pore_tv']:.3g}, solid {c['solid_tv']:.3g})")
    ax[1].set_xlabel("chord length (sites)")
    ax[1].legend(fontsize=7)
    h = m["intensity_histogram"]
    for name, style in (("reference", "C0o-"), ("generated", "C1s--"), ("terminal", "C2^:")):
        if name in h:
            ax[2].semilogy(np.arange(len(h[name])), np.maximum(h[name], 1e-12), style, ms=3,
                           label=name)
    ax[2].set_ylim(bottom=0.5 * min(v for name in ("reference", "generated")
                                    for v in h[name] if v > 0))
    ax[2].set_title(f"intensity histogram (TV {h['distance_tv']:.3g})")
    ax[2].set_xlabel("count per site")
    ax[2].legend(fontsize=7)
    if "nearest_neighbour" in m:
        nn = m["nearest_neighbour"]
        ax[3].hist(nn["reference_distances"], bins=30, alpha=0.5, label="reference -> training")
        ax[3].hist(nn["generated_distances"], bins=30, alpha=0.5, label="generated -> training")
        ax[3].set_title("nearest-neighbour L2 distance to the training set")
        ax[3].legend(fontsize=7)
    else:
        p = m["porosity"]
        ax[3].hist(p["generated_values"], bins=30, color="C1", alpha=0.7, label="generated")
        ax[3].axvline(p["reference"]["mean"], color="C0", label="reference mean")
        ax[3].set_title("porosity (mass / sites) per generated sample")
        ax[3].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, "eval_counts_stats.png"), dpi=100)
    plt.close(fig)
    plot_classes(m, out_dir, channel, 5)


def load_labelled(path, channel, count_per_class):
    """First samples of each class: {label: [k, ...]}, or None without /labels."""
    with h5py.File(path, "r") as f:
        if "labels" not in f:
            return None
        labels = np.asarray(f["labels"][:])
        out = {}
        for c in np.unique(labels):
            rows = np.flatnonzero(labels == c)[:count_per_class]
            out[int(c)] = slices(np.asarray(f["fields"][np.sort(rows), channel], dtype=float))
        return out


def plot_classes(m, out_dir, channel, count):
    ref = load_labelled(m["files"]["reference"], channel, count)
    gen = load_labelled(m["files"]["generated"], channel, count)
    if ref is None or gen is None:
        return
    classes = sorted(set(ref) | set(gen))
    k = count
    fig, axes = plt.subplots(len(classes), 2 * k + 1, figsize=(0.9 * (2 * k + 1),
                                                                0.9 * len(classes) + 0.4),
                             squeeze=False)
    # Grey scale of the reference's range: a generated site above it shows saturated.
    hi = max(max(u.max() for u in ref.values()), 1)
    for r, c in enumerate(classes):
        for i in range(2 * k + 1):
            a = axes[r, i]
            a.set_xticks([])
            a.set_yticks([])
            a.axis("off")
            u = ref.get(c) if i < k else gen.get(c)
            j = i if i < k else i - k - 1
            if i == k or u is None or j >= len(u):
                continue
            a.imshow(u[j], cmap="gray", vmin=0, vmax=hi, interpolation="nearest")
        axes[r, 0].set_title(f"class {c}", fontsize=7, loc="left")
    fig.suptitle(f"per class: {k} reference samples (left) | {k} generated samples (right)",
                 fontsize=9)
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.3 / (0.9 * len(classes) + 0.4)))
    fig.savefig(os.path.join(out_dir, "eval_counts_classes.png"), dpi=100)
    plt.close(fig)


def counts_summary(m):
    text = (f"porosity (mass / sites) {m['porosity']['generated']['mean']:.4g} vs "
            f"{m['porosity']['reference']['mean']:.4g}, S2 max |diff| "
            f"{m['s2']['max_abs_difference']:.3g}, interface rel. diff "
            f"{m['interface_per_area']['relative_difference']:+.3f}, histogram TV "
            f"{m['intensity_histogram']['distance_tv']:.3g}")
    mass = m["mass"]
    if mass["source"] != "none":
        text += f"\nmass check: {int(mass['violations'])} of {int(mass['checked'])} violate"
    return text


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("dir", help="output directory of fieldgen eval (holds metrics.json)")
    p.add_argument("--samples", type=int, default=20, help="samples drawn per set (default 20)")
    a = p.parse_args()
    with open(os.path.join(a.dir, "metrics.json")) as f:
        m = json.load(f)
    channel = int(next(line.split("=", 1)[1] for line in m["config"].splitlines()
                       if line.startswith("channel =")))
    if m.get("kind") == "counts":
        plot_counts(m, a.dir, channel, min(a.samples, 10))
    elif len(m["shape"]) == 1:
        plot_curves(m, a.dir, channel, a.samples)
    else:
        plot_fields(m, a.dir, channel, min(a.samples, 10))
    if "conditional" in m:
        plot_conditional(m, a.dir, channel, a.samples)
    print("wrote plots to", a.dir)


if __name__ == "__main__":
    main()
