"""The statements grouped by source: the report's "Who says what" table and the web article page's panel."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text

from newsprobe.core.model import Article, Span
from newsprobe.layers.attribution.sourcing import group_by_source


def section(article: Article, spans: list[Span]) -> Table:
    """Three columns, the source's type under its name and the quote's kind under its cue, so that the statement
    keeps most of the width at 80 columns."""
    table = Table(title="Who says what", title_justify="left", expand=True)
    table.add_column("source (type)", ratio=3)
    table.add_column("cue (kind)", ratio=3)
    table.add_column("statement", ratio=8)
    for group in group_by_source(spans):
        kind = group["type"] + (f", close to {group['affiliation']}" if group["affiliation"] else "")
        for i, st in enumerate(group["statements"]):
            source = Text(group["source"]) + Text("\n" + kind, style="dim") if i == 0 else Text("")
            table.add_row(source, Text(st["said"]) + Text("\n" + st["kind"], style="dim"), Text(st["text"]))
    return table


def panel(article: Article, spans: list[Span]) -> dict[str, Any] | None:
    groups = group_by_source(spans)
    return {"sources": groups} if groups else None
