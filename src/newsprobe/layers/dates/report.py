"""The report's "Dates" table: each expression, the day it means, and whether that needed the publication date."""

from __future__ import annotations

from rich.table import Table

from newsprobe.core.model import Article, Span


def section(article: Article, spans: list[Span]) -> Table:
    table = Table(title="Dates", title_justify="left")
    for col in ("text", "date", "how"):
        table.add_column(col)
    for s in spans:
        a = s.attrs
        how = (
            "relative, resolved"
            if a.get("relative") and a.get("resolved")
            else ("relative, unresolved" if a.get("relative") else "absolute")
        )
        table.add_row(s.text, a.get("value") or "-", how)
    return table
