"""The statements grouped by source: the report's "Who says what" table and the web article page's panel."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from newsprobe.core.model import Article, Span
from newsprobe.layers.attribution.sourcing import group_by_source


def section(article: Article, spans: list[Span]) -> Table:
    table = Table(title="Who says what", title_justify="left")
    for col in ("source", "type", "cue", "kind", "statement"):
        table.add_column(col)
    for group in group_by_source(spans):
        kind = group["type"] + (f", close to {group['affiliation']}" if group["affiliation"] else "")
        for i, st in enumerate(group["statements"]):
            table.add_row(group["source"] if i == 0 else "", kind if i == 0 else "", st["said"], st["kind"], st["text"])
    return table


def panel(article: Article, spans: list[Span]) -> dict[str, Any] | None:
    groups = group_by_source(spans)
    return {"sources": groups} if groups else None
