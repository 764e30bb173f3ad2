"""Per-article summaries: the gist before the spans. Each layer summarises its own spans (its `summary` hook); this
module adds what belongs to no layer (words, removed lines) and keeps layers that did not run out of it."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from newsprobe.core.model import Article, word_count


def summarize(article: Article, layers: Collection[str] | None = None) -> dict[str, Any]:
    """`layers` are the span layers the pipeline ran: a layer that ran and found nothing says so (count 0), a layer
    that did not run is left out rather than reported as empty. None: every layer the article has spans of."""
    from newsprobe.layers import LAYERS

    present = {s.layer for s in article.spans} if layers is None else set(layers)
    out: dict[str, Any] = {"words": word_count(article.text), "removed_lines": len(article.removed)}
    for layer in LAYERS:
        fn = layer.hook("summary")
        if fn is None or layer.span_layer not in present:
            continue
        out[layer.span_layer] = fn(article.layer(layer.span_layer), article)
    return out
