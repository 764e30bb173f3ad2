"""The report's "What is claimed" table: each claim with its check-worthiness and its numbers as a reader jots them."""

from __future__ import annotations

from rich.table import Table

from newsprobe.core.model import Article, Span

_QUALIFIER_SIGNS = {"more_than": ">", "at_least": ">=", "about": "~", "nearly": "~<", "up_to": "<=",
                    "less_than": "<", "exactly": "", "range": ""}


def describe_quantity(q: dict) -> str:
    """"more than 3,200 militants killed" as a reader would jot it: >3200 militants killed (in recent weeks)."""
    if q.get("value") is not None:
        amount = f"{_QUALIFIER_SIGNS.get(q.get('qualifier'), '')}{q['value']:,}"
    else:
        amount = f"{q.get('low') or '?'}..{q.get('high') or '?'}"
    words = [amount, q.get("unit") or "", q.get("counted") or "", q.get("event") or ""]
    where_when = ", ".join(x for x in (q.get("where"), q.get("when")) if x)
    return " ".join(w for w in words if w) + (f" ({where_when})" if where_when else "")


def section(article: Article, spans: list[Span]) -> Table:
    table = Table(title="What is claimed", title_justify="left")
    table.add_column("check-worthy", justify="right")
    table.add_column("claim")
    table.add_column("numbers")
    for s in spans:
        quantities = "; ".join(describe_quantity(q) for q in s.attrs.get("quantities", []))
        table.add_row(f"{s.attrs.get('checkworthy', 0):.2f}", s.text, quantities)
    return table
