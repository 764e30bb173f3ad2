"""Score propaganda-technique predictions against the Propaganda Techniques Corpus (SemEval-2020 Task 11).

Written from the task definition (not from the official scorer) so that newsprobe can report SI and TC numbers
that are comparable with the published ones without depending on the task's scripts.

Data layout (see the corpus README): ``article<ID>.txt`` files whose offsets count characters of the whole file;
SI gold lines ``ID<TAB>start<TAB>end``; TC gold lines ``ID<TAB>technique<TAB>start<TAB>end``; ``end`` is exclusive.
"""

from __future__ import annotations

import json
import operator
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import typer

from newsprobe.core.errors import NewsprobeError
from newsprobe.layers.techniques.labels import TECHNIQUES

__all__ = [
    "TECHNIQUES",
    "evaluate",
    "evaluate_ptc",
    "read_articles",
    "read_si",
    "read_tc",
    "si_scores",
    "tc_scores",
]


Span = tuple[int, int]
TCItem = tuple[str, str, int, int]
Prediction = tuple[str, int, int, float]

_ARTICLE_RE = re.compile(r"article(\d+)\.txt")


# --------------------------------------------------------------------------- readers


def read_articles(directory: str | Path) -> dict[str, str]:
    """Read ``article<ID>.txt`` files into ``{id: text}``.

    Files are read with ``newline=""`` so that the text keeps every character of the file: gold offsets count
    characters of the raw file, and newline translation would shift them in any file that contains ``\\r``.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise NewsprobeError(f"{directory}: not a directory of article<ID>.txt files")
    articles: dict[str, str] = {}
    for path in sorted(directory.iterdir()):
        match = _ARTICLE_RE.fullmatch(path.name)
        if not match or not path.is_file():
            continue
        try:
            with path.open(encoding="utf-8", newline="") as handle:
                articles[match.group(1)] = handle.read()
        except UnicodeDecodeError as exc:
            raise NewsprobeError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    if not articles:
        raise NewsprobeError(f"{directory}: no article<ID>.txt files found")
    return articles


def _label_files(path: Path) -> list[Path]:
    """A gold path may be one ``.labels`` file or a folder of per-article ``.labels`` files (the corpus has both)."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.name.endswith(".labels"))
        if not files:
            raise NewsprobeError(f"{path}: no .labels files found")
        return files
    if not path.is_file():
        raise NewsprobeError(f"{path}: gold file not found")
    return [path]


