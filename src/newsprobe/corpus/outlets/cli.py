"""`newsprobe sources`: sourcing per outlet, read from a store."""

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
    top: int = typer.Option(5, min=1, help="Most quoted sources listed per outlet."),
    fmt: Format = typer.Option(Format.text, "--format", "-f"),
) -> None:
    """Sourcing per outlet: statements, share from anonymous sources, most quoted sources."""
    from newsprobe.corpus.outlets.figures import sourcing_by_outlet

    with open_existing(db) as store:
        rows = sourcing_by_outlet(store.connection, outlet=outlet, top=top)
    if fmt is not Format.text:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2 if fmt is Format.json else None) + "\n")
        return
    if not rows:
        out.print("no attributed statements in this store" + (f" for outlet {shown(repr(outlet))}" if outlet else ""))
        return
    table = Table(title="Sources per outlet", title_justify="left")
    for col in ("outlet", "articles", "statements", "anonymous", "most quoted"):
        table.add_column(col, justify="right" if col in {"articles", "statements", "anonymous"} else "left")
    for r in rows:
        quoted = "; ".join(f"{s['source']} ({s['type']}, {s['statements']})" for s in r["top_sources"])
        table.add_row(shown(r["outlet"]), str(r["articles"]), str(r["statements"]), f"{r['anonymous_share']:.0%}",
                      shown(quoted))  # names from scraped text: no markup, no escape sequences
    out.print(table)
