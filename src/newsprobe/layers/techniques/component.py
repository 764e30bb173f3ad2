"""Layer `technique`: spans of propaganda labelled with one of the 14 techniques of the Propaganda Techniques Corpus.

Each span's label is the technique (corpus spelling, e.g. `Name_Calling,Labeling`); `attrs.score` (0..1) is the
span score times the technique's probability, `attrs.si_score` the span score alone (mean probability of its tokens
being propaganda), `attrs.technique_p` the technique's probability given the span. A span may carry a second
technique (a second span at the same place), and spans of different techniques may overlap. `threshold` is the
token probability a span needs: lower finds more (recall), higher finds less but surer (precision); the model's
own, chosen on PTC dev, by default. `attrs.voice` is "quoted" when the span lies inside a quotation (half of it or
more) and "own" when it is in the outlet's own voice: a quoted "rigged election" is the speaker's technique, and the
summaries and outlet figures count the two apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from newsprobe.core.quotes import quoted_share
from newsprobe.core.spans import text_of, write_layer


@Language.factory("newsprobe/techniques", assigns=["doc.spans"], default_config={"threshold": None})
def make_techniques(nlp: Language, name: str, threshold: float | None) -> TechniqueTagger:
    return TechniqueTagger(threshold)


class TechniqueTagger:
    """Holds the threshold; the model is loaded once per process on first use."""

    def __init__(self, threshold: float | None = None) -> None:
        if threshold is not None and not 0.0 <= float(threshold) <= 1.0:
            raise ValueError(f"technique threshold must be in 0..1, got {threshold}")
        self.threshold = None if threshold is None else float(threshold)

    def __call__(self, doc: Doc) -> Doc:
        from newsprobe.layers.techniques.tagger import LABEL_PRIOR, LABEL_TERMS, NAME_CALLING, find_techniques

        items = []
        for technique, start, end, score, si_score, p in _with_p(find_techniques(doc.text, self.threshold)):
            span = doc.char_span(start, end, label=technique, alignment_mode="expand")
            if span is None:
                continue
            attrs = {"score": round(score, 4), "si_score": round(si_score, 4), "technique_p": round(p, 4),
                     "voice": voice(text_of(doc), span.start_char, span.end_char)}
            if technique == NAME_CALLING and si_score == LABEL_PRIOR and LABEL_TERMS.fullmatch(span.text):
                attrs["evidence"] = "label list"  # proposed by LABEL_TERMS, kept by the technique head
            items.append((span, attrs))
        write_layer(doc, "technique", items)
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)


def _with_p(found: list[tuple[str, int, int, float, float]]) -> Iterator[tuple[str, int, int, float, float, float]]:
    for technique, start, end, score, si_score in found:
        yield technique, start, end, score, si_score, (score / si_score if si_score > 0 else 0.0)


def voice(text: str, start: int, end: int) -> str:
    """"quoted" when most of `[start, end)` lies inside quotation marks, else "own" (the outlet's own voice)."""
    return "quoted" if quoted_share(text, start, end) >= 0.5 else "own"