def _rows(path: str | Path, n_fields: int, shape: str) -> Iterable[tuple[Path, int, list[str]]]:
    """Yield ``(file, line number, fields)`` for each non-blank line, tolerating CRLF and surrounding blanks."""
    for file in _label_files(Path(path)):
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise NewsprobeError(f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
        for lineno, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip()
            if not line:
                continue
            fields = [f.strip() for f in line.split("\t")]
            if len(fields) != n_fields or not all(fields):
                raise NewsprobeError(f"{file}:{lineno}: expected '{shape}', got {_show(line)}")
            yield file, lineno, fields


def _show(line: str) -> str:
    """A short, one-line rendering of a bad input line for an error message."""
    return repr(line if len(line) <= 80 else line[:77] + "...")


def _span(file: Path, lineno: int, article_id: str, start: str, end: str) -> Span:
    """Parse and check one span so that a bad offset is reported where it is, not as a wrong score later."""
    if not article_id.isdigit():
        raise NewsprobeError(f"{file}:{lineno}: article id must be digits, got {_show(article_id)}")
    try:
        s, e = int(start), int(end)
    except ValueError:
        bad = f"{_show(start)} and {_show(end)}"
        raise NewsprobeError(f"{file}:{lineno}: offsets must be integers, got {bad}") from None
    if s < 0 or e < s:
        raise NewsprobeError(f"{file}:{lineno}: bad span {s}-{e} (need 0 <= start <= end)")
    return s, e


def read_si(path: str | Path) -> dict[str, list[Span]]:
    """Read SI gold (``ID<TAB>start<TAB>end``) into ``{id: [(start, end), ...]}`` in file order."""
    gold: dict[str, list[Span]] = defaultdict(list)
    for file, lineno, (article_id, start, end) in _rows(path, 3, "ID<TAB>start<TAB>end"):
        gold[article_id].append(_span(file, lineno, article_id, start, end))
    return dict(gold)


def read_tc(path: str | Path) -> list[TCItem]:
    """Read TC gold (``ID<TAB>technique<TAB>start<TAB>end``) into a list of ``(id, technique, start, end)``.

    A list, not a dict: the same span appears once per technique it carries, and those duplicates matter.
    """
    items: list[TCItem] = []
    for file, lineno, (article_id, technique, start, end) in _rows(path, 4, "ID<TAB>technique<TAB>start<TAB>end"):
        s, e = _span(file, lineno, article_id, start, end)
        items.append((article_id, technique, s, e))
    return items


# --------------------------------------------------------------------------- SI


def _merge(spans: Iterable[Span]) -> list[Span]:
    """Sorted union of spans; spans that overlap (share a character) merge, merely adjacent ones do not.

    Empty spans are dropped: they have no characters to score and would divide by zero.
    """
    merged: list[Span] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0


def si_scores(pred: Mapping[str, Sequence[Span]], gold: Mapping[str, Sequence[Span]]) -> dict[str, float]:
    """SemEval-2020 Task 11 SI scores: character-overlap precision, recall and F1, pooled over articles.

    Per article, gold spans are merged where they overlap, and so are predicted spans (as the official task does;
    without it, a system could inflate precision by repeating a correct span). Then, with S the predicted and T
    the gold spans of all articles and s, t ranging over spans of the same article::

        precision = (1/|S|) * sum_s sum_t |s ∩ t| / |s|
        recall    = (1/|T|) * sum_s sum_t |s ∩ t| / |t|

    F1 is their harmonic mean. Every ratio is 0 when its denominator is (no predictions → precision 0).
    Predictions for articles without gold spans count against precision.
    """
    p_sum = r_sum = 0.0
    n_pred = n_gold = 0
    for article_id in set(pred) | set(gold):
        s_spans = _merge(pred.get(article_id, ()))
        t_spans = _merge(gold.get(article_id, ()))
        n_pred += len(s_spans)
        n_gold += len(t_spans)
        for s in s_spans:
            for t in t_spans:
                inter = _overlap(s, t)
                if inter:
                    p_sum += inter / (s[1] - s[0])
                    r_sum += inter / (t[1] - t[0])
    precision = p_sum / n_pred if n_pred else 0.0
    recall = r_sum / n_gold if n_gold else 0.0
    return {"precision": precision, "recall": recall, "f1": _f1(precision, recall)}


# --------------------------------------------------------------------------- TC


def tc_scores(pred: Iterable[TCItem], gold: Iterable[TCItem]) -> dict:
    """TC scores: was the right technique given to each gold span?

    Convention. Gold and predictions are multisets of ``(id, technique, start, end)``; a span carrying two
    techniques is two gold instances. A prediction is correct when a gold instance with the same id, start, end
    and technique is still unmatched; each gold instance is matched at most once (so order of techniques on a
    shared span does not matter, as in the task). ``correct`` is the size of that multiset intersection.

    In the official task every gold instance gets exactly one prediction, so micro precision = recall = F1 =
    accuracy. We keep that reading when predictions are missing: a gold instance without a prediction counts as
    wrong, so ``micro_f1 = correct / number of gold instances`` (= ``micro_recall``); abstaining never helps.
    ``micro_precision = correct / number of predictions`` is reported alongside, for diagnosis.

    ``per_technique[t]``: precision = correct_t / predictions labelled t, recall = correct_t / gold instances of t
    (``support``), F1 their harmonic mean; 0 where a denominator is 0. It lists the 14 corpus techniques and any
    other label seen in gold or predictions.
    """
    pred_counts = Counter((i, t, s, e) for i, t, s, e in pred)
    gold_counts = Counter((i, t, s, e) for i, t, s, e in gold)
    hits = pred_counts & gold_counts
    correct = sum(hits.values())
    n_pred = sum(pred_counts.values())
    n_gold = sum(gold_counts.values())

    def by_technique(counts: Counter) -> Counter:
        tally: Counter = Counter()
        for (_, technique, _, _), n in counts.items():
            tally[technique] += n
        return tally

    tp, predicted, support = by_technique(hits), by_technique(pred_counts), by_technique(gold_counts)
    names = list(TECHNIQUES) + sorted((set(predicted) | set(support)) - set(TECHNIQUES))
    per_technique = {}
    for name in names:
        precision = tp[name] / predicted[name] if predicted[name] else 0.0
        recall = tp[name] / support[name] if support[name] else 0.0
        per_technique[name] = {
            "precision": precision,
            "recall": recall,
            "f1": _f1(precision, recall),
            "support": support[name],
        }
    micro_recall = correct / n_gold if n_gold else 0.0
    return {
        "micro_f1": micro_recall,
        "micro_precision": correct / n_pred if n_pred else 0.0,
        "micro_recall": micro_recall,
        "correct": correct,
        "predicted": n_pred,
        "gold": n_gold,
        "per_technique": per_technique,
    }


# --------------------------------------------------------------------------- end to end


def _checked(article_id: str, text: str, predictions: Iterable[Prediction]) -> list[Prediction]:
    """Reject predictions that cannot be offsets into this article, so a model bug is not scored as a miss."""
    out: list[Prediction] = []
    for item in predictions:
        try:
            technique, start, end, score = item
        except (TypeError, ValueError):
            raise NewsprobeError(
                f"article {article_id}: prediction must be (technique, start, end, score), got {_show(str(item))}"
            ) from None
        try:  # accept any integer type (numpy ints from a model included), but not floats
            start, end = operator.index(start), operator.index(end)
        except TypeError:
            bad = f"{start!r}, {end!r}"
            raise NewsprobeError(f"article {article_id}: predicted offsets must be integers, got {bad}") from None
        if not 0 <= start <= end <= len(text):
            raise NewsprobeError(
                f"article {article_id}: predicted span {start}-{end} is outside the text (length {len(text)})"
            )
        out.append((str(technique), start, end, float(score)))
    return out


def _assign_techniques(gold_items: list[TCItem], predictions: Mapping[str, list[Prediction]]) -> list[TCItem]:
    """One predicted technique per gold instance, from the predicted spans that overlap the gold span.

    Candidates are ranked by characters of overlap, then by the tighter predicted span (a span covering the
    whole article overlaps everything fully and should not outrank an exact match), then by score. A gold span
    that occurs k times (k techniques) gets the k best *distinct* techniques, so that a span with two gold labels
    can get both right, as the task's output format allows; when candidates run out, the remaining instances get
    no prediction (counted wrong).
    """
    occurrences: Counter = Counter((i, s, e) for i, _, s, e in gold_items)
    out: list[TCItem] = []
    for (article_id, start, end), k in occurrences.items():
        ranked = sorted(
            (-_overlap((start, end), (ps, pe)), pe - ps, -score, technique)
            for technique, ps, pe, score in predictions.get(article_id, [])
        )
        chosen: list[str] = []
        for neg_inter, _, _, technique in ranked:
            inter = -neg_inter
            if inter <= 0 or len(chosen) == k:
                break
            if technique not in chosen:
                chosen.append(technique)
        out.extend((article_id, technique, start, end) for technique in chosen)
    return out


def evaluate(
    articles_dir: str | Path,
    si_gold: str | Path | None = None,
    tc_gold: str | Path | None = None,
    predict: Callable[[str], Iterable[Prediction]] | None = None,
) -> dict:
    """Run ``predict`` on every article in ``articles_dir`` and score it against the given gold files.

    ``predict(text)`` returns ``(technique, start, end, score)`` tuples; it is supplied by the caller so that this
    module does not depend on any particular model. SI uses all predicted spans, whatever their technique. TC gives
    each gold span the technique(s) of the predicted spans overlapping it most (see ``_assign_techniques``).
    Gold paths may be one ``.labels`` file or a folder of them. Returns ``{"si": ..., "tc": ...}`` with only the
    parts whose gold was given. Gold that names an article missing from ``articles_dir`` is an error: it almost
    always means the wrong split's gold was passed.
    """
    if predict is None:
        raise NewsprobeError("evaluate needs a predict(text) callable")
    articles = read_articles(articles_dir)
    si = read_si(si_gold) if si_gold is not None else None
    tc = read_tc(tc_gold) if tc_gold is not None else None
    for label, path, ids in (("SI", si_gold, set(si or ())), ("TC", tc_gold, {i for i, *_ in tc or ()})):
        missing = sorted(ids - set(articles))
        if missing:
            raise NewsprobeError(
                f"{path}: {label} gold names {len(missing)} article(s) not in {articles_dir}, e.g. {missing[0]}"
            )

    predictions = {i: _checked(i, text, predict(text)) for i, text in articles.items()}
    result: dict = {}
    if si is not None:
        pred_spans = {i: [(s, e) for _, s, e, _ in items] for i, items in predictions.items()}
        result["si"] = si_scores(pred_spans, si)
    if tc is not None:
        result["tc"] = tc_scores(_assign_techniques(tc, predictions), tc)
    return result


def evaluate_ptc(articles_dir: str | Path, si_gold: str | Path | None = None, tc_gold: str | Path | None = None,
                 threshold: float | None = None, model_dir: str | Path | None = None) -> dict:
    """SemEval-2020 Task 11 scores of the model on a PTC-layout folder.

    SI: the spans the layer finds (at `threshold`) against the SI gold. TC as the task defines it: every gold span
    is given to the technique head and gets its k most probable techniques (k = how many the gold lists for it).
    Returns `{"si": {precision, recall, f1}, "tc": {micro_f1, per_technique, ...}}` with the parts whose gold was
    given.
    """
    if si_gold is None and tc_gold is None:
        raise NewsprobeError("give --si-gold and/or --tc-gold: there is nothing to score against")
    from newsprobe.layers.techniques.tagger import TechniqueModel

    model = TechniqueModel.load(model_dir)
    articles = read_articles(articles_dir)
    gold_spans: dict[str, Counter] = {}
    if tc_gold is not None:
        for article_id, _, s, e in read_tc(tc_gold):
            gold_spans.setdefault(article_id, Counter())[(s, e)] += 1
    by_text = {text: article_id for article_id, text in articles.items()}
    cache: dict[str, object] = {}

    def encoded(text: str):
        if text not in cache:
            cache.clear()
            cache[text] = model.encode(text)
        return cache[text]

    result: dict = {}
    if si_gold is not None:
        def si_predict(text: str) -> list:
            return [(t, s, e, sc) for t, s, e, sc, _ in model.spans(encoded(text), threshold)]

        result["si"] = evaluate(articles_dir, si_gold=si_gold, predict=si_predict)["si"]
    if tc_gold is not None:
        def tc_predict(text: str) -> list:
            spans = gold_spans.get(by_text.get(text, ""), Counter())
            if not spans:
                return []
            keys = list(spans)
            probs = model.classify(encoded(text), keys)
            out = []
            for (s, e), p in zip(keys, probs, strict=True):
                out += [(model.head.techniques[k], s, e, float(p[k])) for k in np.argsort(-p)[: spans[(s, e)]]]
            return out

        result["tc"] = evaluate(articles_dir, tc_gold=tc_gold, predict=tc_predict)["tc"]
    return result


def command(
    articles: Path = typer.Option(..., "--articles", help="Folder of article<ID>.txt files (PTC layout)."),
    si_gold: Path | None = typer.Option(None, "--si-gold", help="SI gold: ID<TAB>start<TAB>end lines (file/folder)."),
    tc_gold: Path | None = typer.Option(
        None, "--tc-gold", help="TC gold: ID<TAB>technique<TAB>start<TAB>end lines (file or folder)."
    ),
    threshold: float | None = typer.Option(None, min=0.0, max=1.0, help="SI threshold; the model's own by default."),
) -> None:
    """SemEval-2020 Task 11 scores of the technique layer: SI precision/recall/F1 and TC micro-F1 per technique."""
    result = evaluate_ptc(articles, si_gold=si_gold, tc_gold=tc_gold, threshold=threshold)
    if "tc" in result:
        tc = result["tc"]
        result["tc"] = {"micro_f1": tc["micro_f1"], "per_technique": tc["per_technique"],
                        "correct": tc["correct"], "gold": tc["gold"]}
    sys.stdout.write(json.dumps(result, indent=2) + "\n")
