"""The training report written next to the .pth: <stem>.report.json, <stem>.report.txt and PNG
plots <stem>.roc.png, <stem>.pr.png, <stem>.confusion.png, <stem>.curves.png."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display on servers
import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import ConfusionMatrixDisplay, precision_recall_curve, roc_curve

from train.metrics import CLASS_NAMES, classification_report_text, compute_metrics


@dataclass
class Evaluation:
    """One split's predictions: labels and P(fake) per video, in the split's order."""

    name: str  # "validation" or "test"
    labels: np.ndarray
    probabilities: np.ndarray
    paths: list[str] = field(default_factory=list)

    def metrics(self, threshold: float) -> dict:
        return compute_metrics(self.labels, self.probabilities, threshold)


def report_paths(checkpoint: Path) -> dict[str, Path]:
    stem = checkpoint.with_suffix("")
    return {
        kind: Path(f"{stem}.{kind}")
        for kind in ("report.json", "report.txt", "roc.png", "pr.png", "confusion.png", "curves.png")
    }


def write_report(
    checkpoint: Path, evaluations: list[Evaluation], history: list[dict], threshold: float, summary: dict
) -> dict[str, Path]:
    paths = report_paths(checkpoint)
    document = {
        "checkpoint": checkpoint.name,
        **summary,
        **{e.name: e.metrics(threshold) for e in evaluations},
        "history": history,
        "predictions": {
            e.name: [
                {"path": path, "label": int(label), "p_fake": round(float(p_fake), 6)}
                for path, label, p_fake in zip(e.paths, e.labels, e.probabilities)
            ]
            for e in evaluations
        },
    }
    paths["report.json"].write_text(json.dumps(document, indent=1))
    paths["report.txt"].write_text(_readable(checkpoint, evaluations, history, threshold, summary))
    _plot_roc(evaluations, paths["roc.png"])
    _plot_pr(evaluations, paths["pr.png"])
    _plot_confusion(evaluations, threshold, paths["confusion.png"])
    _plot_curves(history, paths["curves.png"])
    return paths


def _readable(
    checkpoint: Path, evaluations: list[Evaluation], history: list[dict], threshold: float, summary: dict
) -> str:
    lines = [f"Training report for {checkpoint.name}", ""]
    if summary.get("notice"):
        lines += [summary["notice"], ""]
    for key in ("layout", "data_dir", "splits", "best_epoch", "epochs_run", "train_seconds", "precision", "threads"):
        if key in summary:
            lines.append(f"{key}: {summary[key]}")
    for evaluation in evaluations:
        figures = evaluation.metrics(threshold)
        auc = "n/a" if figures["roc_auc"] is None else f"{figures['roc_auc']:.4f}"
        (tn, fp), (fn, tp) = figures["confusion_matrix"]["rows_true_columns_predicted"]
        lines += [
            "",
            f"== {evaluation.name} ({figures['videos']} videos, threshold {threshold}) ==",
            (
                f"ROC-AUC {auc}  accuracy {figures['accuracy']:.4f}  precision {figures['precision']:.4f}  "
                f"recall {figures['recall']:.4f}  F1 {figures['f1']:.4f}"
            ),
            "confusion matrix (rows: true, columns: predicted)",
            "            pred real  pred fake",
            f"true real   {tn:9d}  {fp:9d}",
            f"true fake   {fn:9d}  {tp:9d}",
            "",
            classification_report_text(evaluation.labels, evaluation.probabilities, threshold),
        ]
    if history:
        lines += ["", "epoch  train_loss  val_loss  val_auc"]
        for row in history:
            lines.append(
                f"{row['epoch']:5d}  {row['train_loss']:10.4f}  {_fmt(row.get('val_loss'))}  {_fmt(row.get('val_auc'))}"
            )
    return "\n".join(lines) + "\n"


def _fmt(value) -> str:
    return f"{value:8.4f}" if isinstance(value, (int, float)) else "       -"


def _plot_roc(evaluations: list[Evaluation], path: Path) -> None:
    figure, axes = plt.subplots(figsize=(5, 5))
    for evaluation in evaluations:
        if len(np.unique(evaluation.labels)) == 2:
            fpr, tpr, _ = roc_curve(evaluation.labels, evaluation.probabilities)
            auc = evaluation.metrics(0.5)["roc_auc"]
            axes.plot(fpr, tpr, label=f"{evaluation.name} (AUC {auc:.3f})")
    axes.plot([0, 1], [0, 1], linestyle="--", color="grey", label="chance")
    axes.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC curve (fake = positive)")
    axes.legend(loc="lower right")
    _save(figure, path)


def _plot_pr(evaluations: list[Evaluation], path: Path) -> None:
    figure, axes = plt.subplots(figsize=(5, 5))
    for evaluation in evaluations:
        if len(np.unique(evaluation.labels)) == 2:
            precision, recall, _ = precision_recall_curve(evaluation.labels, evaluation.probabilities)
            axes.plot(recall, precision, label=evaluation.name)
    axes.set(xlabel="recall", ylabel="precision", title="Precision-recall (fake = positive)", ylim=(0, 1.02))
    axes.legend(loc="lower left")
    _save(figure, path)


def _plot_confusion(evaluations: list[Evaluation], threshold: float, path: Path) -> None:
    figure, axes = plt.subplots(1, len(evaluations), figsize=(4.5 * len(evaluations), 4), squeeze=False)
    for axis, evaluation in zip(axes[0], evaluations):
        predicted = (evaluation.probabilities >= threshold).astype(int)
        ConfusionMatrixDisplay.from_predictions(
            evaluation.labels, predicted, labels=[0, 1], display_labels=CLASS_NAMES, ax=axis, colorbar=False
        )
        axis.set_title(f"{evaluation.name} (threshold {threshold})")
    _save(figure, path)


def _plot_curves(history: list[dict], path: Path) -> None:
    figure, (loss_axis, auc_axis) = plt.subplots(1, 2, figsize=(10, 4))
    epochs = [row["epoch"] for row in history]
    loss_axis.plot(epochs, [row["train_loss"] for row in history], label="train")
    evaluated = [row for row in history if row.get("val_auc") is not None]
    loss_axis.plot([r["epoch"] for r in evaluated], [r["val_loss"] for r in evaluated], marker="o", label="validation")
    loss_axis.set(xlabel="epoch", ylabel="BCE loss", title="Loss")
    loss_axis.legend()
    auc_axis.plot([r["epoch"] for r in evaluated], [r["val_auc"] for r in evaluated], marker="o")
    auc_axis.set(xlabel="epoch", ylabel="ROC-AUC", title="Validation ROC-AUC", ylim=(0, 1))
    _save(figure, path)


def _save(figure, path: Path) -> None:
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
