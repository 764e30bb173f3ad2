"""The report's "What actors are called" table: each actor with the label phrases that characterise it and how they
attach; roles ("Russian President") and categories ("coalition") on a line below, since they say what office or kind
of body it is rather than how the text frames it."""

from __future__ import annotations

from collections import defaultdict

from rich.console import Group
from rich.table import Table
from rich.text import Text

from newsprobe.core.model import Article, Span
from newsprobe.layers.labels.nouns import label_class


def _class(s: Span) -> str:
    return s.attrs.get("class") or label_class(s.attrs.get("term") or s.text.lower())


def section(article: Article, spans: list[Span]) -> Group:
    table = Table(title="What actors are called", title_justify="left")
    for col in ("actor", "label", "how", "times"):
        table.add_column(col)
    groups: dict[tuple[str, str], list[Span]] = defaultdict(list)
    others: dict[tuple[str, str], int] = defaultdict(int)
    for s in spans:
        key = (s.attrs.get("actor") or "?", s.attrs.get("key") or s.text.lower())
        if _class(s) == "characterising":
            groups[key].append(s)
        else:
            others[(key[0], s.attrs.get("term") or key[1])] += 1
    for (actor, key), members in sorted(groups.items(), key=lambda kv: (kv[0][0], -len(kv[1]), kv[0][1])):
        how = ", ".join(sorted({m.label for m in members}))
        table.add_row(Text(actor), Text(members[0].attrs.get("term") or key), how, str(len(members)))  # no markup
    parts: list = [table] if groups else [Text("What actors are called: nothing that characterises them",
                                               style="bold")]
    if others:
        line = "; ".join(f"{actor}: {term}" + (f" ×{n}" if n > 1 else "")
                         for (actor, term), n in sorted(others.items()))
        parts.append(Text("Roles and categories (not framing): " + line, style="dim"))
    return Group(*parts)
