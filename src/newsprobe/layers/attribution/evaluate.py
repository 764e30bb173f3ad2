"""Score the attribution layer against brat standoff gold data such as PolNeAR.

An attribution is three roles (source, cue, content), each a possibly discontinuous span. Gold data
comes as brat files: `T` lines give role spans, `E` lines tie one source, cue and content(s) into an
attribution. The scores follow the CofeNet paper (COLING 2022) for PolNeAR: per role, spans are compared
within each document and counts are pooled over documents (micro-averaged), with an exact and a
token-overlap (partial credit) variant of precision, recall and F1.

Conventions:

* A role of an attribution is a list of `(start, end)` character fragments. Fragments are sorted and
  merged when they touch, overlap, or (document text known) are separated by whitespace only, so a
  contiguous prediction covering `575 842;843 1076` matches it exactly.
* What counts as one span (`unit`): by default each contiguous fragment, as in CofeNet, whose released
  code reads PolNeAR as one BIO tag sequence and takes every B-to-last-I run as a span (so "X," he said,
  "Y" has two content spans, and a token has one role). `unit="statement"` is stricter and ours: the
  fragments of a role in one attribution are one span, exact only if all of them are; the hull is never
  used, because PolNeAR contents often skip the source and cue in their middle.
* Overlap is measured in tokens (`\\w+|[^\\w\\s]` over the document text); a token belongs to a span when
  any of its characters lies in a fragment. Without texts, characters stand in for tokens.
"""

from __future__ import annotations

import json
import re
import sys
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer

from newsprobe.core.errors import NewsprobeError

Fragment = tuple[int, int]
ROLES: tuple[str, ...] = ("source", "cue", "content")

_TOKEN = re.compile(r"\w+|[^\w\s]")
# Any brat record: text-bound, relation, event, attribute, modifier, normalisation, note, equivalence.
_RECORD = re.compile(r"^(?:[TREAMN#]\d+|\*)\t")
_T_LINE = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t(.*)$", re.DOTALL)
_R_LINE = re.compile(r"^R\d+\t\S+ \S+:[TE]\d+ \S+:[TE]\d+$")
_E_LINE = re.compile(r"^(E\d+)\t(\S+:[TE]\d+(?: \S+:[TE]\d+)*)$")
# `<article>_<annotator>.ann`: PolNeAR names files this way when several annotators did an article.
_ANNOTATOR_SUFFIX = re.compile(r"^(?P<doc>.+)_(?P<annotator>[0-9A-Za-z]+)$")


@dataclass
class Attribution:
    """One attribution: each role a list of character fragments, empty when the role is absent."""

    source: list[Fragment] = field(default_factory=list)
    cue: list[Fragment] = field(default_factory=list)
    content: list[Fragment] = field(default_factory=list)


@dataclass
class Doc:
    """A gold document: its text (the offsets' reference) and its attributions in file order."""

    text: str
    attributions: list[Attribution] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------------------
# Reading brat


def read_brat_dir(directory: str | Path) -> dict[str, Doc]:
    """Read `<dir>/text/*.txt` with their `<dir>/attributions/*.ann` into docs keyed by article name.

    An `.ann` belongs to the `.txt` with the same basename, or, for PolNeAR's several-annotator articles,
    to `<name>.txt` when it is called `<name>_<annotator>.ann`. One annotation per article is kept, so
    that an article is not counted several times: the plain-named file if any, else the alphabetically
    first annotator. Texts without any `.ann` are left out: unannotated is not the same as no attribution.
    """
    root = Path(directory)
    text_dir, ann_dir = root / "text", root / "attributions"
    for d in (text_dir, ann_dir):
        if not d.is_dir():
            raise NewsprobeError(f"{root}: expected a folder {d.name}/ with the brat {d.name} files")
    texts = {p.stem: p for p in text_dir.glob("*.txt")}
    chosen: dict[str, Path] = {}
    for ann in sorted(ann_dir.glob("*.ann")):
        doc_id = _doc_id_for(ann, texts)
        best = chosen.get(doc_id)
        if best is None or (best.stem != doc_id and ann.stem == doc_id):
            chosen[doc_id] = ann
    docs: dict[str, Doc] = {}
    for doc_id in sorted(chosen):
        text = texts[doc_id].read_text(encoding="utf-8")
        docs[doc_id] = Doc(text, read_ann(chosen[doc_id], text))
    return docs


