"""Claims, how many carry numbers, how many the model calls check-worthy, and how many come from anonymous sources."""

from __future__ import annotations

from typing import Any

from newsprobe.core.model import Article, Span


def summarize(spans: list[Span], article: Article) -> dict[str, Any]:
    """Counts over the body: the headline is scored and kept as a claim (`headline: true`) but is no sentence of
    the body, so `checkworthy` and `checkworthy_share` (of the body's sentences) leave it out."""
    body = [s for s in spans if not s.attrs.get("headline")]
    numeric = [s for s in body if s.attrs.get("quantities")]
    # The layer decided check-worthiness with its own threshold; counting that decision keeps the two in agreement.
    out: dict[str, Any] = {"count": len(body), "numeric": len(numeric),
                           "checkworthy": sum(1 for s in body if s.attrs.get("check_worthy"))}
    sentences = len(article.layer("sentence")) - (len(spans) - len(body))
    if sentences > 0:
        out["sentences"] = sentences
        out["checkworthy_share"] = round(out["checkworthy"] / sentences, 3)
    if len(body) < len(spans):
        out["headline_checkworthy"] = any(s.attrs.get("check_worthy") for s in spans if s.attrs.get("headline"))
    linked = [s for s in body if s.attrs.get("attribution")]
    if linked:
        anonymous = sum(1 for s in linked if s.attrs["attribution"].get("source_type") == "anonymous")
        out["attributed"] = len(linked)
        out["anonymous_share"] = round(anonymous / len(body), 3)
    return out


def line(summary: dict[str, Any]) -> str:
    return f"claims: {summary['count']} ({summary['numeric']} with numbers)"
