"""Span layers on a spaCy Doc, in and out: how a component writes its layer, and the one exporter that turns every
layer into the flat standoff spans of the data model.

Contract for every layer's component (so that `doc_to_spans` can export a layer it has never heard of):
- it is registered with ``@Language.factory("newsprobe/<name>", assigns=["doc.spans"])``;
- it writes its spans to ``doc.spans["<layer>"]`` (a SpanGroup; spans may overlap) with `write_layer`, which keeps
  one JSON-serialisable attrs dict per span in the group's own ``attrs``: spaCy keys ``span._`` values by character
  offsets alone, so two layers with a span at the same place would otherwise share, and overwrite, one dict;
- it reads the publication date, where it needs one, from ``doc._.published`` (ISO string or None), and the
  article's title from ``doc._.title``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from spacy.tokens import Doc, SpanGroup
from spacy.tokens import Span as SpacySpan

from newsprobe.core.model import Span

if not SpacySpan.has_extension("attrs"):
    SpacySpan.set_extension("attrs", default=None)
if not Doc.has_extension("published"):
    Doc.set_extension("published", default=None)
if not Doc.has_extension("title"):
    Doc.set_extension("title", default=None)

ATTRS_KEY = "newsprobe_attrs"
# Span groups spaCy or other components may keep for their own use; not layers of ours.
_PRIVATE_PREFIX = "_"


def write_layer(doc: Doc, layer: str, items: Iterable[tuple[SpacySpan, dict[str, Any] | None]]) -> None:
    """Set `doc.spans[layer]` with one attrs dict per span (also on `span._.attrs`, a convenience for
    spaCy users reading one layer; the exporter reads the group's copy)."""
    items = list(items)
    for sp, attrs in items:
        sp._.attrs = attrs
    doc.spans[layer] = SpanGroup(
        doc, name=layer, spans=[sp for sp, _ in items], attrs={ATTRS_KEY: [dict(a or {}) for _, a in items]}
    )


def layer_items(doc: Doc, layer: str) -> list[tuple[SpacySpan, dict[str, Any]]]:
    """The spans of a layer with their attrs; falls back to `span._.attrs` for groups written directly."""
    group = doc.spans[layer]
    attrs = group.attrs.get(ATTRS_KEY)
    if attrs is None or len(attrs) != len(group):
        attrs = [sp._.attrs or {} for sp in group]
    return list(zip(group, attrs, strict=True))


def text_of(doc: Doc) -> str:
    """`doc.text`, kept in `doc.user_data`: spaCy rebuilds the string from every token on each access, and rules that
    look at the text around hundreds of spans would otherwise spend most of their time there."""
    cached = doc.user_data.get("newsprobe_text")
    if cached is None:
        cached = doc.user_data["newsprobe_text"] = doc.text
    return cached


def doc_to_spans(doc: Doc) -> list[Span]:
    spans: list[Span] = []
    text = text_of(doc)
    for layer in doc.spans:
        if layer.startswith(_PRIVATE_PREFIX):
            continue
        for sp, attrs in layer_items(doc, layer):
            start, end = _trim(text, sp.start_char, sp.end_char)
            if start >= end:
                continue
            spans.append(Span(layer, start, end, sp.label_ or layer, text[start:end], dict(attrs)))
    spans.sort(key=lambda s: (s.start, -s.end, s.layer))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Spans never start or end in whitespace: readers compare them to what they see."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
