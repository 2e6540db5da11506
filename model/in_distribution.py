"""Is a clip like the ones the model was trained on? A distance of its pooled clip feature (the
temporal encoder's output, the head's input) to the training clips' features.

Two measures, fitted at the end of training, compared, the better one kept:
- "mahalanobis": squared Mahalanobis distance to the nearest class mean under one covariance
  shared by both classes, shrunk towards a scaled identity (Ledoit-Wolf: 512 dimensions from a
  few thousand clips need it);
- "knn": cosine distance to the k-th nearest training clip (L2-normalised features).
The threshold is the score that `coverage` of held-out in-distribution clips stay under (e.g.
0.99: about 1 in 100 familiar clips is flagged). Larger scores are less familiar. The fitted
state is tensors and plain numbers only (torch.load(weights_only=True)).

A flat-input gate completes it: in a weakly trained model's pooled features a flat-colour clip
lies inside the familiar cloud (its activations are small, near the mean), so no feature
distance flags it. `texture_of` (mean absolute difference of neighbouring pixels of the network
input) is ~0 for such a clip; a clip with less than half the texture of the flattest
(1 - coverage) share of familiar held-out clips is unfamiliar too.
"""

from __future__ import annotations

import numpy as np
import torch

from model.defaults import DEFAULT_COVERAGE

IN_DISTRIBUTION_METHODS = ("mahalanobis", "knn")
DEFAULT_K = 5
MAX_BANK = 4096  # training features kept for k-NN: 4096 x 512 float16 = 4 MiB in the checkpoint


def _as_tensor(features) -> torch.Tensor:
    tensor = torch.as_tensor(np.asarray(features) if not isinstance(features, torch.Tensor) else features)
    tensor = tensor.detach().to(torch.float64)
    return tensor.unsqueeze(0) if tensor.dim() == 1 else tensor


def ledoit_wolf(centred: torch.Tensor) -> tuple[torch.Tensor, float]:
    """Shrunk covariance (1 - a) S + a mu I of centred rows, with Ledoit & Wolf's (2004) a."""
    n, d = centred.shape
    sample = centred.T @ centred / n
    mu = torch.trace(sample) / d
    target_distance = ((sample - mu * torch.eye(d, dtype=sample.dtype)) ** 2).sum()
    squares = centred**2
    spread = ((squares.T @ squares) / n - sample**2).sum() / n
    shrinkage = float(torch.clamp(spread / target_distance, 0.0, 1.0)) if target_distance > 0 else 1.0
    covariance = (1 - shrinkage) * sample + shrinkage * mu * torch.eye(d, dtype=sample.dtype)
    return covariance, shrinkage


def fit_mahalanobis(features, labels) -> dict:
    x = _as_tensor(features)
    y = torch.as_tensor(np.asarray(labels), dtype=torch.long)
    classes = sorted(int(c) for c in torch.unique(y))
    means = torch.stack([x[y == c].mean(dim=0) for c in classes])
    centred = x - means[torch.searchsorted(torch.tensor(classes), y)]
    covariance, shrinkage = ledoit_wolf(centred)
    precision = torch.linalg.pinv(covariance, hermitian=True)
    return {"means": means.float(), "precision": precision.float(), "shrinkage": shrinkage}


def mahalanobis_scores(features, state: dict) -> torch.Tensor:
    x = _as_tensor(features)
    means = state["means"].to(torch.float64)
    precision = state["precision"].to(torch.float64)
    differences = x[:, None, :] - means[None, :, :]  # (N, C, D)
    distances = torch.einsum("ncd,de,nce->nc", differences, precision, differences)
    return distances.min(dim=1).values


def _normalise(x: torch.Tensor) -> torch.Tensor:
    return x / x.norm(dim=1, keepdim=True).clamp_min(1e-12)


def fit_knn(features, k: int = DEFAULT_K, max_bank: int = MAX_BANK, seed: int = 0) -> dict:
    x = _normalise(_as_tensor(features))
    if len(x) > max_bank:
        keep = torch.from_numpy(np.random.default_rng(seed).choice(len(x), max_bank, replace=False))
        x = x[torch.sort(keep).values]
    return {"bank": x.to(torch.float16), "k": int(min(k, len(x)))}


def knn_scores(features, state: dict) -> torch.Tensor:
    x = _normalise(_as_tensor(features)).float()
    bank = state["bank"].float()
    similarities = x @ bank.T  # (N, M)
    kth = similarities.topk(int(state["k"]), dim=1).values[:, -1]
    return (1 - kth).to(torch.float64)


_SCORERS = {"mahalanobis": mahalanobis_scores, "knn": knn_scores}


def score_features(features, in_distribution: dict) -> np.ndarray:
    """Unfamiliarity of pooled clip features (N, D) or (D,) under a fitted check: (N,) float64."""
    method = in_distribution["method"]
    if method not in _SCORERS:
        raise ValueError(f"unknown in-distribution method {method!r}; known: {IN_DISTRIBUTION_METHODS}")
    return _SCORERS[method](features, in_distribution["state"]).numpy()


