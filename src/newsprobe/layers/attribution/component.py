"""Layer `attribution`: who says what. One span per reported statement, over its content.

Each span's attrs: `source` and `cue` ({start, end, text} or None), `kind` (direct | indirect | mixed, from the quote
marks), `source_type` (named_person | named_org | official | media | anonymous | unresolved), `source_resolved` (the
earlier mention that "they", "he" or "the sources" stands for), `affiliation` ("sources close to X" -> X), `when` (the
date-layer span next to the cue or source, {start, end, text, value}: "said Monday" has cue "said" and when "Monday";
a time the tagger runs into the cue is cut off it), `fragments` (the content's pieces when its source and cue split it)
and `score`.

Spans come from our ONNX tagger (`tagger.py` beside this module), batched over all windows of a batch of documents;
the rest is rules (`sourcing.py`) over the parse and the entity and date layers, so this component runs after them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from itertools import islice
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from newsprobe.core.dates import parse_date, parse_published, time_phrases, without_preposition
from newsprobe.core.spans import layer_items, text_of, write_layer
from newsprobe.layers.attribution.sourcing import classify
from newsprobe.layers.attribution.tagger import Segment, Statement

OPENING_QUOTES = "\"“‘«„'"
CLOSING_QUOTES = "\"”’»“'"
WHEN_DISTANCE = 40  # characters between a cue (or source) and a date that says when the statement was made
# Words left dangling at the edge of a cue once its time is cut off: "said on [Sunday]", "said early [Monday]".
_DANGLING = re.compile(r"(?:[\s,]+(?:on|in|at|over|during|early|late|this|last|next|earlier|later))+[\s,]*$|[\s,]+$",
                       re.I)
_DANGLING_START = re.compile(r"^[\s,]*(?:(?:on|in|at|over|during)[\s,]+)?|^[\s,]+", re.I)


@Language.factory("newsprobe/attribution", assigns=["doc.spans"], default_config={"batch_size": 32})
def make_attribution(nlp: Language, name: str, batch_size: int) -> AttributionTagger:
    return AttributionTagger(batch_size)


class AttributionTagger:
    """Runs the tagger over batches of documents; the model is loaded once per process on first use."""

    def __init__(self, batch_size: int = 32) -> None:
        self.batch_size = batch_size

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int | None = None) -> Iterator[Doc]:
        from newsprobe.layers.attribution.tagger import tag_texts

        it = iter(docs)
        while batch := list(islice(it, batch_size or self.batch_size)):
            for doc, statements in zip(batch, tag_texts([d.text for d in batch]), strict=True):
                add_attributions(doc, statements)
                yield doc


def _part(doc: Doc, seg: Segment | None) -> dict[str, Any] | None:
    if seg is None:
        return None
    return {"start": seg.start, "end": seg.end, "text": text_of(doc)[seg.start : seg.end]}


def quote_kind(text: str, start: int, end: int) -> str:
    """direct when the content is all inside quote marks, mixed when part of it is, indirect otherwise."""
    before = text[max(0, start - 2) : start].strip()
    inner = text[start:end].strip()
    after = text[end : end + 2].strip()
    opens = (before[-1:] in OPENING_QUOTES and before != "") or inner[:1] in OPENING_QUOTES
    closes = (after[:1] in CLOSING_QUOTES and after != "") or inner[-1:] in CLOSING_QUOTES or \
        inner[-2:-1] in CLOSING_QUOTES
    if opens and closes:
        return "direct"
    if any(q in inner for q in "\"“”«»") or opens or closes:
        return "mixed"
    return "indirect"


def add_attributions(doc: Doc, statements: list[Statement]) -> None:
    """Write the layer: each statement's content span with its source, cue and what the rules make of the source."""
    dates = [(sp.start_char, sp.end_char, attrs) for sp, attrs in layer_items(doc, "date")] \
        if "date" in doc.spans else []
    items: list[tuple[Any, dict[str, Any]]] = []
    previous: list[dict[str, Any]] = []  # attrs of earlier statements, for "they" and "the sources"
    for st in sorted(statements, key=lambda s: s.content.start):
        span = doc.char_span(st.content.start, st.content.end, alignment_mode="expand")
        if span is None or not span.text.strip():
            continue
        st, cut = _cue_without_time(text_of(doc), st, dates)
        attrs: dict[str, Any] = {"source": _part(doc, st.source), "cue": _part(doc, st.cue),
                                 "kind": quote_kind(text_of(doc), st.content.start, st.content.end)}
        if len(st.content.fragments) > 1:
            attrs["fragments"] = [list(f) for f in st.content.fragments]
        _describe_source(doc, st, attrs, previous)
        attrs["when"] = _when(text_of(doc), st, dates) or _cut_when(text_of(doc), cut, doc._.published)
        parts = [s.score for s in (st.content, st.cue, st.source) if s is not None]
        attrs["score"] = round(math.prod(parts) ** (1 / len(parts)), 4)
        items.append((Span(doc, span.start, span.end, label=attrs["source_type"]), attrs))
        previous.append(attrs)
    write_layer(doc, "attribution", items)


