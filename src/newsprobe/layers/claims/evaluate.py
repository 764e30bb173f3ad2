"""Measure the check-worthiness model on CheckThat! data: `newsprobe eval checkworthy --tsv FILE`.

Reads the CheckThat! TSV layout and scores the "Yes" class as the lab does (precision, recall, F1), with the model the
claims layer runs, so the figure is that of the code users run.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import typer

from newsprobe.core.errors import NewsprobeError
from newsprobe.layers.claims.checkworthy import MODEL_DIR, load_head, score_sentences

LABELS = {"yes": True, "no": False}
_GLUED = re.compile(r"^(yes|no)(\d+)$", re.IGNORECASE)  # a label with the next record's id stuck on


def read_tsv(path: str | Path) -> tuple[list[str], list[bool]]:
    """Sentences and gold labels (True = "Yes") of a CheckThat! TSV: `Sentence_id, Text, class_label`."""
    records = read_records(path)
    return [text for _, text, _ in records], [label for _, _, label in records]


def read_records(path: str | Path) -> list[tuple[str, str, bool]]:
    """(Sentence_id, text, label) of each record of a CheckThat! TSV, in file order.

    The ids matter to training: they run in debate order, so contiguous id ranges are different years and speakers.
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
    records: list[tuple[str, str, bool]] = []
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
            records.append(record)
    if not records:
        raise NewsprobeError(f"{path}: no labelled sentences (expected 'Sentence_id<TAB>Text<TAB>class_label')")
    return records


def _records(fields: list[str]) -> list[tuple[str, str, bool] | None]:
    """The (id, text, label) records in one tab-split line; `None` marks a record that does not parse."""
    if len(fields) < 3 or len(fields) % 2 == 0:
        return [None]
    out: list[tuple[str, str, bool] | None] = []
    first_id = fields[0]
    for k in range(1, len(fields), 2):  # id, text, label[id, text, label]...
        raw = fields[k + 1].strip()
        record_id = first_id
        if k + 2 < len(fields):
            glued = _GLUED.match(raw)
            raw = glued.group(1) if glued else ""
            first_id = glued.group(2) if glued else ""
        label = LABELS.get(raw.lower())
        out.append(None if label is None else (record_id.strip(), fields[k], label))
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


def command(
    tsv: Path = typer.Option(..., "--tsv", help="CheckThat! TSV: Sentence_id, Text, class_label (Yes/No)."),
    threshold: float | None = typer.Option(None, help="Decision threshold; the model's own by default."),
) -> None:
    """Precision, recall and F1 of the Yes class, and accuracy, of the check-worthiness model."""
    sys.stdout.write(json.dumps(evaluate_tsv(tsv, threshold), indent=2) + "\n")
