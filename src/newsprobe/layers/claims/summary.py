"""Claims, how many carry numbers, how many the model calls check-worthy, and how many come from anonymous sources."""

from __future__ import annotations

from typing import Any

from newsprobe.core.model import Article, Span


def summarize(spans: list[Span], article: Article) -> dict[str, Any]:
    numeric = [s for s in spans if s.attrs.get("quantities")]
    # The layer decided check-worthiness with its own threshold; counting that decision keeps the two in agreement.
    out: dict[str, Any] = {"count": len(spans), "numeric": len(numeric),
                           "checkworthy": sum(1 for s in spans if s.attrs.get("check_worthy"))}
    linked = [s for s in spans if s.attrs.get("attribution")]
    if linked:
        anonymous = sum(1 for s in linked if s.attrs["attribution"].get("source_type") == "anonymous")
        out["attributed"] = len(linked)
        out["anonymous_share"] = round(anonymous / len(spans), 3)
    return out


def line(summary: dict[str, Any]) -> str:
    return f"claims: {summary['count']} ({summary['numeric']} with numbers)"
