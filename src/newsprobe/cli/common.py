"""What every newsprobe command shares: the consoles, the common options, output formats, opening a store."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from newsprobe.core.chars import label, printable
from newsprobe.core.errors import NewsprobeError
from newsprobe.core.model import IngestError

out = Console(soft_wrap=False)
err = Console(stderr=True)

DbOption = typer.Option("newsprobe.db", "--db", envvar="NEWSPROBE_DB", help="SQLite store (env NEWSPROBE_DB).")
MAX_BYTES = typer.Option(20_000_000, "--max-bytes", min=1, help="Skip (and report) files larger than this.")
LayersOption = typer.Option(
    None, "--layers", envvar="NEWSPROBE_LAYERS",
    help="Comma-separated layers to run (with what they need): sentences, entities, dates, attribution, claims, "
         "techniques. Default: all.",
)


ProcessesOption = typer.Option(
    None, "--processes", "-p", min=0,
    help="Worker processes, each with its own pipeline and model (default: one per available core; 1 runs in this "
         "process).",
)


class Format(StrEnum):
    json = "json"
    jsonl = "jsonl"
    text = "text"


def shown(value: object) -> str:
    """A value from an article or a file name, fit for the terminal and for rich markup: escape sequences in it show
    as symbols instead of acting on the terminal, undecodable bytes as escapes."""
    return escape(printable(label(str(value))))


def fail(item: IngestError) -> None:
    err.print(f"[red]error:[/red] {shown(item)}", highlight=False, soft_wrap=True)


def open_existing(db: Path):
    """The store at `db` for reading: never created, never changed unless it is an older newsprobe store to upgrade;
    anything else there is a one-line error."""
    from newsprobe.io.store import Store

    if not db.exists():
        raise NewsprobeError(f"{db}: no such store; create one with `newsprobe ingest PATH --db {db}`")
    return Store(db, readonly=True)