def ood_score(feature, in_distribution: dict) -> float:
    """The unfamiliarity score of one pooled clip feature (D,)."""
    return float(score_features(feature, in_distribution)[0])


def texture_of(clip: torch.Tensor) -> float:
    """Mean absolute difference of horizontally and vertically neighbouring values of a (T, 3, S, S)
    network input (normalised units): ~0 for a flat colour, larger the more detail a clip has."""
    clip = clip.detach().float()
    across = (clip[..., :, 1:] - clip[..., :, :-1]).abs().mean()
    down = (clip[..., 1:, :] - clip[..., :-1, :]).abs().mean()
    return float((across + down) / 2)


def fit_texture_gate(textures, coverage: float) -> dict:
    """{"low": half the (1 - coverage) quantile of familiar clips' texture}: flatter is unfamiliar."""
    low = 0.5 * float(np.quantile(np.asarray(textures, dtype=np.float64), 1 - coverage))
    return {"low": low, "rule": "texture < low is unfamiliar (half the texture of the flattest familiar clips)"}


def check(feature, in_distribution: dict | None, texture: float | None = None) -> dict:
    """The answer's `in_distribution` block: {available, score, threshold, ok} (+ `texture` and
    `texture_low` where the check has a flat-input gate and the texture is given)."""
    if not in_distribution:
        return {"available": False, "score": None, "threshold": None, "ok": None}
    score = ood_score(feature, in_distribution)
    threshold = float(in_distribution["threshold"])
    answer = {"available": True, "score": score, "threshold": threshold, "ok": bool(score <= threshold)}
    gate = in_distribution.get("texture_gate")
    if gate and texture is not None:
        answer |= {"texture": float(texture), "texture_low": float(gate["low"])}
        answer["ok"] = answer["ok"] and float(texture) >= float(gate["low"])
    return answer


def threshold_at_coverage(scores: np.ndarray, coverage: float) -> float:
    """The score that `coverage` of these (in-distribution) clips stay at or under."""
    if not 0 < coverage <= 1:
        raise ValueError(f"coverage must be in (0, 1], got {coverage}")
    return float(np.quantile(np.asarray(scores, dtype=np.float64), coverage, method="higher"))


def _auroc(familiar: np.ndarray, foreign: np.ndarray) -> float:
    """P(a foreign clip scores above a familiar one), ties counted half."""
    higher = (foreign[:, None] > familiar[None, :]).mean()
    ties = (foreign[:, None] == familiar[None, :]).mean()
    return float(higher + 0.5 * ties)


def _fit_method(method: str, features, labels, k: int, seed: int) -> dict:
    if method == "mahalanobis":
        return fit_mahalanobis(features, labels)
    return fit_knn(features, k=k, seed=seed)


def fit_in_distribution(
    train_features,
    train_labels,
    heldout_features,
    foreign_features,
    coverage: float = DEFAULT_COVERAGE,
    k: int = DEFAULT_K,
    seed: int = 0,
    fitted_on: str = "",
    heldout_textures=None,
) -> dict:
    """The checkpoint's `in_distribution`. Each method is fitted on the training features and
    thresholded at `coverage` of the held-out (familiar) clips; the one flagging more of the
    foreign probe clips at that threshold is kept (then the higher AUROC familiar vs foreign)."""
    compared, fitted = {}, {}
    foreign_given = foreign_features is not None and len(foreign_features) > 0
    for method in IN_DISTRIBUTION_METHODS:
        state = _fit_method(method, train_features, train_labels, k, seed)
        probe = {"method": method, "state": state}
        familiar = score_features(heldout_features, probe)
        threshold = threshold_at_coverage(familiar, coverage)
        foreign = score_features(foreign_features, probe) if foreign_given else np.zeros(0)
        fitted[method] = {**probe, "threshold": threshold}
        compared[method] = {
            "heldout_flagged": float((familiar > threshold).mean()),
            "foreign_flagged": float((foreign > threshold).mean()) if foreign_given else None,
            "auroc_foreign": _auroc(familiar, foreign) if foreign_given else None,
        }
    kept = max(
        IN_DISTRIBUTION_METHODS,
        key=lambda m: (compared[m]["foreign_flagged"] or 0.0, compared[m]["auroc_foreign"] or 0.0, m == "mahalanobis"),
    )
    gate = (
        fit_texture_gate(heldout_textures, coverage) if heldout_textures is not None and len(heldout_textures) else None
    )
    return {
        **fitted[kept],
        "texture_gate": gate,
        "coverage": float(coverage),
        "feature": "pooled clip feature (temporal encoder output)",
        "fitted_on": fitted_on,
        "compared": compared,
    }
