"""Per-article summaries, one function per layer, so a reader gets the gist before the spans.

A later layer registers its own summariser with `@summarizer("<layer>")`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection
from typing import Any

from newsprobe.model import Article, Span

SUMMARIZERS: dict[str, Callable[..., dict[str, Any]]] = {}
_NEEDS_ARTICLE: set[str] = set()
_WORD = re.compile(r"\w+(?:[’'-]\w+)*")


def summarizer(layer: str, needs_article: bool = False):
    """Register `fn(spans)`, or `fn(spans, article)` with `needs_article` (for rates per word or per sentence)."""

    def register(fn: Callable[..., dict[str, Any]]):
        SUMMARIZERS[layer] = fn
        if needs_article:
            _NEEDS_ARTICLE.add(layer)
        return fn

    return register


def summarize(article: Article, layers: Collection[str] | None = None) -> dict[str, Any]:
    """`layers` are the layers the pipeline ran: a layer that ran and found nothing says so (count 0),
    a layer that did not run is left out rather than reported as empty."""
    out: dict[str, Any] = {
        "words": len(_WORD.findall(article.text)),
        "removed_lines": len(article.removed),
    }
    for layer, fn in SUMMARIZERS.items():
        if layers is not None and layer not in layers:
            continue
        spans = article.layer(layer)
        out[layer] = fn(spans, article) if layer in _NEEDS_ARTICLE else fn(spans)
    return out


@summarizer("sentence")
def _sentences(spans: list[Span]) -> dict[str, Any]:
    return {"count": len(spans)}


@summarizer("entity")
def _entities(spans: list[Span]) -> dict[str, Any]:
    by_label = Counter(s.label for s in spans)
    names = Counter((s.attrs.get("canonical") or s.text, s.label) for s in spans)
    top = [{"name": n, "label": lab, "mentions": c} for (n, lab), c in names.most_common(10)]
    return {"count": len(spans), "by_label": dict(by_label), "top": top}


@summarizer("date")
def _dates(spans: list[Span]) -> dict[str, Any]:
    resolved = sorted({s.attrs["value"] for s in spans if s.attrs.get("value")})
    return {"count": len(spans), "resolved": resolved}


@summarizer("claim")
def _claims(spans: list[Span]) -> dict[str, Any]:
    numeric = [s for s in spans if s.attrs.get("quantities")]
    out: dict[str, Any] = {"count": len(spans), "numeric": len(numeric),
                           "checkworthy": sum(1 for s in spans if s.attrs.get("checkworthy", 0) >= 0.5)}
    linked = [s for s in spans if s.attrs.get("attribution")]
    if linked:
        anonymous = sum(1 for s in linked if s.attrs["attribution"].get("source_type") == "anonymous")
        out["attributed"] = len(linked)
        out["anonymous_share"] = round(anonymous / len(spans), 3)
    return out


@summarizer("attribution")
def _attribution(spans: list[Span]) -> dict[str, Any]:
    """How the article is sourced: a reader's first test of it."""
    from newsprobe.sourcing import source_name

    by_type = Counter(s.attrs.get("source_type", "unresolved") for s in spans)
    sources: Counter[str] = Counter()
    types: dict[str, str] = {}
    for s in spans:
        name = source_name(s.attrs)
        if name:
            key = name.lower()
            sources[key] += 1
            types.setdefault(key, s.attrs.get("source_type", "unresolved"))
            types.setdefault(f"{key}\0name", name)
    named = [{"source": types[f"{k}\0name"], "type": types[k], "statements": c} for k, c in sources.most_common()
             if types[k] in {"named_person", "named_org", "official", "media"}]
    top = sources.most_common(1)
    return {
        "count": len(spans),
        "anonymous": by_type.get("anonymous", 0),
        "anonymous_share": round(by_type.get("anonymous", 0) / len(spans), 3) if spans else 0.0,
        "by_type": dict(by_type),
        "named_sources": named,
        "most_quoted": {"source": types[f"{top[0][0]}\0name"], "type": types[top[0][0]], "statements": top[0][1]}
        if top else None,
    }
@summarizer("technique", needs_article=True)
def _techniques(spans: list[Span], article: Article) -> dict[str, Any]:
    """Spans per technique, spans per 1,000 words, and the share of sentences holding any technique span."""
    words = len(_WORD.findall(article.text))
    sentences = article.layer("sentence") or _rough_sentences(article.text)
    touched = sum(1 for sent in sentences if any(sp.start < sent.end and sp.end > sent.start for sp in spans))
    by_technique = Counter(s.label for s in spans)
    return {
        "count": len(spans),
        "by_technique": dict(by_technique.most_common()),
        "per_1000_words": round(1000 * len(spans) / words, 2) if words else 0.0,
        "sentence_share": round(touched / len(sentences), 3) if sentences else 0.0,
    }


def _rough_sentences(text: str) -> list[Span]:
    """Sentences when no sentence layer ran: text between sentence-final punctuation or line breaks."""
    out = []
    for m in re.finditer(r"[^.!?\n]+(?:[.!?]+|$)", text):
        if m.group().strip():
            out.append(Span("sentence", m.start(), m.end(), "sentence", m.group()))
    return out
