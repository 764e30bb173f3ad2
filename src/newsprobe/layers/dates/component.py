"""Layer `date`: every date expression, resolved to a calendar date where the text allows.

News dates things relative to the day of publication ("said Monday", "yesterday", "two days ago"), so a
date is only checkable once it is anchored. Spans are spaCy's DATE entities that name a time (not "Forty" in
"Forty migrants died", which the small model sometimes labels DATE), TIME entities that name a day ("Monday night"),
ISO dates spaCy missed, and the time phrases of the shared grammar that NER missed ("the past 24 hours",
"overnight", "since the start of the war"), without their leading "in"/"on"/"over". Each gets
`span._.attrs = {"value", "granularity", "relative", "resolved", "anchor"}` from `newsprobe.core.dates.parse_date`,
whose docstring gives the conventions (which Monday "said Monday" is, what "last week" means).

The grammar itself (month and weekday names, expressions, time phrases) lives in `newsprobe.core.dates`, shared
with cleaning, metadata and quantities, so that a claim's `when` and this layer cannot disagree.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from newsprobe.core.dates import (
    MONTHS,
    WEEKDAYS,
    full_dates,
    is_date_expression,
    parse_date,
    parse_published,
    time_phrases,
    without_preposition,
)
from newsprobe.core.spans import text_of, write_layer

__all__ = ["add_dates", "make_dates", "parse_date", "parse_published"]

_FUTURE_AUX = frozenset({"will", "'ll", "’ll", "shall", "wo", "to"})
# Modals look forward from the text's day ("should ease by Thursday", "could vote in March") unless perfect ("could
# have voted on Monday"), which looks back.
_MODALS = frozenset({"should", "would", "could", "may", "might", "must", "'d", "’d"})
_PERFECT = frozenset({"have", "'ve", "’ve", "has", "had"})
_DAYISH = re.compile(r"\b(?:" + "|".join(list(WEEKDAYS)[:7]) + r"|today|tonight|yesterday|tomorrow)\b", re.I)
_CALENDAR_WORDS = frozenset(MONTHS) | frozenset(WEEKDAYS)
_ISO_IN_TEXT = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# Entity labels a time phrase may overlap: numbers ("24" in "the past 24 hours") and NER's own time labels. A phrase
# over a name ("Theresa May", "the Tuesday Group") is part of that name.
_NUMERIC_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY"})


def _looks_forward(span: Span) -> bool:
    """Is the verb the date hangs on marked future ("will meet on Monday", "plans to vote Sunday", "should ease by
    Thursday")?"""
    tok = span.root
    for _ in range(4):
        if tok.pos_ in ("VERB", "AUX"):
            aux = {c.lower_ for c in tok.children if c.dep_ == "aux"}
            if aux == {"to"} and _past(tok.head):
                return False  # "tried to enter on May 16", "wanted to meet on Monday": a past wish, not a plan
            return bool(aux & _FUTURE_AUX or (aux & _MODALS and not aux & _PERFECT))
        if tok.head is tok:
            return False
        tok = tok.head
    return False


def _past(verb) -> bool:
    """The verb is in the past: "tried", "was set" (its own tense or its auxiliary's)."""
    return verb.tag_ == "VBD" or any(c.dep_ in ("aux", "auxpass") and c.tag_ == "VBD" for c in verb.children)


def _figurative(ent: Span) -> bool:
    """ "a brighter tomorrow", "the today of the party": a day word as a noun after a determiner or adjective."""
    if len(ent) != 1 or ent[0].lower_ not in ("today", "tomorrow", "yesterday") or ent.start == 0:
        return False
    doc, i = ent.doc, ent.start
    if doc[i - 1].pos_ in ("DET", "ADJ", "PRON") or doc[i - 1].tag_ in ("JJ", "JJR", "JJS", "PRP$"):
        return True
    return i >= 2 and doc[i - 2].lower_ in ("a", "an") and doc[i - 1].pos_ in ("NOUN", "ADJ")  # "a brighter tomorrow"


_YEAR_LIKE = re.compile(r"\d{4}")
_YEAR_PREFIXES = frozenset({"FY", "AD", "BC", "CE", "BCE", "COP", "EXPO", "UEFA", "FIFA", "WWII"})  # years after all
_TALLY_NOUNS = frozenset({"score", "total", "number", "sum", "rating", "tally", "count"})


def _code_number(ent: Span) -> bool:
    """A four-digit number NER took for a year that is a model number or a tally: "the RTX 2060", "GTX 1660",
    "a total score of 2072". An upper-case code that names nothing right before it, or "score of", says so; "FY
    2020" and "the EU 2019 elections" are years."""
    if len(ent) != 1 or not _YEAR_LIKE.fullmatch(ent.text) or ent.start == 0:
        return False
    doc, i = ent.doc, ent.start
    before = doc[i - 1].text
    if before.isalpha() and before.isupper() and 2 <= len(before) <= 5 and before not in _YEAR_PREFIXES \
            and not doc[i - 1].ent_type_ and not doc[i - 1].is_stop:  # "the EU 2019 elections", "IN 2005"
        return True
    return i >= 2 and before.lower() == "of" and doc[i - 2].lower_ in _TALLY_NOUNS


def _expressions(doc: Doc) -> list[Span]:
    """DATE entities that name a time (split where one holds several full dates), TIME entities that name a day, ISO
    dates spaCy missed, and the shared grammar's time phrases that NER missed."""
    spans: list[Span] = []
    for ent in doc.ents:
        if ent.label_ == "DATE":
            if not is_date_expression(ent.text):
                continue  # "Forty", "Between 5": NER's DATE on a count
            parts = full_dates(ent.text)
            if len(parts) > 1:
                for s, e in parts:
                    sp = doc.char_span(ent.start_char + s, ent.start_char + e, label="DATE", alignment_mode="expand")
                    if sp is not None and (not spans or sp.start >= spans[-1].end):
                        spans.append(sp)
                continue
            if _figurative(ent) or _code_number(ent):
                continue
            start = ent.start
            floor = spans[-1].end if spans else 0  # never back into the date before ("Monday Monday")
            while start > floor and doc[start - 1].lower_.rstrip(".") in _CALENDAR_WORDS:
                start -= 1  # "Tue Mar 14, 2017": NER sometimes leaves the month out
            spans.append(Span(doc, start, ent.end, label="DATE"))
        elif ent.label_ == "TIME" and _DAYISH.search(ent.text):
            spans.append(Span(doc, ent.start, ent.end, label="DATE"))
    text = text_of(doc)
    ents = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
    if "-" in text:
        # Only ISO dates that are whole tokens and in no other entity: `span._.attrs` is keyed by character offsets
        # alone, so a date span on the offsets of an entity would overwrite that entity's attrs there.
        taken = [(sp.start_char, sp.end_char) for sp in spans] + [(s, e) for s, e, _ in ents]
        for m in _ISO_IN_TEXT.finditer(text):
            if not any(s < m.end() and m.start() < e for s, e in taken):
                sp = doc.char_span(m.start(), m.end(), label="DATE", alignment_mode="strict")
                if sp is not None:
                    spans.append(sp)
    spans.extend(_missed_phrases(doc, text, spans, ents))
    return sorted(spans, key=lambda sp: sp.start_char)


def _missed_phrases(doc: Doc, text: str, spans: list[Span], ents: list[tuple[int, int, str]]) -> list[Span]:
    """Time phrases of the shared grammar that no span covers yet ("over the past 24 hours", which NER calls TIME;
    "overnight"), from the word after their "in"/"on"/"over"."""
    taken = [(sp.start_char, sp.end_char) for sp in spans]
    names = [(s, e) for s, e, label in ents if label not in _NUMERIC_LABELS]
    same = {(s, e) for s, e, label in ents if label not in ("DATE", "TIME")}  # the entity layer's spans
    out: list[Span] = []
    for start, end in time_phrases(text):
        begin = without_preposition(text, start, end)
        if begin == start and text[start:end].lower().rstrip(".") in _CALENDAR_WORDS:
            continue  # a bare "May" or "March" NER did not call a date: a name or a verb
        if any(s < end and begin < e for s, e in taken + names) or (begin, end) in same:
            continue
        sp = doc.char_span(begin, end, label="DATE", alignment_mode="contract")
        if sp is not None and sp.text.strip() and not _figurative(sp):
            out.append(sp)
            taken.append((sp.start_char, sp.end_char))
    return out


def add_dates(doc: Doc) -> Doc:
    anchor = parse_published(doc._.published)
    items = [(sp, parse_date(sp.text, anchor, future=_looks_forward(sp))) for sp in _expressions(doc)]
    write_layer(doc, "date", items)
    return doc


@Language.factory("newsprobe/dates", assigns=["doc.spans"], requires=["doc.ents"])
def make_dates(nlp: Language, name: str):
    return add_dates
