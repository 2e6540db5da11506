"""The figures of `python -m analysis.evaluate` (analysis/evaluate.py, the command line): a trained
model on any labelled folder (the cross-dataset protocol: train on one dataset, test on another).

Every video is scored exactly as served: model.frames.sample_video, model.preprocess, then
model.inference.score_clips, and decided by the checkpoint's own rule (model.verdict: calibration,
threshold, uncertain band, in-distribution check). Figures, per video and grouped by source where
the layout knows sources (the folder below real/ and fake/ in the plain layout, the method in
FaceForensics++, the top folder otherwise): ROC-AUC, AP, EER, accuracy/precision/recall at the
stored threshold, ECE, coverage and selective accuracy of the in-distribution definite answers,
the risk-coverage curve. A folder of genuine videos only (`--layout genuine`, or a folder without
real/ and fake/) gives the false-positive figures alone. Writes JSON, text and PNG plots.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import average_precision_score, roc_auc_score, roc_curve

from model.calibration import ece_noise_floor, expected_calibration_error, reliability_bins, sigmoid
from model.checkpoint import load_detector
from model.defaults import DEFAULT_PRECISION
from model.media_types import video_files
from model.precision import uses_bf16
from model.verdict import DecisionRule
from train.datasets import GENUINE_ONLY_LAYOUT, DatasetError, VideoItem, read_dataset
from train.heldout import score_files
from train.plots import plot_pr, plot_reliability, plot_risk_coverage, plot_roc


def read_items(root: Path, layout: str, ffpp_quality: str | None) -> tuple[str, list[VideoItem]]:
    """The labelled videos; `genuine` (or auto on a folder without real/ and fake/): all genuine."""
    plain_like = (root / "real").is_dir() or (root / "fake").is_dir()
    if layout == GENUINE_ONLY_LAYOUT or (
        layout == "auto" and root.is_dir() and not plain_like and not _known_layout(root)
    ):
        paths = video_files(root)
        if not paths:
            raise DatasetError(f"no videos under {root}")
        return GENUINE_ONLY_LAYOUT, [VideoItem(p, 0, f"genuine:{p.relative_to(root).as_posix()}") for p in paths]
    if layout in ("auto", "plain") and plain_like and not ((root / "real").is_dir() and (root / "fake").is_dir()):
        label = 0 if (root / "real").is_dir() else 1
        base = root / ("real" if label == 0 else "fake")
        paths = video_files(base)
        return "plain", [VideoItem(p, label, "plain:" + p.relative_to(base).as_posix()) for p in paths]
    return read_dataset(root, layout, ffpp_quality, require_both=False)


def _known_layout(root: Path) -> bool:
    return any((root / name).exists() for name in ("original_sequences", "Celeb-synthesis", "metadata.json")) or any(
        root.glob("*/metadata.json")
    )


def source_of(item: VideoItem, root: Path, layout: str) -> str:
    """The group a video's figures are also reported under."""
    parts = item.path.relative_to(root).parts
    if layout == "plain":
        return parts[1] if len(parts) > 2 else "(top level)"
    if layout == "ffpp":
        return parts[1] if len(parts) > 1 else parts[0]
    if layout == GENUINE_ONLY_LAYOUT:
        return parts[0] if len(parts) > 1 else "(top level)"
    return parts[0]


def equal_error_rate(labels: np.ndarray, scores: np.ndarray) -> float | None:
    if len(np.unique(labels)) < 2:
        return None
    fpr, tpr, _ = roc_curve(labels, scores)
    fnr = 1 - tpr
    index = int(np.argmin(np.abs(fnr - fpr)))
    return float((fpr[index] + fnr[index]) / 2)


