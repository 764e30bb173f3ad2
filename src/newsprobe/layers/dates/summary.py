"""Dates found and the calendar days they resolve to."""

from __future__ import annotations

from typing import Any

from newsprobe.core.model import Article, Span


def summarize(spans: list[Span], article: Article) -> dict[str, Any]:
    resolved = sorted({s.attrs["value"] for s in spans if s.attrs.get("value")})
    return {"count": len(spans), "resolved": resolved}


def line(summary: dict[str, Any]) -> str:
    return f"dates: {summary['count']}"