def _describe_source(doc: Doc, st: Statement, attrs: dict[str, Any], previous: list[dict[str, Any]]) -> None:
    attrs.update(source_type="unresolved", source_resolved=None, affiliation=None)
    if st.source is None:
        return
    limit = min(x for x in (st.cue.start if st.cue and st.cue.start > st.source.end else None,
                            st.content.start if st.content.start > st.source.end else None, len(text_of(doc)))
                if x is not None)
    info = classify(doc, st.source.start, st.source.end, limit)
    attrs.update(source_type=info.source_type, affiliation=info.affiliation)
    if not info.anaphoric:
        return
    antecedent = _antecedent(doc, st.source, attrs["source"]["text"], previous)
    if antecedent is None:
        return
    ref = antecedent.get("source_resolved") or antecedent["source"]
    if ref["start"] == st.source.start:
        return
    attrs.update(source_resolved=ref, source_type=antecedent["source_type"],
                 affiliation=attrs["affiliation"] or antecedent.get("affiliation"))


def _antecedent(doc: Doc, source: Segment, text: str, previous: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The earlier statement whose source this one refers back to: the latest one with a source of a fitting kind.

    "he"/"she" wants a named person; "they" a plural or collective source; "the sources" an earlier unnamed source."""
    word = text.strip().lower()
    for attrs in reversed(previous):
        src = attrs.get("source")
        if src is None or src["start"] >= source.start:
            continue
        kind = attrs["source_type"]
        if word in {"he", "she", "him"}:
            if kind == "named_person":
                return attrs
        elif word in {"it"}:
            if kind in {"named_org", "media", "official"}:
                return attrs
        elif word in {"they", "them", "we"}:
            if kind in {"anonymous", "named_org", "official", "media"}:
                return attrs
        elif kind == "anonymous":
            return attrs
    return None


def _cue_without_time(text: str, st: Statement, dates: list[tuple[int, int, dict[str, Any]]]
                      ) -> tuple[Statement, tuple[int, int] | None]:
    """The cue is the verb (with its particles and object: "told the agency"); a time the tagger ran into it ("said
    Monday", "confirmed on Sunday", "said yesterday") is cut off, to become the statement's `when`. Returns the
    statement with its cue trimmed, and the time cut off (None when there was none)."""
    cue = st.cue
    if cue is None:
        return st, None
    start, end = cue.start, cue.end
    layer = {(s, e) for s, e, _ in dates if s < end and start < e}
    times = sorted(layer | {(start + s, start + e) for s, e in time_phrases(text[start:end])})
    cut: tuple[int, int] | None = None
    tail = [(s, e) for s, e in times if s > start and not text[e:end].strip(" ,")]  # "said [on] Monday"
    if tail:
        s, e = tail[0]  # the longest: "on Monday" rather than "Monday"
        end = start + len(_DANGLING.sub("", text[start:s]))
        cut = next((t for t in tail if t in layer), (without_preposition(text, s, e), e))
    head = [(s, e) for s, e in times if e < end and not text[start:s].strip(" ,")]  # "Monday [,] said"
    if head:
        s, e = max(head, key=lambda t: t[1])
        start = end - len(_DANGLING_START.sub("", text[e:end]))
        cut = cut or next((t for t in head if t in layer), (without_preposition(text, s, e), e))
    if cut is None or start >= end or not text[start:end].strip():
        return st, None
    fragments = [[max(a, start), min(b, end)] for a, b in cue.fragments if max(a, start) < min(b, end)]
    return replace(st, cue=replace(cue, fragments=fragments)), cut


def _cut_when(text: str, cut: tuple[int, int] | None, published: str | None) -> dict[str, Any] | None:
    """The time cut off a cue as the statement's `when`, where the date layer had no span for it."""
    if cut is None:
        return None
    start, end = cut
    value = parse_date(text[start:end], parse_published(published))["value"]
    return {"start": start, "end": end, "text": text[start:end], "value": value}


def _when(text: str, st: Statement, dates: list[tuple[int, int, dict[str, Any]]]) -> dict[str, Any] | None:
    """The date written next to the cue or source, outside the content: "said Monday", "confirmed on Sunday"."""
    anchors = [s for s in (st.cue, st.source) if s is not None]
    if not anchors:
        return None
    best, best_d = None, WHEN_DISTANCE + 1
    for start, end, attrs in dates:
        if st.content.start <= start < st.content.end and not any(a.start <= start < a.end for a in anchors):
            continue
        d = min(max(0, max(a.start, start) - min(a.end, end)) for a in anchors)
        if d < best_d:
            best, best_d = {"start": start, "end": end, "text": text[start:end], "value": attrs.get("value")}, d
    return best
