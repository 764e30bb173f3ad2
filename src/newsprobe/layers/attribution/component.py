"""Layer `attribution`: who says what. One span per reported statement, over its content.

Each span's attrs: `source` and `cue` ({start, end, text} or None), `kind` (direct | indirect | mixed, from the quote
marks), `source_type` (named_person | named_org | official | document | media | unnamed_group | anonymous | author |
unresolved: see `sourcing.py` and docs/sourcing-guideline.md), `source_resolved` (the mention that "I", "he",
"they", "who", "the mayor", a surname or "the sources" stands for), `affiliation` ("sources close to X" -> X), `when`
(the date-layer span next to the cue or source, {start, end, text, value}: "said Monday" has cue "said" and when
"Monday"; a time the tagger runs into the cue is cut off it), `fragments` (the content's pieces when its source and
cue split it) and `score`.

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
from newsprobe.layers.attribution.sourcing import (
    SourceInfo,
    classify,
    gender,
    inside_quotes,
    is_person_role,
    is_plural,
)
from newsprobe.layers.attribution.tagger import Segment, Statement

OPENING_QUOTES = "\"“‘«„'"
CLOSING_QUOTES = "\"”’»“'"
# Cues that describe a reputation or a name, not something anyone said ("who is known for his dry wit"): no statement.
NOT_SAID = re.compile(r"^(?:(?:is|are|was|were|been|be)\s+)?(?:also\s+|widely\s+|best\s+|well\s+)?"
                      r"(?:known\s+(?:for|as)|named\s+(?:after|for)|nicknamed|dubbed)$", re.I)
WHEN_DISTANCE = 40  # characters between a cue (or source) and a date that says when the statement was made
_SENTENCE_BREAK = re.compile(r"[.!?][\"'”’)\]]*\s|\n")  # between a cue and a date: they are in different sentences
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


_DETERMINERS = frozenset("a an the this that these those some any".split())
_ARTICLES = frozenset({"a", "an", "the"})  # never a source alone; "that" and "this" may be (a relative, "this is")


def _says_nothing(span: Span) -> bool:
    """A content of one determiner or letter says nothing: "A" of "A Trump appointed federal judge", read as what
    Trump said (the tagger called that "A" a proper noun, so the word itself decides). "Never" or "No" alone are
    answers, and kept."""
    words = [t for t in span if not t.is_punct and not t.is_space]
    return not words or (len(words) == 1 and (len(words[0].text) == 1 or words[0].lower_ in _DETERMINERS))


# Cues without a verb that still report what someone said when no source is named: "according to" without a source
# is rare, "reportedly" common.
VERBLESS_CUES = frozenset({"according to", "reportedly", "allegedly", "purportedly", "apparently", "reported",
                           "said", "says"})


_THAT = re.compile(r"[\"'“‘]?that\b", re.I)
# Adverbs that report someone's word without naming them.
_HEARSAY = frozenset({"reportedly", "allegedly", "purportedly", "supposedly", "reputedly"})


def _cue_span(doc: Doc, cue: Segment | None) -> Span | None:
    """The tokens a cue covers (None without a cue)."""
    return None if cue is None else doc.char_span(cue.start, cue.end, alignment_mode="expand")


def _agentless(doc: Doc, cue: Segment | None) -> bool:
    """A cue that reports a view while keeping back whose it is: a passive with no "by" ("is said to", "are expected
    to", "was reported", "have been accused of", "is seen as") or a hearsay adverb ("reportedly"). Such a statement
    is not the article's own voice, so it is not typed `author`; the sourcing guideline types it `unresolved`."""
    span = _cue_span(doc, cue)
    if span is None:
        return False
    if any(t.lower_ in _HEARSAY for t in span):
        return True
    return any(t.dep_ == "auxpass" for t in span) and not any(
        c.dep_ == "agent" for t in span if t.tag_ == "VBN" for c in t.children)


def _no_speech(doc: Doc, cue: Segment | None) -> bool:
    """A statement with no source and a cue that holds no verb ("Hopes of a trade truce ... drove", "Motto: ...", "a
    2010 rape allegation against X") is the tagger reading a noun as a report: nobody is said to say anything
    (unless the content is what the noun reports: "reports that he would return", checked by the caller)."""
    span = _cue_span(doc, cue)
    if span is None:
        return False
    lowered = " ".join(span.text.lower().split())
    return lowered not in VERBLESS_CUES and not any(t.pos_ in ("VERB", "AUX") for t in span)


def add_attributions(doc: Doc, statements: list[Statement]) -> None:
    """Write the layer: each statement's content span with its source, cue and what the rules make of the source."""
    dates = [(sp.start_char, sp.end_char, attrs) for sp, attrs in layer_items(doc, "date")] \
        if "date" in doc.spans else []
    items: list[tuple[Any, dict[str, Any]]] = []
    previous: list[dict[str, Any]] = []  # attrs of earlier statements, for "they" and "the sources"
    for st in sorted(statements, key=lambda s: s.content.start):
        span = doc.char_span(st.content.start, st.content.end, alignment_mode="expand")
        if span is None or _says_nothing(span):
            continue
        original = st
        st, cut = _cue_without_time(text_of(doc), st, dates)
        if st.cue is not None and NOT_SAID.match(" ".join(text_of(doc)[st.cue.start : st.cue.end].split())):
            continue
        if st.source is not None and text_of(doc)[st.source.start : st.source.end].strip().lower() in _ARTICLES:
            st = replace(st, source=None)  # "The" alone read as a source: no one is named
        if st.source is None and _no_speech(doc, st.cue) and not _THAT.match(span.text):
            continue
        attrs: dict[str, Any] = {"source": _part(doc, st.source), "cue": _part(doc, st.cue),
                                 "kind": quote_kind(text_of(doc), st.content.start, st.content.end)}
        if len(st.content.fragments) > 1:
            attrs["fragments"] = [list(f) for f in st.content.fragments]
        attrs["_content"] = [list(f) for f in st.content.fragments]
        _describe_source(doc, st, attrs, previous)
        others = [(a, b) for other in statements if other is not original for a, b in other.content.fragments]
        attrs["when"] = _when(text_of(doc), st, dates, others) or _cut_when(text_of(doc), cut, doc._.published)
        parts = [s.score for s in (st.content, st.cue, st.source) if s is not None]
        attrs["score"] = round(math.prod(parts) ** (1 / len(parts)), 4)
        items.append((Span(doc, span.start, span.end, label=attrs["source_type"]), attrs))
        previous.append(attrs)
    _quoted_speakers(text_of(doc), [a for _, a in items])
    for span, attrs in items:  # working notes of the resolution, not part of the layer
        for key in [k for k in attrs if k.startswith("_")]:
            del attrs[key]
        span.label_ = attrs["source_type"]
    write_layer(doc, "attribution", items)


def _describe_source(doc: Doc, st: Statement, attrs: dict[str, Any], previous: list[dict[str, Any]]) -> None:
    """The source's type, affiliation and, for "he", "they", "I", "who" or "the mayor", the mention it stands for."""
    text = text_of(doc)
    attrs.update(source_type="unresolved", source_resolved=None, affiliation=None)
    if st.source is None:
        # No source: inside a quotation the statement is the quoted speaker's, elsewhere the article's own.
        anchor = st.cue.start if st.cue is not None else st.content.start
        enclosing = _enclosing(anchor, previous) if inside_quotes(text, anchor) else None
        if enclosing is not None:
            _copy(attrs, enclosing)
        elif not _agentless(doc, st.cue):
            attrs["source_type"] = "author"
        return  # "is said to", "reportedly": somebody is, but nobody is named; `unresolved` (the guideline's type)
    limit = min(x for x in (st.cue.start if st.cue and st.cue.start > st.source.end else None,
                            st.content.start if st.content.start > st.source.end else None, len(text))
                if x is not None)
    info = classify(doc, st.source.start, st.source.end, limit)
    attrs.update(source_type=info.source_type, affiliation=info.affiliation)
    if info.resolved is not None and info.resolved != (st.source.start, st.source.end):
        attrs["source_resolved"] = _mention(doc, *info.resolved)
    if info.anaphor is None:
        if info.source_type == "unresolved":
            earlier = _same_noun_before(text[st.source.start : st.source.end], previous)
            if earlier is not None:
                _copy(attrs, earlier)
        return
    if info.anaphor == "first":
        enclosing = _enclosing(st.source.start, previous) if inside_quotes(text, st.source.start) else None
        if enclosing is not None:
            _copy(attrs, enclosing)
        elif not inside_quotes(text, st.source.start):
            attrs["source_type"] = "author"  # "I think", "we asked": the article's own voice
        else:
            attrs["_quoted_first"] = st.source.start  # the speaker may come later: see `_quoted_speakers`
        return
    antecedent = _antecedent(doc, st.source, info, attrs, previous)
    if antecedent is None:
        _fallback(doc, st.source, info, attrs, previous)
        return
    _copy(attrs, antecedent)


_DEFINITE_NOUN = re.compile(r"the\s+([a-z][a-z-]+)", re.I)


def _same_noun_before(source: str, previous: list[dict[str, Any]]) -> dict[str, Any] | None:
    """ "the doctor" after "A doctor on the scene told Ruptly ...": the latest earlier statement whose source brought
    in someone new by the same noun ("a doctor", "an army doctor") and has a type of its own, which "the doctor"
    then takes (anonymous there, not unresolved)."""
    m = _DEFINITE_NOUN.fullmatch(" ".join(source.split()))
    if m is None:
        return None
    noun = re.compile(rf"^an?\s+(?:[\w-]+\s+){{0,2}}{re.escape(m.group(1).lower())}\b")
    for attrs in reversed(previous):
        src = attrs.get("source")
        if src is not None and attrs["source_type"] != "unresolved" and noun.match(src["text"].lower()):
            return attrs
    return None


def _quoted_speakers(text: str, statements: list[dict[str, Any]]) -> None:
    """"I" inside a quotation whose speaker comes after it: the statement whose content holds it, else the nearest
    statement in the same paragraph with a source of its own."""
    for attrs in statements:
        pos = attrs.get("_quoted_first")
        if pos is None:
            continue
        para = (text.rfind("\n", 0, pos) + 1, len(text) if text.find("\n", pos) < 0 else text.find("\n", pos))
        holders = [a for a in statements if a is not attrs and a.get("source") is not None
                   and "_quoted_first" not in a and any(s <= pos < e for s, e in a["_content"])]
        near = [a for a in statements if a is not attrs and a.get("source") is not None
                and "_quoted_first" not in a and para[0] <= a["source"]["start"] < para[1]]
        near.sort(key=lambda a: abs(a["source"]["start"] - pos))
        found = (holders or near or [None])[0]
        if found is not None:
            _copy(attrs, found)


def _mention(doc: Doc, start: int, end: int) -> dict[str, Any]:
    return {"start": start, "end": end, "text": text_of(doc)[start:end]}


def _copy(attrs: dict[str, Any], antecedent: dict[str, Any]) -> None:
    """Take the type and referent of the statement whose source this one's refers to."""
    ref = antecedent.get("source_resolved") or antecedent.get("source")
    if ref is not None and attrs.get("source") is not None and ref["start"] == attrs["source"]["start"]:
        return
    attrs.update(source_resolved=ref, source_type=antecedent["source_type"],
                 affiliation=attrs.get("affiliation") or antecedent.get("affiliation"))


def _enclosing(pos: int, previous: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The earlier statement whose content holds `pos` (the quotation that an "I" or a quoted statement sits in)."""
    for attrs in reversed(previous):
        if any(s <= pos < e for s, e in attrs["_content"]) and attrs.get("source") is not None:
            return attrs
    return None


def _antecedent(doc: Doc, source: Segment, info: SourceInfo, attrs: dict[str, Any],
                previous: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The earlier statement whose source this one refers back to: the latest one with a source of a fitting kind.

    "he"/"she" want one person of that gender (or of none known: "a spokeswoman" is no "he"), named or not; "they"
    a group, body or several people; "it" a body, outlet or document; "the sources" an earlier anonymous source;
    "the nominee" a named person; "this" the statement just before. A person named in the text between that
    statement and the pronoun, outside any statement's content, wins when nearer ("Trump spoke. He said ...")."""
    kind = info.anaphor
    if kind == "role_near":  # only the statement just before, if a named person made it nearby
        last = next((p for p in reversed(previous) if p.get("source") and p["source"]["start"] < source.start), None)
        if last is not None and last["source_type"] == "named_person" and source.start - last["source"]["end"] < 400:
            return last
        return None
    for prev in reversed(previous):
        src = prev.get("source")
        if src is None or src["start"] >= source.start:
            continue
        ref = prev.get("source_resolved") or src
        ptype = prev["source_type"]
        if kind in {"male", "female"}:
            if ptype not in {"named_person", "official", "anonymous", "media"}:
                continue
            if ptype == "official" and not is_person_role(ref["text"]):
                continue  # "the government" is no "he"; "the minister" or "a spokeswoman" may be
            if (is_plural(ref["text"], ptype) or is_plural(src["text"], ptype)) and ptype != "official":
                continue
            known = prev.get("_gender") or gender(ref["text"]) or gender(src["text"])
            if known is not None and known != kind:
                continue
        elif kind == "plural":
            if not (is_plural(ref["text"], ptype) or is_plural(src["text"], ptype)):
                continue
        elif kind == "neuter":
            if ptype not in {"named_org", "official", "media", "document"}:
                continue
        elif kind == "definite":
            if ptype != "anonymous":
                continue
        elif kind == "role":
            if ptype != "named_person":
                continue
        nearer = _named_between(doc, ref["end"], source.start, kind, previous) if kind in {"male", "female"} \
            else None
        if nearer is not None:
            return nearer
        if kind in {"male", "female"}:
            prev["_gender"] = kind
        return prev
    return _named_between(doc, 0, source.start, kind, previous)


def _named_between(doc: Doc, start: int, end: int, kind: str | None, previous: list[dict[str, Any]]
                   ) -> dict[str, Any] | None:
    """The last name of the right kind in `[start, end)` that no statement quotes: a person for "he", "she" and
    "the nominee", an organisation for "it" and "they", as a made-up antecedent statement."""
    labels = {"male": {"PERSON"}, "female": {"PERSON"}, "role": {"PERSON"}, "neuter": {"ORG"},
              "plural": {"ORG", "NORP"}}.get(kind or "")
    if not labels:
        return None
    quoted = [f for p in previous for f in p["_content"]]
    ents = doc.spans["entity"] if "entity" in doc.spans else doc.ents
    text = text_of(doc)
    best = None
    for ent in ents:
        if ent.label_ in labels and start <= ent.start_char and ent.end_char <= end \
                and not any(s <= ent.start_char < e for s, e in quoted) and not inside_quotes(text, ent.start_char):
            best = ent
    if best is None:
        return None
    mention = _mention(doc, best.start_char, best.end_char)
    return {"source": mention, "source_resolved": None, "affiliation": None,
            "source_type": "named_person" if best.label_ == "PERSON" else "named_org"}


def _fallback(doc: Doc, source: Segment, info: SourceInfo, attrs: dict[str, Any],
              previous: list[dict[str, Any]]) -> None:
    """No antecedent found: say what the pronoun itself tells."""
    if info.anaphor == "plural":
        attrs["source_type"] = "unnamed_group"  # "they say": people in general
    elif info.anaphor in {"role", "role_near"}:
        attrs["source_type"] = "official"

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


def _when(text: str, st: Statement, dates: list[tuple[int, int, dict[str, Any]]],
          others: list[tuple[int, int]] = ()) -> dict[str, Any] | None:
    """The date written next to the cue or source, outside the content: "said Monday", "confirmed on Sunday". Not a
    date across a sentence end or a line break (a headline's "in next 30 years" above "Scientists say ..."), nor one
    inside another statement's content ('When asked when, Alston guessed it could occur in the next two weeks': the
    asking has no date)."""
    anchors = [s for s in (st.cue, st.source) if s is not None]
    if not anchors:
        return None
    best, best_d = None, WHEN_DISTANCE + 1
    for start, end, attrs in dates:
        inside = any(a.start <= start < a.end for a in anchors)
        if not inside and (st.content.start <= start < st.content.end or any(a <= start < b for a, b in others)):
            continue
        gaps = [(min(a.end, end), max(a.start, start)) for a in anchors]
        d = min(max(0, b - a) for a, b in gaps)
        if d > 0 and all(_SENTENCE_BREAK.search(text[a:b]) for a, b in gaps if b > a):
            continue
        if d < best_d:
            best, best_d = {"start": start, "end": end, "text": text[start:end], "value": attrs.get("value")}, d
    return best
