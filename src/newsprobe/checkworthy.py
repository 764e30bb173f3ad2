"""Check-worthiness of sentences: does this sentence make a factual claim worth checking?

A MiniLM sentence encoder fine-tuned on CheckThat! 2024 English (see `models/checkworthy/MODEL_CARD.md`) feeds a
linear head over the mean of its token states. The encoder runs through `newsprobe.encoder` (ONNX Runtime) and the
head in numpy, so a later step can share one encoder pass across several heads, and torch is never needed here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from newsprobe.encoder import Encoder, mean_pool, read_head_spec
from newsprobe.errors import NewsprobeError

MODEL_DIR = Path(__file__).resolve().parent / "models" / "checkworthy"
LABELS = {"yes": True, "no": False}
_GLUED = re.compile(r"^(yes|no)\d+$", re.IGNORECASE)  # a label with the next record's id stuck on


class Head:
    """The linear classifier on top of the pooled encoder output, read from `head.json`."""

    def __init__(self, spec: dict, path: Path) -> None:
        try:
            self.pooling = spec["pooling"]
            self.weight = np.asarray(spec["weight"], dtype=np.float32)
            self.bias = float(spec["bias"])
            self.threshold = float(spec["threshold"])
            self.max_len = int(spec["max_len"])
        except (KeyError, TypeError, ValueError) as exc:
            raise NewsprobeError(f"{path}: not a check-worthiness head ({exc})") from None
        if self.pooling != "mean":
            raise NewsprobeError(f"{path}: pooling {self.pooling!r} is not supported (only 'mean')")

    def __call__(self, pooled: np.ndarray) -> np.ndarray:
        """Probability of "Yes" per row of `pooled` `[B,H]` (one logit, sigmoid)."""
        logits = pooled.astype(np.float64) @ self.weight.astype(np.float64) + self.bias
        return 1.0 / (1.0 + np.exp(-logits))


@lru_cache(maxsize=4)
def load_head(model_dir: str | Path = MODEL_DIR) -> Head:
    """The head of the model in `model_dir`, read once."""
    path = Path(model_dir) / "head.json"
    spec = read_head_spec(model_dir)
    return Head(spec, path)


def __getattr__(name: str) -> float:
    """`THRESHOLD`, the decision threshold chosen on the dev set, read lazily so importing never touches the disk."""
    if name == "THRESHOLD":
        return load_head().threshold
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def score_sentences(sentences: Sequence[str], model_dir: str | Path | None = None) -> list[float]:
    """Probability (0..1) that each sentence is check-worthy ("Yes"), in the order given."""
    if not sentences:
        return []
    model_dir = MODEL_DIR if model_dir is None else Path(model_dir)
    head = load_head(model_dir)
    encoder = Encoder.load(model_dir)
    scores = np.zeros(len(sentences), dtype=np.float64)
    for idx, hidden, mask in encoder.encode_batches(list(sentences), max_len=head.max_len):
        scores[idx] = head(mean_pool(hidden, mask))
    return [float(s) for s in scores]


def read_tsv(path: str | Path) -> tuple[list[str], list[bool]]:
    """Sentences and gold labels (True = "Yes") of a CheckThat! TSV: `Sentence_id, Text, class_label`.

    Tolerates CRLF endings and a header row. The 2024 train file also has one line where a newline was lost between
    two records ("...\\tNo29286\\t..."); such lines are split back into their records rather than dropped.
    """
    path = Path(path)
    if not path.is_file():
        raise NewsprobeError(f"{path}: file not found")
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise NewsprobeError(f"{path}: cannot read ({exc})") from None
    texts: list[str] = []
    labels: list[bool] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        fields = line.rstrip("\r").split("\t")
        if number == 1 and fields[-1].strip().lower() == "class_label":
            continue
        for record in _records(fields):
            if record is None:
                raise NewsprobeError(
                    f"{path}:{number}: expected 'Sentence_id<TAB>Text<TAB>class_label' with label Yes or No"
                )
            texts.append(record[0])
            labels.append(record[1])
    if not texts:
        raise NewsprobeError(f"{path}: no labelled sentences (expected 'Sentence_id<TAB>Text<TAB>class_label')")
    return texts, labels


def _records(fields: list[str]) -> list[tuple[str, bool] | None]:
    """The (text, label) records in one tab-split line; `None` marks a record that does not parse."""
    if len(fields) < 3 or len(fields) % 2 == 0:
        return [None]
    out: list[tuple[str, bool] | None] = []
    for k in range(1, len(fields), 2):  # id, text, label[id, text, label]...
        raw = fields[k + 1].strip()
        if k + 2 < len(fields):
            glued = _GLUED.match(raw)
            raw = glued.group(1) if glued else ""
        label = LABELS.get(raw.lower())
        out.append(None if label is None else (fields[k], label))
    return out


def metrics(gold: Sequence[bool], predicted: Sequence[bool]) -> dict:
    """Precision, recall and F1 of the "Yes" class, accuracy and count: the CheckThat! task measure."""
    tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g and p)
    fp = sum(1 for g, p in zip(gold, predicted, strict=True) if not g and p)
    fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g and not p)
    n = len(gold)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = (n - fp - fn) / n if n else math.nan
    return {"precision": precision, "recall": recall, "f1": f1, "accuracy": accuracy, "n": n}


def evaluate_tsv(path: str | Path, threshold: float | None = None, *, model_dir: str | Path | None = None) -> dict:
    """Score every sentence of a CheckThat! TSV and compare with its labels; `threshold` defaults to the model's.

    Returns `{"precision", "recall", "f1", "accuracy", "n"}`, where precision, recall and F1 are those of "Yes".
    """
    texts, gold = read_tsv(path)
    if threshold is None:
        threshold = load_head(MODEL_DIR if model_dir is None else model_dir).threshold
    scores = score_sentences(texts) if model_dir is None else score_sentences(texts, model_dir=model_dir)
    return metrics(gold, [s >= threshold for s in scores])
