"""What every newsprobe command shares: the consoles, the common options, output formats, opening a store."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from newsprobe.core.errors import NewsprobeError
from newsprobe.core.model import IngestError

out = Console(soft_wrap=False)
err = Console(stderr=True)

DbOption = typer.Option("newsprobe.db", "--db", envvar="NEWSPROBE_DB", help="SQLite store (env NEWSPROBE_DB).")
MAX_BYTES = typer.Option(20_000_000, "--max-bytes", help="Skip (and report) files larger than this.")
LayersOption = typer.Option(
    None, "--layers", envvar="NEWSPROBE_LAYERS",
    help="Comma-separated layers to run (with what they need): sentences, entities, labels, dates, attribution, "
         "claims, techniques. Default: all.",
)


class Format(StrEnum):
    json = "json"
    jsonl = "jsonl"
    text = "text"


def fail(item: IngestError) -> None:
    err.print(f"[red]error:[/red] {escape(str(item))}", highlight=False, soft_wrap=True)


def open_existing(db: Path):
    from newsprobe.io.store import Store

    if not db.exists():
        raise NewsprobeError(f"{db}: no such store; create one with `newsprobe ingest PATH --db {db}`")
    return Store(db)
