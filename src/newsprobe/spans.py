"""The one exporter: turn the spaCy Doc's span groups into the flat standoff spans of the data model.

It knows no layer by name, so a new component only has to write `doc.spans[<layer>]`.
"""

from __future__ import annotations

from spacy.tokens import Doc

from newsprobe.components import layer_items
from newsprobe.model import Span

# Span groups spaCy or other components may keep for their own use; not layers of ours.
_PRIVATE_PREFIX = "_"


def doc_to_spans(doc: Doc) -> list[Span]:
    spans: list[Span] = []
    text = doc.text  # built from the tokens on every access: read it once
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
