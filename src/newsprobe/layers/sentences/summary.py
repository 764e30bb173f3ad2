"""The sentence count, which other summaries use as their denominator."""

from __future__ import annotations

from typing import Any

from newsprobe.core.model import Article, Span


def summarize(spans: list[Span], article: Article) -> dict[str, Any]:
    return {"count": len(spans)}


def line(summary: dict[str, Any]) -> str:
    return f"{summary['count']} sentences"
