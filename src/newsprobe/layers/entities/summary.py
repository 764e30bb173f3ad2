"""Who is named: counts per label and the most mentioned names (variants counted under their canonical name)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from newsprobe.core.model import Article, Span


def summarize(spans: list[Span], article: Article) -> dict[str, Any]:
    by_label = Counter(s.label for s in spans)
    names = Counter((s.attrs.get("canonical") or s.text, s.label) for s in spans)
    top = [{"name": n, "label": lab, "mentions": c} for (n, lab), c in names.most_common(10)]
    return {"count": len(spans), "by_label": dict(by_label), "top": top}


def line(summary: dict[str, Any]) -> str:
    labels = ", ".join(f"{k} {v}" for k, v in sorted(summary["by_label"].items()))
    return f"entities: {labels or 'none'}"
