"""Check-worthiness of sentences: does this sentence make a factual claim worth checking?

A MiniLM sentence encoder fine-tuned on CheckThat! 2024 English (see `model/MODEL_CARD.md`) feeds a
linear head over the mean of its token states. The encoder runs through `newsprobe.core.encoder` (ONNX Runtime) and the
head in numpy; torch is never needed here.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from newsprobe.core.encoder import Encoder, mean_pool, read_head_spec
from newsprobe.core.errors import NewsprobeError

MODEL_DIR = Path(__file__).resolve().parent / "model"


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