def _doc_id_for(ann: Path, texts: Mapping[str, Path]) -> str:
    if ann.stem in texts:
        return ann.stem
    m = _ANNOTATOR_SUFFIX.match(ann.stem)
    if m and m["doc"] in texts:
        return m["doc"]
    expected = f"text/{ann.stem}.txt" + (f" or text/{m['doc']}.txt" if m else "")
    raise NewsprobeError(f"{ann}: no text for this annotation file (expected {expected})")


def read_ann(path: str | Path, text: str) -> list[Attribution]:
    """Parse one brat `.ann` file into attributions, checking offsets against the document text.

    `E` lines make attributions: their arguments `Source`, `Cue`, `Content` (a trailing number, as in
    PolNeAR's `Content2`, adds fragments to the same role) point to `T` lines; the trigger and other
    argument roles are ignored. `R` lines are checked for form but ignored: a binary relation cannot
    hold the three roles and PolNeAR has none. `A`, `M`, `N`, `#` and `*` lines are ignored. A `T` line's
    quoted text may run over several physical lines (brat copies newlines inside spans), so lines that
    follow a `T` whose text is still short are taken as its continuation. Anything else is an error
    naming the file and line.
    """
    path = Path(path)
    spans: dict[str, list[Fragment]] = {}
    events: list[tuple[int, list[tuple[str, str]]]] = []
    missing = 0  # characters of the last T line's text still to come on continuation lines
    for lineno, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        where = f"{path}:{lineno}"
        if missing > 0 and not _RECORD.match(line):
            missing -= len(line) + 1
            continue
        missing = 0
        if not line.strip():
            continue
        if line.startswith("T"):
            m = _T_LINE.match(line)
            if not m:
                raise NewsprobeError(f"{where}: malformed brat T line, expected 'T<n>\\t<Role> <start> <end>\\t<text>'")
            frags = [_fragment(f, text, where) for f in m[3].split(";")]
            if m[1] in spans:
                raise NewsprobeError(f"{where}: {m[1]} is defined twice")
            spans[m[1]] = frags
            expected = sum(e - s for s, e in frags) + len(frags) - 1
            missing = expected - len(m[4])
        elif line.startswith("E"):
            m = _E_LINE.match(line.rstrip())
            if not m:
                raise NewsprobeError(f"{where}: malformed brat E line, expected 'E<n>\\t<Type>:<T> <Role>:<T> ...'")
            args = [tuple(arg.split(":", 1)) for arg in m[2].split(" ")]
            events.append((lineno, [(role, ref) for role, ref in args[1:]]))
        elif line.startswith("R"):
            if not _R_LINE.match(line.rstrip()):
                raise NewsprobeError(f"{where}: malformed brat R line, expected 'R<n>\\t<Type> Arg1:<T> Arg2:<T>'")
        elif not _RECORD.match(line):
            raise NewsprobeError(f"{where}: not a brat annotation line: {line[:60]!r}")
    attributions = []
    for lineno, args in events:
        att = Attribution()
        for role, ref in args:
            name = role.rstrip("0123456789").lower()
            if name not in ROLES:
                continue
            if ref not in spans:
                raise NewsprobeError(f"{path}:{lineno}: {role} refers to {ref}, which no T line defines")
            getattr(att, name).extend(spans[ref])
        for name in ROLES:
            getattr(att, name).sort()
        attributions.append(att)
    return attributions


def _fragment(raw: str, text: str, where: str) -> Fragment:
    start, end = (int(x) for x in raw.split(" "))
    if not 0 <= start <= end <= len(text):
        raise NewsprobeError(f"{where}: span {start}-{end} lies outside the text ({len(text)} characters)")
    return start, end


# ---------------------------------------------------------------------------------------------------------
# From our model's spans


