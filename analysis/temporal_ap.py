"""Temporal localisation average precision, as LAV-DF and AV-Deepfake1M report it (AP@IoU).

Every predicted segment of every video, with a confidence, is ranked by confidence over the whole
dataset; going down the ranking, a prediction is a true positive when its temporal IoU with a
not yet matched ground-truth fake segment of the same video reaches the IoU threshold (each truth
segment is matched at most once: duplicates are false positives), else a false positive. AP is
the area under the precision-recall curve with precision made monotone (all-point interpolation,
as ActivityNet's detection AP, whose code those benchmarks use). Genuine videos contribute false
positives only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

Span = tuple[float, float]


def temporal_iou(a: Span, b: Span) -> float:
    overlap = max(0.0, min(a[1], b[1]) - max(a[0], b[0]))
    union = (a[1] - a[0]) + (b[1] - b[0]) - overlap
    return overlap / union if union > 0 else 0.0


def average_precision(
    predictions: Mapping[str, Sequence[tuple[float, float, float]]],
    truths: Mapping[str, Sequence[Span]],
    iou_threshold: float,
) -> float | None:
    """`predictions`: video -> [(start_s, end_s, confidence)]; `truths`: video -> [(start_s, end_s)].
    None when there is no ground-truth segment at all."""
    total = sum(len(spans) for spans in truths.values())
    if total == 0:
        return None
    ranked = sorted(
        ((confidence, video, (start, end)) for video, spans in predictions.items() for start, end, confidence in spans),
        key=lambda row: -row[0],
    )
    matched = {video: [False] * len(spans) for video, spans in truths.items()}
    hits = np.zeros(len(ranked))
    for rank, (_, video, span) in enumerate(ranked):
        candidates = truths.get(video, ())
        overlaps = [temporal_iou(span, truth) if not matched[video][i] else -1.0 for i, truth in enumerate(candidates)]
        best = int(np.argmax(overlaps)) if overlaps else -1
        if best >= 0 and overlaps[best] >= iou_threshold:
            matched[video][best] = True
            hits[rank] = 1
    if not len(ranked):
        return 0.0
    true_positives = np.cumsum(hits)
    precision = true_positives / np.arange(1, len(ranked) + 1)
    recall = true_positives / total
    precision = np.concatenate([[0.0], precision, [0.0]])
    recall = np.concatenate([[0.0], recall, [recall[-1]]])
    for i in range(len(precision) - 2, -1, -1):  # monotone: the best precision at this recall or more
        precision[i] = max(precision[i], precision[i + 1])
    steps = np.flatnonzero(recall[1:] != recall[:-1]) + 1
    return float(np.sum((recall[steps] - recall[steps - 1]) * precision[steps]))


def proposals(
    spans: Sequence[Span], probabilities: Sequence[float], levels: Sequence[float]
) -> list[tuple[float, float, float]]:
    """Candidate fake segments of one video from its windows: for each level, every run of
    consecutive windows at or above it, merged, with the run's highest probability as confidence;
    a span found at several levels is kept once, with its best confidence."""
    found: dict[Span, float] = {}
    for level in levels:
        run: list[int] = []
        for index in [*range(len(spans)), None]:
            if index is not None and probabilities[index] >= level:
                run.append(index)
                continue
            if run:
                span = (spans[run[0]][0], max(spans[i][1] for i in run))
                found[span] = max(found.get(span, 0.0), max(probabilities[i] for i in run))
            run = []
    return [(start, end, confidence) for (start, end), confidence in found.items()]
