"""The report's "What is claimed" table: each claim with its check-worthiness and its numbers as a reader jots them."""

from __future__ import annotations

import re

from rich.table import Table
from rich.text import Text

from newsprobe.core.model import Article, Span

_QUALIFIER_SIGNS = {"more_than": ">", "at_least": ">=", "about": "~", "nearly": "~<", "up_to": "<=",
                    "less_than": "<", "exactly": "", "range": ""}


_PREPOSITIONS = r"(?:in|on|at|over|during|since|until|by|from|near|around|across|outside|inside|throughout|within)"
_LEADING = re.compile(rf"\b{_PREPOSITIONS}\s+$", re.I)
_STARTS_WITH = re.compile(rf"{_PREPOSITIONS}\s", re.I)


def describe_quantity(q: dict, text: str | None = None) -> str:
    """"more than 3,200 militants killed" as a reader would jot it: >3200 militants killed (in recent weeks).

    `when` and `where` are spans of the article (the date layer's "recent weeks", the entity layer's "Douma"); with
    the article's `text`, the preposition in front of them is shown too, as it is part of what the sentence says."""
    if q.get("value") is not None:
        amount = f"{_QUALIFIER_SIGNS.get(q.get('qualifier'), '')}{q['value']:,}"
    else:
        amount = f"{q.get('low') or '?'}..{q.get('high') or '?'}"
    words = [amount, q.get("unit") or "", q.get("counted") or "", q.get("event") or ""]
    where_when = ", ".join(x for x in (_phrase(q.get("where"), text), _phrase(q.get("when"), text)) if x)
    return " ".join(w for w in words if w) + (f" ({where_when})" if where_when else "")


def _phrase(part: dict | str | None, text: str | None) -> str | None:
    """A `when`/`where` part as read in the text; a plain string (articles stored before parts had offsets) as is."""
    if not isinstance(part, dict):
        return part or None
    shown = part.get("text") or ""
    start = part.get("start")
    if text and isinstance(start, int) and text[start : start + len(shown)] == shown:
        lead = _LEADING.search(text[max(0, start - 12) : start])
        if lead and not _STARTS_WITH.match(shown):
            shown = lead.group(0) + shown
    return shown or None


def section(article: Article, spans: list[Span]) -> Table:
    """One row per claim. The headline says so (scored, not part of the body's share); a score in brackets is below
    the threshold (the sentence is kept for its numbers). The claim's id (ARTICLE_ID:START-END, what `newsprobe
    corroborate` takes) sits on a line of its own under the sentence, so the sentence keeps the width at 80 columns
    and the id is never cut."""
    table = Table(title="What is claimed", title_justify="left", expand=True)
    table.add_column("score", justify="right")
    table.add_column("claim (and its id)", ratio=3)
    table.add_column("numbers", ratio=1)
    for s in spans:
        quantities = "; ".join(describe_quantity(q, article.text) for q in s.attrs.get("quantities", []))
        claim = Text("headline: ", style="italic") if s.attrs.get("headline") else Text()
        claim.append(s.text)
        claim.append("\n")
        claim.append(f"{article.id}:{s.start}-{s.end}", style="dim")
        table.add_row(_score(s), claim, quantities)
    return table


def _score(s: Span) -> Text:
    """The score, marked when the layer did not call the sentence check-worthy (a claim kept for its numbers)."""
    score = f"{s.attrs.get('checkworthy', 0):.2f}"
    return Text(score) if s.attrs.get("check_worthy", True) else Text(f"({score})", style="dim")