def risk_coverage(labels: np.ndarray, probabilities: np.ndarray, threshold: float, familiar: np.ndarray) -> list[dict]:
    """Answer the most confident familiar clips first (distance of P(fake) from the threshold):
    the error rate of the label among the answered ones, at each coverage of all clips."""
    confidence = np.where(familiar, np.abs(probabilities - threshold), -np.inf)
    order = np.argsort(-confidence, kind="stable")
    order = order[np.isfinite(confidence[order])]
    wrong = ((probabilities[order] >= threshold).astype(int) != labels[order]).astype(float)
    answered = np.arange(1, len(order) + 1)
    return [
        {"coverage": float(n / len(labels)), "risk": float(e)}
        for n, e in zip(answered, np.cumsum(wrong) / np.maximum(answered, 1))
    ]


def figures(labels: np.ndarray, probabilities: np.ndarray, verdicts: list[str], threshold: float) -> dict:
    """The figures of one set of clips (all of them or one source)."""
    called_fake = probabilities >= threshold
    both = len(np.unique(labels)) == 2
    definite = np.array([v in ("real", "fake") for v in verdicts])
    right = np.array([(v == "fake") == bool(y) for v, y in zip(verdicts, labels)])
    positives, negatives = labels == 1, labels == 0
    counts = {v: int(sum(1 for x in verdicts if x == v)) for v in ("real", "fake", "uncertain", "out_of_distribution")}
    return {
        "videos": len(labels),
        "genuine": int(negatives.sum()),
        "fake": int(positives.sum()),
        "roc_auc": float(roc_auc_score(labels, probabilities)) if both else None,
        "average_precision": float(average_precision_score(labels, probabilities)) if both else None,
        "eer": equal_error_rate(labels, probabilities),
        "accuracy": float((called_fake == labels.astype(bool)).mean()) if len(labels) else None,
        "precision": float(labels[called_fake].mean()) if called_fake.any() else None,
        "recall": float(called_fake[positives].mean()) if positives.any() else None,
        "fpr": float(called_fake[negatives].mean()) if negatives.any() else None,
        "verdict_fake_on_genuine": float(np.mean([v == "fake" for v, y in zip(verdicts, labels) if y == 0]))
        if negatives.any()
        else None,
        "ece": expected_calibration_error(probabilities, labels) if len(labels) else None,
        "coverage": float(definite.mean()) if len(labels) else None,
        "selective_accuracy": float(right[definite].mean()) if definite.any() else None,
        "verdicts": counts,
    }


def evaluate(checkpoint: Path, root: Path, layout: str, ffpp_quality: str | None, threads: int | None) -> dict:
    if threads:
        torch.set_num_threads(threads)
    detector, config, meta = load_detector(checkpoint)
    rule = DecisionRule.from_checkpoint(meta)
    layout, items = read_items(root, layout, ffpp_quality)
    scores = score_files(detector, [i.path for i in items], config, uses_bf16(DEFAULT_PRECISION), desc="evaluating")
    kept = [items[i] for i in scores.kept]
    decisions = [
        rule.decide(logit, feature, texture)
        for logit, feature, texture in zip(scores.logits, scores.features, scores.textures)
    ]
    labels = np.array([i.label for i in kept], dtype=np.int64)
    probabilities = np.array([d.probability for d in decisions])
    verdicts = [d.verdict for d in decisions]
    familiar = np.array([d.in_distribution["ok"] is not False for d in decisions], dtype=bool)
    sources = [source_of(i, root, layout) for i in kept]
    by_source = defaultdict(list)
    for index, source in enumerate(sources):
        by_source[source].append(index)
    return {
        "checkpoint": str(checkpoint),
        "data": str(root),
        "layout": layout,
        "model": {
            "trained_on": meta.get("data", {}).get("trained_on"),
            "threshold": rule.threshold,
            "uncertain_band": list(rule.band),
            "calibration": (meta.get("calibration") or {}).get("method"),
            "in_distribution": (meta.get("in_distribution") or {}).get("method"),
        },
        "overall": figures(labels, probabilities, verdicts, rule.threshold),
        "ece_raw": expected_calibration_error(sigmoid(scores.logits), labels) if len(labels) else None,
        "ece_noise_floor": ece_noise_floor(probabilities),
        "by_source": {
            source: figures(labels[index], probabilities[index], [verdicts[i] for i in index], rule.threshold)
            for source, index in sorted(by_source.items())
        },
        "risk_coverage": risk_coverage(labels, probabilities, rule.threshold, familiar),
        "reliability": reliability_bins(probabilities, labels),
        "reliability_raw": reliability_bins(sigmoid(scores.logits), labels),
        "skipped": [{"path": p, "reason": r} for p, r in scores.skipped],
        "videos": [
            {
                "path": str(item.path.relative_to(root)),
                "label": int(item.label),
                "source": source,
                "probability": round(d.probability, 6),
                "probability_raw": round(d.probability_raw, 6),
                "verdict": d.verdict,
                "in_distribution": d.in_distribution,
            }
            for item, source, d in zip(kept, sources, decisions)
        ],
    }


