"""Layer `claim`: check-worthy sentences and sentences with numbers, with their quantities structured.

A fact-checker's first question about a casualty figure is "says who?", so every claim carries its
check-worthiness score and each number in it as `{value, low, high, qualifier, counted, event, unit,
when, where, text, start, end}` (rules in `quantities.py`). `when` is a span of this Doc's date layer,
`{start, end, text, value}` with the day it resolved to ("on Sunday" -> text "Sunday", value "2016-08-21"; None for
vague "recent weeks"), and `where` a place of its entity layer, `{start, end, text}`; both None when the clause has
none. The layer requires the entity and date layers for that, so a claim's time and place are always the ones those
layers show. Scores come from our ONNX model, batched over all the sentences of a batch of
documents (one encoder call, not one per sentence). The headline (the first line, when it is the
article's title) is always scored and kept, with `headline: true`, and left out of the summary's
shares. When an `attribution` layer exists, a claim is linked to the reported statement it sits in.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from spacy.language import Language
from spacy.tokens import Doc, Span

from newsprobe.core.spans import layer_items, text_of, write_layer
from newsprobe.layers.claims.quantities import parse_quantities


@Language.factory(
    "newsprobe/claims",
    assigns=["doc.spans"],
    default_config={"threshold": None, "batch_size": 64},
)
def make_claims(nlp: Language, name: str, threshold: float | None, batch_size: int) -> ClaimTagger:
    return ClaimTagger(threshold, batch_size)


class ClaimTagger:
    """Holds the decision threshold; the model itself is loaded once per process on first use."""

    def __init__(self, threshold: float | None = None, batch_size: int = 64) -> None:
        self.threshold = threshold
        self.batch_size = batch_size

    def _threshold(self) -> float:
        from newsprobe.layers.claims.checkworthy import load_head

        return load_head().threshold if self.threshold is None else self.threshold

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int | None = None) -> Iterator[Doc]:
        from newsprobe.layers.claims.checkworthy import score_sentences

        it = iter(docs)
        size = batch_size or self.batch_size
        while batch := list(islice(it, size)):
            sents = [_sentences(doc) for doc in batch]
            flat = [s.text for group in sents for s in group]
            scores = iter(score_sentences(flat)) if flat else iter(())
            threshold = self._threshold()
            for doc, group in zip(batch, sents, strict=True):
                add_claims(doc, group, [next(scores) for _ in group], threshold)
                yield doc


def _sentences(doc: Doc) -> list[Span]:
    if "sentence" in doc.spans:
        return list(doc.spans["sentence"])
    return list(doc.sents)


def headline_end(doc: Doc) -> int:
    """Where the headline ends in the text (0: no headline there): the first line, when it is the article's title.

    The clean text opens with the title line when the article has one (`newsprobe.io.clean`). A headline is no
    sentence of the body: its claims are scored but flagged, and the summary's shares leave them out."""
    title = doc._.title
    if not title:
        return 0
    text = text_of(doc)
    end = text.find("\n")
    end = len(text) if end < 0 else end
    first, wanted = " ".join(text[:end].split()).lower(), " ".join(title.split()).lower()
    if first and (first == wanted or wanted.startswith(first) or first.startswith(wanted)):
        return end
    return 0


def add_claims(doc: Doc, sentences: list[Span], scores: list[float], threshold: float) -> None:
    statements = _statements(doc)
    head_end = headline_end(doc)
    items = []
    for sent, score in zip(sentences, scores, strict=True):
        quantities = parse_quantities(sent)
        headline = sent.start_char < head_end
        if score < threshold and not quantities and not headline:
            continue
        attrs = {"checkworthy": round(float(score), 4), "check_worthy": bool(score >= threshold),
                 "score": round(float(score), 4), "quantities": quantities}
        if headline:
            attrs["headline"] = True
        link = _containing(statements, sent)
        if link is not None:
            attrs["attribution"] = link
        items.append((sent, attrs))
    write_layer(doc, "claim", items)


def _statements(doc: Doc) -> list[tuple[int, int, dict]]:
    if "attribution" not in doc.spans:
        return []
    return [(sp.start_char, sp.end_char, attrs) for sp, attrs in layer_items(doc, "attribution")]


def _containing(statements: list[tuple[int, int, dict]], sent: Span) -> dict | None:
    """The statement that overlaps the sentence most, as a reference a reader can follow."""
    best, best_overlap = None, 0
    for start, end, attrs in statements:
        overlap = min(end, sent.end_char) - max(start, sent.start_char)
        if overlap > best_overlap:
            best, best_overlap = (start, end, attrs), overlap
    if best is None:
        return None
    start, end, attrs = best
    return {"start": start, "end": end, "source": attrs.get("source"), "source_type": attrs.get("source_type")}
