"""One PNG an analyst can read at a glance: frames in time order, their Grad-CAM overlays, and
the per-frame scores and temporal saliency plotted under them."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt
import numpy as np


def write_contact_sheet(
    path: Path,
    frames: list[np.ndarray],
    overlays: list[np.ndarray],
    timestamps_s: list[float],
    frame_scores: list[float],
    saliency: list[float],
    probability: float,
    threshold: float,
    title: str,
) -> Path:
    count = len(frames)
    figure = plt.figure(figsize=(max(8.0, 1.1 * count), 4.6), dpi=100)
    grid = figure.add_gridspec(3, count, height_ratios=[1, 1, 1.4], hspace=0.25, wspace=0.05)
    for slot in range(count):
        for row, images in enumerate((frames, overlays)):
            axis = figure.add_subplot(grid[row, slot])
            axis.imshow(images[slot])
            axis.set_xticks([])
            axis.set_yticks([])
            if row == 0:
                axis.set_title(f"{timestamps_s[slot]:.1f}s", fontsize=7)
    plot = figure.add_subplot(grid[2, :])
    positions = np.arange(count)
    plot.bar(positions, saliency, color="tab:orange", alpha=0.5, label="share of the decision (Grad-CAM mass)")
    plot.plot(positions, frame_scores, "o-", color="tab:blue", label="frame score P(fake), frame alone")
    plot.axhline(threshold, color="grey", linestyle="--", linewidth=1, label=f"threshold {threshold:.2f}")
    plot.axhline(probability, color="tab:red", linewidth=1, label=f"clip P(fake) {probability:.3f}")
    plot.set_xlim(-0.5, count - 0.5)
    plot.set_ylim(0, 1)
    plot.set_xticks(positions, [f"{t:.1f}" for t in timestamps_s], fontsize=7)
    plot.set_xlabel("frame time (s)")
    plot.legend(fontsize=7, loc="upper left", ncol=2)
    figure.suptitle(title, fontsize=10)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, bbox_inches="tight")
    plt.close(figure)
    return path
