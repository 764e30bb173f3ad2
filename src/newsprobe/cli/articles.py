"""Commands over articles: analyse files, ingest them into a store, search, show, export, serve."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

from newsprobe.cli.common import MAX_BYTES, DbOption, Format, LayersOption, err, fail, open_existing, out
from newsprobe.core.errors import NewsprobeError
from newsprobe.core.model import Article, IngestError


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


def _configure(layers: str | None = None, **options) -> None:
    """Pass the command's options to the process's settings; unknown layer names are a usage error."""
    from newsprobe.core.registry import parse_layers
    from newsprobe.core.settings import configure
    from newsprobe.layers import LAYERS

    names = parse_layers(layers)
    if names is not None:
        LAYERS.select(names)  # raises NewsprobeError naming the layers there are
    configure(layers=names, **{k: v for k, v in options.items() if v is not None})


COMMANDS = []


def command(fn):
    COMMANDS.append(fn)
    return fn


def register(app: typer.Typer) -> None:
    for fn in COMMANDS:
        app.command()(fn)


@command
def analyze(
    paths: list[Path] = typer.Argument(..., help="Files or folders: text, HTML, JSONL, CSV, WARC, gzip."),
    fmt: Format = typer.Option(Format.json, "--format", "-f", help="json, jsonl or a readable text report."),
    max_bytes: int = MAX_BYTES,
    published: str | None = typer.Option(None, help="Publication date for articles that give none."),
    outlet: str | None = typer.Option(None, help="Outlet for articles that name none."),
    technique_threshold: float | None = typer.Option(
        None, min=0.0, max=1.0, help="Technique layer: lower finds more spans (recall), higher fewer (precision)."
    ),
    layers: str | None = LayersOption,
) -> None:
    """Analyse articles and print them to stdout; bad inputs are reported on stderr and the run goes on."""
    from newsprobe.core.report import print_report
    from newsprobe.run import analyze_paths

    _configure(layers=layers, technique_threshold=technique_threshold)
    failed = 0
    articles: list[dict] = []
    items = analyze_paths(paths, max_bytes=max_bytes, published=published, outlet=outlet)
    for item in items:
        if isinstance(item, IngestError):
            failed += 1
            fail(item)
        elif fmt is Format.jsonl:
            sys.stdout.write(item.to_json(indent=None) + "\n")
        elif fmt is Format.text:
            print_report(item, out)
        else:
            articles.append(item.to_dict())
    if fmt is Format.json:
        doc = articles[0] if len(articles) == 1 else articles
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    raise typer.Exit(1 if failed else 0)


@command
def ingest(
    paths: list[Path] = typer.Argument(..., help="Files or folders to store."),
    db: Path = DbOption,
    batch_size: int = typer.Option(64, help="Articles per parse batch and per commit."),
    max_bytes: int = MAX_BYTES,
    layers: str | None = LayersOption,
) -> None:
    """Analyse and store articles; run it again after a crash and it picks up where it stopped."""
    from newsprobe.io.store import Store
    from newsprobe.run import ingest as run_ingest

    _configure(layers=layers)

    with (
        Store(db) as store,
        Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed} items"),
            TimeElapsedColumn(),
            console=err,
            transient=False,
        ) as progress,
    ):
        task = progress.add_task("ingesting", total=None)

        def tick(item: Article | IngestError | None) -> None:
            if isinstance(item, IngestError):
                progress.console.print(f"[red]error:[/red] {escape(str(item))}", highlight=False)
            progress.advance(task)

        tally = run_ingest(paths, store, batch_size=batch_size, max_bytes=max_bytes, on_item=tick)
    err.print(
        f"stored {tally.stored}, duplicates skipped {tally.duplicates}, failed {len(tally.failed)}"
        f" -> {escape(str(db))}",
        highlight=False,
    )
    for item in tally.failed:
        fail(item)
    raise typer.Exit(1 if tally.failed else 0)


@command
def search(
    query: str = typer.Argument("", help='Full-text query (words, "phrases", OR, prefix*); an actor\'s name also '
                                         "finds its other names."),
    db: Path = DbOption,
    limit: int = typer.Option(20, help="Results per page."),
    page: int = typer.Option(1, min=1, help="Page of results."),
    outlet: str | None = typer.Option(None, help="Only this outlet."),
    actor: str | None = typer.Option(None, "--actor", help="Only articles that mention this actor (any name)."),
) -> None:
    """Full-text search over the store, with snippets."""
    from newsprobe.corpus import search_also
    from newsprobe.io.search import Filters
    from newsprobe.io.search import search as run_search

    if not query.strip() and not actor:
        raise NewsprobeError("give a query, or --actor NAME, or both")
    with open_existing(db) as store:
        filters = Filters(q=query, outlet=outlet)
        notes, filters.also = search_also(store.connection, query)
        if actor:
            from newsprobe.corpus.actors import actor_for

            filters.actor, name = actor_for(store.connection, actor)
            notes.append(f"mentioning {name}")
        total, hits = run_search(store.connection, filters, limit, (page - 1) * limit)
    what = f" for {escape(query)!r}" if query.strip() else ""
    out.print(f"{total} result(s){what}" + (f" ({escape('; '.join(notes))})" if notes else ""), style="bold",
              highlight=False)
    if filters.also:
        out.print("also searched: " + escape(", ".join(filters.also[:12])), style="dim", highlight=False)
    for hit in hits:
        head = " · ".join(str(x) for x in (hit.outlet, hit.published) if x)
        out.print(
            f"[cyan]{hit.id}[/cyan] [bold]{escape(hit.title or '(no title)')}[/bold] {escape(head)}",
            highlight=False,
        )
        out.print(_snippet(hit.snippet), highlight=False)


def _snippet(snippet: str) -> Text:
    from newsprobe.io.search import MARKS

    text = Text("    ")
    for i, part in enumerate(snippet.replace(MARKS[1], MARKS[0]).split(MARKS[0])):
        text.append(part, style="bold yellow" if i % 2 else "")
    return text


@command
def show(
    article_id: str = typer.Argument(..., help="Article id (or a unique prefix of 6+ characters)."),
    db: Path = DbOption,
    fmt: Format = typer.Option(Format.text, "--format", "-f"),
) -> None:
    """Show one stored article: the report, or its JSON."""
    from newsprobe.core.report import print_report

    with open_existing(db) as store:
        article = store.get(article_id)
    if article is None:
        raise NewsprobeError(f"no article {article_id!r} in {db}")
    if fmt is Format.text:
        print_report(article, out)
    else:
        sys.stdout.write(article.to_json(indent=2 if fmt is Format.json else None) + "\n")


@command
def export(
    fmt: ExportFormat = typer.Option(ExportFormat.jsonl, "--format", "-f"),
    db: Path = DbOption,
    output: Path | None = typer.Option(None, "--output", "-o", help="File to write; stdout if omitted."),
    table: str = typer.Option("spans", help="csv/parquet rows: spans or articles."),
) -> None:
    """Export the store: JSON lines of whole articles, or a flat CSV/Parquet table."""
    from newsprobe.io.export import write_jsonl, write_table

    if table not in ("spans", "articles"):
        raise NewsprobeError(f"--table must be spans or articles, not {table!r}")
    if fmt is ExportFormat.parquet and output is None:
        raise NewsprobeError("parquet is binary: give a file with --output")
    with open_existing(db) as store:
        articles = store.iter_articles()
        if fmt is ExportFormat.jsonl:
            if output:
                with output.open("w", encoding="utf-8") as fh:
                    n = write_jsonl(articles, fh)
            else:
                n = write_jsonl(articles, sys.stdout)
        else:
            columns = None
            if table == "spans":
                from newsprobe.corpus.actors import span_actor_column

                columns = span_actor_column(store.connection)
            n = write_table(articles, output or sys.stdout, fmt.value, table, columns)
    err.print(f"exported {n} {'articles' if fmt is ExportFormat.jsonl else 'rows'}", highlight=False)


@command
def serve(
    db: Path = DbOption,
    host: str = typer.Option("127.0.0.1", help="Address to listen on; loopback only unless you say otherwise."),
    port: int = typer.Option(8000, min=1, max=65535),
    token: str | None = typer.Option(
        None, envvar="NEWSPROBE_TOKEN", help="Require this token on every request (env NEWSPROBE_TOKEN)."
    ),
    max_upload_bytes: int = typer.Option(2_000_000, help="Largest request body or upload accepted."),
) -> None:
    """Web app and JSON API over a store: search, read articles with their layers, analyse, compare outlets."""
    from newsprobe.web.serve import run

    run(db, host=host, port=port, token=token, max_upload_bytes=max_upload_bytes, console=err)


