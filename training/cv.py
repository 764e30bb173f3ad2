"""Choose a model, its stopping point and its threshold by cross-validation over groups of the training data.

Why: a checkpoint and threshold picked on a dev set drawn from the same debates as train looked far better than they
were (check-worthiness: F1 0.89 on dev-test, 0.67 on the held-out test year). Folds made of contiguous runs of
debates (other years, other speakers) ask the question users care about: how does it do on text it has not seen the
like of? Nothing here needs torch, so the selection logic is tested with the rest of the package.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

THRESHOLDS = np.round(np.arange(0.05, 0.951, 0.01), 2)


def contiguous_folds(keys: Sequence[float], k: int) -> list[np.ndarray]:
    """Indices of `keys` cut into `k` folds of (nearly) equal size, each a contiguous run of sorted keys.

    CheckThat! sentence ids run in debate order, so each fold is a different stretch of years and speakers.
    """
    if k < 2:
        raise ValueError(f"need at least 2 folds, got {k}")
    if len(keys) < k:
        raise ValueError(f"{len(keys)} items cannot make {k} folds")
    order = np.argsort(np.asarray(keys, dtype=np.float64), kind="stable")
    n = len(order)
    return [order[round(j * n / k): round((j + 1) * n / k)] for j in range(k)]


def f1_scores(gold: np.ndarray, probs: np.ndarray, thresholds: np.ndarray = THRESHOLDS) -> np.ndarray:
    """F1 of the positive class at each threshold (a prediction is positive when prob >= threshold)."""
    gold = np.asarray(gold, dtype=bool)
    predicted = np.asarray(probs)[None, :] >= np.asarray(thresholds)[:, None]
    tp = (predicted & gold).sum(1)
    fp = (predicted & ~gold).sum(1)
    fn = (~predicted & gold).sum(1)
    denominator = 2 * tp + fp + fn
    return np.where(denominator > 0, 2 * tp / np.maximum(denominator, 1), 0.0)


def best_threshold(gold: np.ndarray, probs: np.ndarray) -> tuple[float, float]:
    """(threshold, F1) with the best F1 on the grid; ties go to the threshold nearest 0.5, the least tuned."""
    f1 = np.round(f1_scores(gold, probs), 6)
    candidates = np.flatnonzero(f1 == f1.max())
    pick = candidates[np.argmin(np.abs(THRESHOLDS[candidates] - 0.5))]
    return float(THRESHOLDS[pick]), float(f1[pick])


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=np.float64)))


@dataclass(frozen=True)
class Candidate:
    """One (configuration, stopping point) judged on the out-of-fold scores of every fold."""

    config: str
    epoch: float
    threshold: float  # best F1 threshold on all folds' out-of-fold probabilities pooled
    pooled_f1: float
    fold_f1: tuple[float, ...]  # each fold's F1 at that pooled threshold

    @property
    def mean_f1(self) -> float:
        return float(np.mean(self.fold_f1))

    @property
    def worst_f1(self) -> float:
        return float(np.min(self.fold_f1))


def candidates(runs: Mapping[str, Sequence[dict]]) -> list[Candidate]:
    """Every (configuration, stopping point) of `runs`, judged across folds.

    `runs[config]` holds one dict per fold: `epochs` (the stopping points evaluated, the same for every fold of a
    configuration), `logits` (`[points, n_fold]`, the held-out fold's scores at each point) and `gold` (`[n_fold]`).
    """
    out = []
    for config, folds in runs.items():
        epochs = list(folds[0]["epochs"])
        for p, epoch in enumerate(epochs):
            probs = [sigmoid(np.asarray(f["logits"])[p]) for f in folds]
            golds = [np.asarray(f["gold"], dtype=bool) for f in folds]
            threshold, pooled = best_threshold(np.concatenate(golds), np.concatenate(probs))
            t = np.array([threshold])
            fold_f1 = tuple(float(f1_scores(g, q, t)[0]) for g, q in zip(golds, probs, strict=True))
            out.append(Candidate(config, float(epoch), threshold, pooled, fold_f1))
    return out


def choose(found: Sequence[Candidate]) -> Candidate:
    """The candidate with the best mean F1 over folds; near-ties (within 0.002) go to the earlier stopping point."""
    best = max(c.mean_f1 for c in found)
    close = [c for c in found if c.mean_f1 >= best - 0.002]
    return min(close, key=lambda c: (c.epoch, -c.mean_f1))


def platt(logits: np.ndarray, gold: np.ndarray, iterations: int = 50) -> tuple[float, float]:
    """(a, b) so that sigmoid(a * logit + b) is calibrated on these out-of-fold scores (Platt scaling, Newton steps).

    Fitted on out-of-fold scores and applied to the model trained on all folds, as scikit-learn's
    `CalibratedClassifierCV(ensemble=False)` does. The training objective's `pos_weight` shifts every logit
    upwards; this takes the shift (and any over-confidence) back out, so a score reads as a probability.
    """
    z = np.asarray(logits, dtype=np.float64)
    y = np.asarray(gold, dtype=np.float64)
    n_pos, n_neg = y.sum(), len(y) - y.sum()
    target = np.where(y > 0, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))  # Platt's smoothed targets
    a, b = 1.0, 0.0
    for _ in range(iterations):
        p = sigmoid(a * z + b)
        w = np.maximum(p * (1 - p), 1e-12)
        g = np.array([((p - target) * z).sum(), (p - target).sum()])
        h = np.array([[(w * z * z).sum(), (w * z).sum()], [(w * z).sum(), w.sum()]]) + 1e-9 * np.eye(2)
        step = np.linalg.solve(h, g)
        a, b = a - step[0], b - step[1]
        if np.abs(step).max() < 1e-10:
            break
    return float(a), float(b)


def calibration_error(probs: np.ndarray, gold: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error: the size-weighted gap between mean score and share of positives per score bin."""
    probs = np.asarray(probs, dtype=np.float64)
    gold = np.asarray(gold, dtype=np.float64)
    which = np.minimum((probs * bins).astype(int), bins - 1)
    error = 0.0
    for b in range(bins):
        inside = which == b
        if inside.any():
            error += inside.mean() * abs(probs[inside].mean() - gold[inside].mean())
    return float(error)
