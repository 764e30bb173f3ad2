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
        table.add_row(s.text, a.get("value") or "-", how(a))
    return table


def how(attrs: dict) -> str:
    """How the date was found: an expression that is no calendar date ("two weeks", "nearly a month": a length of
    time) is not called absolute."""
    if attrs.get("relative"):
        return "relative, resolved" if attrs.get("resolved") else "relative, unresolved"
    return "absolute" if attrs.get("value") else "no date: a length of time, or unclear"