def write_outputs(result: dict, out_dir: Path) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {kind: out_dir / f"evaluation.{kind}" for kind in ("json", "txt")}
    paths |= {kind: out_dir / f"{kind}.png" for kind in ("roc", "pr", "reliability", "risk_coverage")}
    paths["json"].write_text(json.dumps(result, indent=1))
    paths["txt"].write_text(readable(result))
    labels = np.array([v["label"] for v in result["videos"]])
    probabilities = np.array([v["probability"] for v in result["videos"]])
    overall = result["overall"]
    plot_roc({"all videos": (labels, probabilities)}, paths["roc"], {"stored": (overall["fpr"], overall["recall"])})
    plot_pr({"all videos": (labels, probabilities)}, paths["pr"])
    plot_reliability({"raw": result["reliability_raw"], "calibrated": result["reliability"]}, paths["reliability"])
    plot_risk_coverage(result["risk_coverage"], paths["risk_coverage"])
    return paths


def _fmt(value) -> str:
    return "   n/a" if value is None else f"{value:6.3f}"


def readable(result: dict) -> str:
    model = result["model"]
    lines = [
        f"Evaluation of {result['checkpoint']} on {result['data']} ({result['layout']} layout)",
        (
            f"model trained on: {model['trained_on']}; threshold {model['threshold']:.4f}, uncertain band "
            f"[{model['uncertain_band'][0]:.4f}, {model['uncertain_band'][1]:.4f}), "
            f"calibration {model['calibration']}, "
            f"in-distribution check {model['in_distribution'] or 'unavailable'}"
        ),
        "",
        (
            "source                         videos genuine  fake  ROC-AUC    AP    EER    acc   prec recall    FPR "
            "v.fake    ECE  cover sel.acc"
        ),
    ]
    rows = [("ALL", result["overall"])] + list(result["by_source"].items())
    for name, f in rows:
        lines.append(
            f"{name[:30]:30s} {f['videos']:6d} {f['genuine']:7d} {f['fake']:5d}  {_fmt(f['roc_auc'])} "
            + " ".join(
                _fmt(f[k])
                for k in (
                    "average_precision",
                    "eer",
                    "accuracy",
                    "precision",
                    "recall",
                    "fpr",
                    "verdict_fake_on_genuine",
                    "ece",
                    "coverage",
                    "selective_accuracy",
                )
            )
        )
    floor = result["ece_noise_floor"]
    lines += [
        "",
        f"verdicts: {result['overall']['verdicts']}",
        (
            f"ECE a perfectly calibrated model would show on these videos: {_fmt(floor['median'])} "
            f"(90% of draws <= {_fmt(floor['p90'])}); a measured ECE near it is sampling noise"
        ),
    ]
    if result["skipped"]:
        lines += ["", f"skipped {len(result['skipped'])} videos that could not be decoded:"]
        lines += [f"  {s['path']}: {s['reason']}" for s in result["skipped"]]
    return "\n".join(lines) + "\n"
