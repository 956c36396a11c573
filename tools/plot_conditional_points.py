#!/usr/bin/python3
"""Plots conditional samples on a point set (a field file with /coords, e.g. from `fieldgen
sample` with the GNO and off-grid observations) with the observations marked, and prints the
largest |u(x_k) - y_k| over samples and observations (0 up to float rounding for hard
conditioning). Debian's python3-matplotlib/h5py/numpy only:
    /usr/bin/python3 tools/plot_conditional_points.py SAMPLES.h5 OBSERVATIONS.csv OUT.png"""
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def main():
    samples, observations, out = sys.argv[1:4]
    with h5py.File(samples, "r") as f:
        u = np.asarray(f["fields"][:, 0], dtype=float)
        x = np.asarray(f["coords"][0, :, 0], dtype=float)
    obs = np.loadtxt(observations, delimiter=",", skiprows=1, ndmin=2)
    at = [int(np.argmin(np.abs(x - ox))) for ox in obs[:, 0]]
    gap = np.max(np.abs(u[:, at] - obs[:, 1]))
    print(f"{samples}: {len(u)} samples on {len(x)} points, max |u(x_obs) - y_obs| = {gap:.3g}")
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for row in u:
        ax.plot(x, row, lw=0.8, alpha=0.7)
    ax.plot(obs[:, 0], obs[:, 1], "kx", ms=10, mew=2, label="observations")
    ax.set_title(f"conditional samples ({len(u)}) on {len(x)} points")
    ax.set_xlabel("x")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out, dpi=100)


if __name__ == "__main__":
    main()
