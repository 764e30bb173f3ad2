"""Score the source types of the attribution layer against our sourcing gold set (`bench/sourcing_gold/`).

A gold file (JSON, one per article) names its text by a path relative to a data folder (`--texts`, by default
`../shared/data`) and gives the text's SHA-256, so that offsets are never read against another version of it; then
every statement of the article: its `content` (character fragments), `source` and `cue` (fragments or null) and
the `type` a person gave its source following `docs/sourcing-guideline.md`. `part` says whether the article is in
the development part (rules were written looking at it) or the held-out part (not looked at while writing rules).

A gold statement is found when a predicted statement's content covers at least half of its content's characters;
gold and predicted statements are paired one to one, largest overlap first. The figures, over found statements
unless said otherwise:

* `unresolved_share`: predicted statements (all, found or not) whose source type is `unresolved`, and
  `unresolved_unsourced_share` those of them with no source span (an agentless "is said to", "reportedly": the
  guideline's `unresolved`, not a source the rules failed to type);
* `anonymous_vs_named_accuracy`: the prediction is right when it says anonymous for a gold anonymous source, and a
  type other than anonymous and unresolved for any other (unresolved is right only for a gold unresolved);
  `always_named_accuracy` is that of always answering a named type, the baseline to beat;
* `anonymous_recall` (over all gold anonymous statements, found or not) and `anonymous_precision`;
* `type_accuracy`: the exact type, and `confusion` (gold type -> predicted type -> count).
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer

from newsprobe.core.errors import NewsprobeError

DEFAULT_TEXTS = Path("../shared/data")
PARTS = ("all", "development", "heldout")
MIN_COVER = 0.5


@dataclass
class GoldArticle:
    name: str
    text: str
    part: str
    statements: list[dict[str, Any]]


def read_gold(gold_dir: str | Path, texts: str | Path = DEFAULT_TEXTS, part: str = "all") -> list[GoldArticle]:
    """The gold files of a folder with their texts, checked against the recorded SHA-256."""
    if part not in PARTS:
        raise NewsprobeError(f"--part must be one of {', '.join(PARTS)}, not {part!r}")
    gold_dir, texts = Path(gold_dir), Path(texts)
    files = sorted(gold_dir.glob("*.json"))
    if not files:
        raise NewsprobeError(f"{gold_dir}: no gold files (*.json)")
    out = []
    for path in files:
        try:
            gold = json.loads(path.read_text(encoding="utf-8"))
            rel, digest, statements = gold["text"], gold["sha256"], gold["statements"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise NewsprobeError(f"{path}: not a sourcing gold file ({exc})") from None
        if part != "all" and gold.get("part") != part:
            continue
        text_path = texts / rel
        if not text_path.is_file():
            raise NewsprobeError(f"{path}: its text {text_path} is missing (give the data folder with --texts)")
        text = text_path.read_text(encoding="utf-8")
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != digest:
            raise NewsprobeError(f"{path}: {text_path} is not the text this gold was made on (SHA-256 differs)")
        out.append(GoldArticle(path.stem, text, gold.get("part", ""), statements))
    return out


def _chars(fragments: Iterable[Iterable[int]]) -> set[int]:
    return {i for s, e in fragments for i in range(s, e)}


def pair(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """(gold index, predicted index) pairs: a predicted content covering at least `MIN_COVER` of a gold content,
    one to one, largest coverage first. `pred` items have `content` fragments like gold ones."""
    gold_chars = [_chars(g["content"]) for g in gold]
    pred_chars = [_chars(p["content"]) for p in pred]
    candidates = []
    for i, g in enumerate(gold_chars):
        if not g:
            continue
        for j, p in enumerate(pred_chars):
            cover = len(g & p) / len(g)
            if cover >= MIN_COVER:
                candidates.append((-cover, i, j))
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for _, i, j in sorted(candidates):
        if i not in used_g and j not in used_p:
            pairs.append((i, j))
            used_g.add(i)
            used_p.add(j)
    return pairs


def _named_right(gold_type: str, pred_type: str) -> bool:
    if gold_type == "anonymous":
        return pred_type == "anonymous"
    if pred_type == "unresolved":
        return gold_type == "unresolved"
    return pred_type != "anonymous"


def score(articles: list[GoldArticle], predictions: list[list[dict[str, Any]]]) -> dict[str, Any]:
    """The figures above for gold articles and, per article, the predicted statements ({content, type})."""
    n_gold = n_pred = found = unresolved = unsourced = 0
    named_right = always_named = type_right = 0
    anon_gold = anon_found_right = anon_pred = anon_pred_right = 0
    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    for art, pred in zip(articles, predictions, strict=True):
        n_gold += len(art.statements)
        n_pred += len(pred)
        unresolved += sum(p["type"] == "unresolved" for p in pred)
        unsourced += sum(p["type"] == "unresolved" and not p.get("sourced", True) for p in pred)
        anon_gold += sum(g["type"] == "anonymous" for g in art.statements)
        for i, j in pair(art.statements, pred):
            g, p = art.statements[i]["type"], pred[j]["type"]
            found += 1
            named_right += _named_right(g, p)
            always_named += g != "anonymous"
            type_right += g == p
            anon_found_right += g == p == "anonymous"
            anon_pred += p == "anonymous"
            anon_pred_right += g == p == "anonymous"
            confusion[g][p] += 1

    def share(a: int, b: int) -> float:
        return round(a / b, 4) if b else 0.0

    return {
        "articles": len(articles),
        "gold_statements": n_gold,
        "predicted_statements": n_pred,
        "found": found,
        "found_share": share(found, n_gold),
        "unresolved_share": share(unresolved, n_pred),
        "unresolved_unsourced_share": share(unsourced, n_pred),
        "anonymous_vs_named_accuracy": share(named_right, found),
        "always_named_accuracy": share(always_named, found),
        "anonymous_gold": anon_gold,
        "anonymous_recall": share(anon_found_right, anon_gold),
        "anonymous_precision": share(anon_pred_right, anon_pred),
        "type_accuracy": share(type_right, found),
        "confusion": {g: dict(c.most_common()) for g, c in sorted(confusion.items())},
    }


def predicted_statements(texts: list[str]) -> list[list[dict[str, Any]]]:
    """Each text's attribution spans as {content, type}, through the pipeline on the raw text (gold offsets refer
    to it as stored)."""
    from newsprobe.layers.attribution.evaluate import attribution_spans

    out = []
    for spans in attribution_spans(texts):
        out.append([{"content": sp.attrs.get("fragments") or [[sp.start, sp.end]],
                     "type": sp.attrs.get("source_type", "unresolved"),
                     "sourced": sp.attrs.get("source") is not None} for sp in spans])
    return out


def evaluate(gold_dir: str | Path, texts: str | Path = DEFAULT_TEXTS, part: str = "all",
             predict: Callable[[list[str]], list[list[dict[str, Any]]]] = predicted_statements) -> dict[str, Any]:
    articles = read_gold(gold_dir, texts, part)
    if not articles:
        raise NewsprobeError(f"{gold_dir}: no gold article in part {part!r}")
    result = score(articles, predict([a.text for a in articles]))
    result["part"] = part
    return result


def command(
    gold: Path = typer.Option(..., "--gold", help="Folder of sourcing gold files (*.json), e.g. bench/sourcing_gold."),
    texts: Path = typer.Option(DEFAULT_TEXTS, "--texts", help="Folder the gold files' text paths are relative to."),
    part: str = typer.Option("all", help="all, development (rules were written on it) or heldout."),
) -> None:
    """Source types against hand-annotated gold: statements found, unresolved share, anonymous-vs-named accuracy,
    anonymous recall and precision, exact type accuracy and the confusion matrix."""
    sys.stdout.write(json.dumps(evaluate(gold, texts, part), indent=2) + "\n")
