"""PNG figures shared by the demo model's report and `analysis.evaluate`: reliability diagram,
ROC, precision-recall and risk-coverage curves."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display on servers
import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import precision_recall_curve, roc_auc_score, roc_curve


def plot_reliability(curves: dict[str, list[dict]], path: Path, title: str = "Reliability diagram") -> None:
    """`curves`: name -> model.calibration.reliability_bins rows (e.g. before and after calibration)."""
    figure, axes = plt.subplots(figsize=(5, 5))
    axes.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfectly calibrated")
    for name, rows in curves.items():
        if rows:
            axes.plot([r["mean_probability"] for r in rows], [r["fraction_fake"] for r in rows], marker="o", label=name)
    axes.set(xlabel="mean predicted P(fake)", ylabel="fraction of fakes", title=title, xlim=(0, 1), ylim=(0, 1))
    axes.legend(loc="upper left")
    _save(figure, path)


def plot_roc(curves: dict[str, tuple[np.ndarray, np.ndarray]], path: Path, marks: dict | None = None) -> None:
    """`curves`: name -> (labels, P(fake)); `marks`: name -> (fpr, tpr) of the operating point."""
    figure, axes = plt.subplots(figsize=(5, 5))
    for name, (labels, scores) in curves.items():
        if len(np.unique(labels)) == 2:
            fpr, tpr, _ = roc_curve(labels, scores)
            axes.plot(fpr, tpr, label=f"{name} (AUC {roc_auc_score(labels, scores):.3f})")
    for name, (fpr, tpr) in (marks or {}).items():
        if fpr is not None and tpr is not None:
            axes.plot([fpr], [tpr], marker="x", markersize=10, linestyle="none", label=f"operating point ({name})")
    axes.plot([0, 1], [0, 1], linestyle="--", color="grey", label="chance")
    axes.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC curve (fake = positive)")
    axes.legend(loc="lower right", fontsize=8)
    _save(figure, path)


def plot_pr(curves: dict[str, tuple[np.ndarray, np.ndarray]], path: Path) -> None:
    figure, axes = plt.subplots(figsize=(5, 5))
    for name, (labels, scores) in curves.items():
        if len(np.unique(labels)) == 2:
            precision, recall, _ = precision_recall_curve(labels, scores)
            axes.plot(recall, precision, label=name)
    axes.set(xlabel="recall", ylabel="precision", title="Precision-recall (fake = positive)", ylim=(0, 1.02))
    if axes.lines:
        axes.legend(loc="lower left", fontsize=8)
    else:  # a folder of one class (genuine videos only): no curve to draw
        axes.text(0.5, 0.5, "no curve: the videos are of one class", ha="center", va="center")
    _save(figure, path)


def plot_risk_coverage(curve: list[dict], path: Path) -> None:
    """`curve`: rows {coverage, risk} (analysis.evaluation.risk_coverage)."""
    figure, axes = plt.subplots(figsize=(5, 4))
    axes.plot([r["coverage"] for r in curve], [r["risk"] for r in curve])
    axes.set(xlabel="coverage (share of clips answered)", ylabel="risk (error rate of the answers)", xlim=(0, 1))
    axes.set_title("Risk-coverage (most confident answered first)")
    _save(figure, path)


def _save(figure, path: Path) -> None:
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