def attributions_from_spans(text: str, spans: Iterable[Any]) -> list[Attribution]:
    """Turn newsprobe `attribution` layer spans into `Attribution`s, so they can be scored like gold.

    Each span of layer "attribution" is the content (its pieces in `attrs.fragments` when its source and cue split
    it); its attrs `source` and `cue` ({start, end, text}, either may be absent or None) give the other roles. Spans
    of other layers are skipped. `spans` may hold `newsprobe.core.model.Span` objects or their JSON dicts. Offsets are
    checked against `text`, since a span over another version of the text would be scored as silently wrong.
    """
    out: list[Attribution] = []
    for sp in spans:
        get = sp.get if isinstance(sp, Mapping) else lambda key, _sp=sp: getattr(_sp, key, None)
        if get("layer") != "attribution":
            continue
        attrs = get("attrs") or {}
        pieces = attrs.get("fragments") or [(get("start"), get("end"))]
        att = Attribution(content=[_checked(s, e, text, "attribution span") for s, e in pieces])
        for role in ("source", "cue"):
            part = attrs.get(role)
            if part:
                getattr(att, role).append(_checked(part.get("start"), part.get("end"), text, f"attribution {role}"))
        out.append(att)
    return out


def _checked(start: Any, end: Any, text: str, what: str) -> Fragment:
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(text)):
        raise NewsprobeError(f"{what} has offsets {start}-{end}, not within the text ({len(text)} characters)")
    return start, end


# ---------------------------------------------------------------------------------------------------------
# Scoring


UNITS: tuple[str, ...] = ("segment", "statement")


def score(
    pred: Mapping[str, list[Attribution]],
    gold: Mapping[str, list[Attribution]],
    texts: Mapping[str, str] | None = None,
    unit: str = "segment",
) -> dict[str, dict[str, dict[str, float]]]:
    """Precision, recall and F1 (0..1) per role, exact and overlap, pooled over documents.

    Per role and document, the predicted spans P and gold spans G are the non-empty role spans of the
    attributions there (a document on one side only counts with an empty other side).

    * exact: a span matches when its merged fragment set equals one on the other side, one-to-one
      (multiset intersection). precision = matches / |P|, recall = matches / |G|, over all documents.
    * overlap: for a predicted span p, credit(p) = max over g in G of |tok(p) ∩ tok(g)| / |tok(p)|;
      precision = Σ credit(p) / |P|. Recall is symmetric: Σ over g of max over p of
      |tok(p) ∩ tok(g)| / |tok(g)|, divided by |G|. A gold span may credit several predictions.

    `unit` says what one span is. "segment" (the default) is what CofeNet scores: its tagger reads PolNeAR as one
    BIO sequence, so each contiguous run of a role is a span ("X," he said, "Y" has two content spans) and a token
    has one role (a source shared by two attributions counts once). "statement" is stricter: a role's fragments in
    one attribution make one span, right only if every fragment is.

    `texts` (doc id → text) gives the tokens and lets whitespace-separated fragments merge; without it,
    characters are the units. F1 = 2PR / (P + R). Every ratio with a zero denominator is 0.0.
    """
    if texts is not None:
        lacking = sorted((set(pred) | set(gold)) - set(texts))
        if lacking:
            raise NewsprobeError(f"no text for document(s) {', '.join(lacking[:5])}: cannot count tokens")
    result: dict[str, dict[str, dict[str, float]]] = {}
    doc_ids = sorted(set(pred) | set(gold))
    tokens = {d: _token_bounds(texts[d]) for d in doc_ids} if texts is not None else {}
    for role in ROLES:
        n_pred = n_gold = 0
        exact = 0
        credit_p = credit_g = 0.0
        for doc_id in doc_ids:
            text = texts[doc_id] if texts is not None else None
            p_spans = _spans([_merge(getattr(a, role), text) for a in pred.get(doc_id, [])], unit)
            g_spans = _spans([_merge(getattr(a, role), text) for a in gold.get(doc_id, [])], unit)
            n_pred += len(p_spans)
            n_gold += len(g_spans)
            exact += sum((Counter(p_spans) & Counter(g_spans)).values())
            bounds = tokens.get(doc_id)
            p_units = [_units(s, bounds) for s in p_spans]
            g_units = [_units(s, bounds) for s in g_spans]
            credit_p += sum(_best_share(u, g_units) for u in p_units)
            credit_g += sum(_best_share(u, p_units) for u in g_units)
        result[role] = {
            "exact": _prf(exact, exact, n_pred, n_gold),
            "overlap": _prf(credit_p, credit_g, n_pred, n_gold),
        }
    return result


