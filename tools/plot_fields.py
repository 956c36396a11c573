#!/usr/bin/python3
"""Plots fieldgen HDF5 field files: curves (1-D) as a sample of lines with mean +- std, images
(2-D) as a grid. Writes <file>.png beside each input. Uses Debian's python3-h5py/matplotlib.
    /usr/bin/python3 tools/plot_fields.py FILE.h5 [FILE.h5 ...] [--samples 16]"""
import argparse
import os

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def plot_curves(fields, total, lo, hi, title, out, samples):
    x = np.linspace(lo[0], hi[0], fields.shape[-1])
    u = fields[:, 0, :]
    mean, std = u.mean(axis=0), u.std(axis=0)
    fig, ax = plt.subplots(1, 2, figsize=(11, 4))
    for row in u[:samples]:
        ax[0].plot(x, row, lw=0.8, alpha=0.8)
    ax[0].set_title(f"{title}: {samples} of {total} curves")
    ax[1].plot(x, mean, "k", label="mean")
    ax[1].fill_between(x, mean - std, mean + std, alpha=0.3, label="mean $\\pm$ std")
    ax[1].set_title(f"pointwise mean and std ({u.shape[0]} curves)")
    ax[1].legend()
    for a in ax:
        a.set_xlabel("x")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def plot_images(fields, total, labels, title, out, samples):
    k = int(np.ceil(np.sqrt(samples)))
    fig, axes = plt.subplots(k, k, figsize=(1.6 * k, 1.6 * k))
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < min(samples, fields.shape[0]):
            ax.imshow(fields[i, 0], cmap="gray_r")
            if labels is not None:
                ax.set_title(str(labels[i]), fontsize=8)
    fig.suptitle(f"{title}: {min(samples, fields.shape[0])} of {total} samples")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="+")
    parser.add_argument("--samples", type=int, default=16)
    args = parser.parse_args()
    for path in args.files:
        with h5py.File(path, "r") as f:
            dset = f["fields"]
            total = dset.shape[0]
            # Statistics use up to 5000 samples; the plots show args.samples of them.
            fields = dset[: max(args.samples, min(total, 5000))]
            lo, hi = dset.attrs["domain_lo"], dset.attrs["domain_hi"]
            labels = f["labels"][: args.samples] if "labels" in f else None
        out = os.path.splitext(path)[0] + ".png"
        title = os.path.basename(path)
        if fields.ndim == 3:
            plot_curves(fields.astype(float), total, lo, hi, title, out, args.samples)
        else:
            plot_images(fields.astype(float), total, labels, title, out, args.samples)
        print(f"plot: {out}")


if __name__ == "__main__":
    main()
