"""The report's "Who is named" table: one row per canonical name, with the spellings that were merged into it."""

from __future__ import annotations

from collections import defaultdict

from rich.table import Table
from rich.text import Text

from newsprobe.core.model import Article, Span

LABEL_STYLES = {
    "GPE": "bold green",
    "LOC": "green",
    "FAC": "green",
    "ORG": "bold cyan",
    "PERSON": "bold magenta",
    "NORP": "yellow",
    "EVENT": "bright_blue",
    "MONEY": "bright_yellow",
    "CARDINAL": "bright_yellow",
}


def style(span: Span) -> str:
    return LABEL_STYLES.get(span.label, "bold")


def section(article: Article, spans: list[Span]) -> Table:
    table = Table(title="Who is named", title_justify="left", expand=False)
    for col in ("name", "label", "mentions", "spellings"):
        table.add_column(col)
    groups: dict[tuple[str, str], list[Span]] = defaultdict(list)
    for s in spans:
        groups[(s.attrs.get("canonical") or s.text, s.label)].append(s)
    for (name, label), members in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        variants = sorted({m.text for m in members} - {name})
        table.add_row(
            Text(name, style=LABEL_STYLES.get(label, "")), label, str(len(members)), ", ".join(variants)
        )
    return table
