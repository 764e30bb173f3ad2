"""How the article is sourced: a reader's first test of it."""

from __future__ import annotations

from collections import Counter
from typing import Any

from newsprobe.core.model import Article, Span
from newsprobe.layers.attribution.sourcing import NAMED_TYPES, source_name


def summarize(spans: list[Span], article: Article) -> dict[str, Any]:
    by_type = Counter(s.attrs.get("source_type", "unresolved") for s in spans)
    sources: Counter[str] = Counter()
    types: dict[str, str] = {}
    names: dict[str, str] = {}
    for s in spans:
        name = source_name(s.attrs)
        if name:
            key = name.lower()
            sources[key] += 1
            types.setdefault(key, s.attrs.get("source_type", "unresolved"))
            names.setdefault(key, name)
    named = [{"source": names[k], "type": types[k], "statements": c} for k, c in sources.most_common()
             if types[k] in NAMED_TYPES]
    top = sources.most_common(1)
    return {
        "count": len(spans),
        "anonymous": by_type.get("anonymous", 0),
        "anonymous_share": round(by_type.get("anonymous", 0) / len(spans), 3) if spans else 0.0,
        "by_type": dict(by_type),
        "named_sources": named,
        "most_quoted": {"source": names[top[0][0]], "type": types[top[0][0]], "statements": top[0][1]}
        if top else None,
    }


def line(summary: dict[str, Any]) -> str:
    return f"statements: {summary['count']} ({summary['anonymous_share']:.0%} from anonymous sources)"
