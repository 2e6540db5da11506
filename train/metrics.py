"""Classification figures of a set of predictions: P(fake) per video against its label."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    classification_report,
    confusion_matrix,
    f1_score,
    precision_score,
    recall_score,
    roc_auc_score,
)

CLASS_NAMES = ["real", "fake"]


def roc_auc(labels: np.ndarray, probabilities: np.ndarray) -> float | None:
    """None when only one class is present (AUC is undefined there)."""
    if len(np.unique(labels)) < 2:
        return None
    return float(roc_auc_score(labels, probabilities))


def compute_metrics(labels: np.ndarray, probabilities: np.ndarray, threshold: float = 0.5) -> dict:
    labels = np.asarray(labels).astype(int)
    probabilities = np.asarray(probabilities, dtype=np.float64)
    predicted = (probabilities >= threshold).astype(int)
    auc = roc_auc(labels, probabilities)
    both = len(np.unique(labels)) == 2
    return {
        "videos": len(labels),
        "threshold": float(threshold),
        "accuracy": float(accuracy_score(labels, predicted)),
        "precision": float(precision_score(labels, predicted, zero_division=0)),
        "recall": float(recall_score(labels, predicted, zero_division=0)),
        "f1": float(f1_score(labels, predicted, zero_division=0)),
        "roc_auc": auc,
        "average_precision": float(average_precision_score(labels, probabilities)) if both else None,
        "confusion_matrix": {
            "labels": CLASS_NAMES,
            "rows_true_columns_predicted": confusion_matrix(labels, predicted, labels=[0, 1]).tolist(),
        },
        "classification_report": classification_report(
            labels, predicted, labels=[0, 1], target_names=CLASS_NAMES, output_dict=True, zero_division=0
        ),
    }


def classification_report_text(labels: np.ndarray, probabilities: np.ndarray, threshold: float = 0.5) -> str:
    predicted = (np.asarray(probabilities) >= threshold).astype(int)
    return classification_report(labels, predicted, labels=[0, 1], target_names=CLASS_NAMES, digits=3, zero_division=0)
