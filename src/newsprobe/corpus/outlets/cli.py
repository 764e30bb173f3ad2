"""`newsprobe sources`: sourcing per outlet (or per article), read from a store."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.table import Table

from newsprobe.cli.common import DbOption, Format, open_existing, out, shown


def sources(
    db: Path = DbOption,
    outlet: str | None = typer.Option(None, help="Only this outlet."),
    by: str = typer.Option("outlet", "--by", help="Rank outlets ('outlet') or single articles ('article')."),
    min_articles: int = typer.Option(3, "--min-articles", min=1,
                                     help="Leave out outlets with fewer articles (ignored with --by article)."),
    min_statements: int = typer.Option(20, "--min-statements", min=1,
                                       help="Leave out outlets (or articles) with fewer attributed statements."),
    top: int = typer.Option(5, min=1, help="Most quoted sources listed per row."),
    fmt: Format = typer.Option(Format.text, "--format", "-f"),
) -> None:
    """Outlets (or articles) ranked by their share of statements from anonymous sources, with the counts beside the
    shares, the most quoted sources, and technique spans in their own voice and quoted. Only outlets with at least
    --min-articles articles and --min-statements statements are ranked: a share over a handful is no ranking."""
    from newsprobe.core.errors import NewsprobeError
    from newsprobe.corpus.outlets.figures import sourcing_by_outlet

    if by not in {"outlet", "article"}:
        raise NewsprobeError(f"--by must be 'outlet' or 'article', not {by!r}")
    least = 1 if by == "article" else min_articles
    with open_existing(db) as store:
        rows = sourcing_by_outlet(store.connection, outlet=outlet, top=top, min_articles=least,
                                  min_statements=min_statements, by=by)
        every = sourcing_by_outlet(store.connection, outlet=outlet, top=0, by=by)
    if fmt is not Format.text:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2 if fmt is Format.json else None) + "\n")
        return
    left_out = len(every) - len(rows)
    note = (f"{left_out} {by}{'s' if left_out != 1 else ''} below --min-statements {min_statements}"
            + (f" or --min-articles {min_articles}" if by == "outlet" else "") + " not shown") if left_out else ""
    if not rows and not every:
        out.print("no attributed statements in this store" + (f" for outlet {shown(repr(outlet))}" if outlet else ""))
        return
    if not rows:
        out.print(f"nothing to rank: {note}; lower the minimums to see them")
        return
    title = "Sources per outlet" if by == "outlet" else "Sources per article"
    table = Table(title=f"{title}, most anonymous first", title_justify="left", caption=note or None)
    first = ["outlet", "articles"] if by == "outlet" else ["article", "outlet"]
    for col in (*first, "statements", "anonymous", "techniques own / quoted", "most quoted"):
        table.add_column(col, justify="right" if col in {"articles", "statements", "anonymous"} else "left")
    for r in rows:
        quoted = "; ".join(f"{s['source']} ({s['type']}, {s['statements']})" for s in r["top_sources"])
        tech = r["techniques"]
        rates = "" if tech["own_per_1000_words"] is None else f" ({tech['own_per_1000_words']}/1k"
        rates += "" if not rates else (f", {tech['quoted_per_1000_words']}/1k)" if tech["quoted_per_1000_words"]
                                       is not None else ")")
        lead = [shown(r["outlet"]), str(r["articles"])] if by == "outlet" else [
            shown(f"{r['article'][:8]} {(r['title'] or '')[:40]}"), shown(r["outlet"])]
        # names from scraped text: no markup, no escape sequences
        table.add_row(*lead, str(r["statements"]), f"{r['anonymous']} ({r['anonymous_share']:.0%})",
                      f"{tech['own']} / {tech['quoted']}{rates}", shown(quoted))
    out.print(table)
