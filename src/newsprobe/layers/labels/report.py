"""The report's "What actors are called" table: each actor with its label phrases and how they attach."""

from __future__ import annotations

from collections import defaultdict

from rich.table import Table
from rich.text import Text

from newsprobe.core.model import Article, Span


def section(article: Article, spans: list[Span]) -> Table:
    table = Table(title="What actors are called", title_justify="left")
    for col in ("actor", "label", "how", "times"):
        table.add_column(col)
    groups: dict[tuple[str, str], list[Span]] = defaultdict(list)
    for s in spans:
        groups[(s.attrs.get("actor") or "?", s.attrs.get("key") or s.text.lower())].append(s)
    for (actor, key), members in sorted(groups.items(), key=lambda kv: (kv[0][0], -len(kv[1]), kv[0][1])):
        how = ", ".join(sorted({m.label for m in members}))
        table.add_row(Text(actor), Text(members[0].attrs.get("term") or key), how, str(len(members)))  # no markup
    return table