def _spans(merged: list[tuple[Fragment, ...]], unit: str) -> list[tuple[Fragment, ...]]:
    if unit == "statement":
        return [m for m in merged if m]
    if unit != "segment":
        raise NewsprobeError(f"unknown scoring unit {unit!r}: use one of {', '.join(UNITS)}")
    return sorted({(frag,) for m in merged for frag in m})


def _merge(fragments: list[Fragment], text: str | None) -> tuple[Fragment, ...]:
    """Canonical form of a span: sorted, non-empty fragments, joined across overlaps and (text known) blanks."""
    merged: list[Fragment] = []
    for start, end in sorted(f for f in fragments if f[0] < f[1]):
        if merged:
            last_start, last_end = merged[-1]
            if start <= last_end or (text is not None and text[last_end:start].isspace()):
                merged[-1] = (last_start, max(last_end, end))
                continue
        merged.append((start, end))
    return tuple(merged)


def _token_bounds(text: str) -> tuple[list[int], list[int]]:
    starts, ends = [], []
    for m in _TOKEN.finditer(text):
        starts.append(m.start())
        ends.append(m.end())
    return starts, ends


def _units(span: tuple[Fragment, ...], bounds: tuple[list[int], list[int]] | None) -> frozenset[int]:
    """Token indices touched by the span, or its character offsets when no text is known."""
    units: set[int] = set()
    for start, end in span:
        if bounds is None:
            units.update(range(start, end))
        else:
            starts, ends = bounds
            units.update(range(bisect_right(ends, start), bisect_left(starts, end)))
    return frozenset(units)


def _best_share(units: frozenset[int], others: list[frozenset[int]]) -> float:
    if not units:
        return 0.0
    return max((len(units & o) for o in others), default=0) / len(units)


def _prf(hit_p: float, hit_g: float, n_pred: int, n_gold: int) -> dict[str, float]:
    precision = hit_p / n_pred if n_pred else 0.0
    recall = hit_g / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def evaluate_brat(
    directory: str | Path, predict: Callable[[list[str]], list[list[Any]]], unit: str = "segment"
) -> dict[str, dict[str, dict[str, float]]]:
    """Score `predict` on a folder in PolNeAR's layout: `predict(texts)` returns each text's `attribution` spans.

    The texts are passed exactly as stored, since gold offsets refer to them (no cleaning, no re-encoding).
    """
    docs = read_brat_dir(directory)
    if not docs:
        raise NewsprobeError(f"{directory}: no annotated texts (text/*.txt with attributions/*.ann)")
    names = sorted(docs)
    spans = predict([docs[n].text for n in names])
    pred = {n: attributions_from_spans(docs[n].text, s) for n, s in zip(names, spans, strict=True)}
    return score(pred, {n: docs[n].attributions for n in names}, {n: docs[n].text for n in names}, unit)


def attribution_spans(texts: list[str]) -> list[list]:
    """The `attribution` layer of raw texts (not cleaned: gold offsets refer to them as stored), through the pipeline
    with the layers attribution needs."""
    from newsprobe.core.model import Article
    from newsprobe.core.pipeline import analyse, load_nlp

    nlp = load_nlp(["attribution"])
    docs = [Article(id=str(i), text=t) for i, t in enumerate(texts)]
    return [art.layer("attribution") for art in analyse(docs, nlp=nlp)]


def command(
    brat: Path = typer.Option(..., "--brat", help="Folder in PolNeAR's layout: text/*.txt and attributions/*.ann."),
    unit: str = typer.Option("segment", help="What one span is: 'segment' (each contiguous run of a role, as "
                             "CofeNet counts) or 'statement' (a role's pieces in one attribution together)."),
) -> None:
    """Precision, recall and F1 per role (source, cue, content), exact and token-overlap, as CofeNet reports them."""
    if unit not in UNITS:
        raise NewsprobeError(f"--unit must be one of {', '.join(UNITS)}, not {unit!r}")
    sys.stdout.write(json.dumps(evaluate_brat(brat, attribution_spans, unit), indent=2) + "\n")
