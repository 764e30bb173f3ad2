"""Per article: label phrases by construction, and the labels of each actor."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from newsprobe.core.model import Article, Span


def summarize(spans: list[Span], article: Article) -> dict[str, Any]:
    per_actor: dict[str, Counter[str]] = defaultdict(Counter)
    for s in spans:
        per_actor[s.attrs.get("actor") or "?"][s.attrs.get("key") or s.text.lower()] += 1
    actors = sorted(per_actor.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    return {
        "count": len(spans),
        "by_kind": dict(Counter(s.label for s in spans)),
        "actors": [{"actor": name, "labels": dict(c.most_common())} for name, c in actors[:10]],
    }


def line(summary: dict[str, Any]) -> str:
    return f"labels: {summary['count']}"
