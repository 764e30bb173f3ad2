"""Commands over articles: analyse files, ingest them into a store, search, show, export, serve."""

from __future__ import annotations

import json
import sys
import threading
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from newsprobe.cli.common import (
    MAX_BYTES,
    DbOption,
    Format,
    LayersOption,
    ProcessesOption,
    err,
    fail,
    open_existing,
    out,
    shown,
)
from newsprobe.core.chars import label, printable
from newsprobe.core.errors import NewsprobeError
from newsprobe.core.model import Article, IngestError
from newsprobe.io.search import SEARCH_BUDGET_S


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


def _rate(task: Task) -> float | None:
    """Articles per second since the start: steadier than a sliding window when results come in chunks."""
    return task.completed / task.elapsed if task.completed and task.elapsed else None


class RateColumn(ProgressColumn):
    """Articles per second, from the first article on."""

    def render(self, task: Task) -> Text:
        rate = _rate(task)
        return Text("" if rate is None else f"{rate:.2f}/s", style="progress.data.speed")


class EtaColumn(ProgressColumn):
    """Time left at the rate so far, once the total is known and an article is done."""

    def render(self, task: Task) -> Text:
        rate = _rate(task)
        if rate is None or task.total is None:
            return Text("eta -:--:--", style="progress.remaining")
        left = int(max(0.0, task.total - task.completed) / rate)
        return Text(f"eta {left // 3600}:{left % 3600 // 60:02d}:{left % 60:02d}", style="progress.remaining")


@contextmanager
def progress_bar(description: str, paths: list[Path], max_bytes: int, show: bool = True, skip: tuple = ()):
    """A bar on stderr with total, count, rate and time left, advanced once per article or error.

    The total comes from a reading pass over the inputs in a background thread (no analysis: seconds for thousands
    of files), so the bar starts at once and learns its total shortly after; rate and time left follow the first
    article."""
    from newsprobe.run import count_documents

    progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        RateColumn(), TimeElapsedColumn(), EtaColumn(),
                        console=err, transient=False, disable=not show)
    task = progress.add_task(description, total=None)

    def count() -> None:
        try:
            progress.update(task, total=count_documents(paths, max_bytes, skip=skip))
        except Exception:  # noqa: BLE001  the bar only loses its total; the run reports its own errors
            pass

    with progress:
        threading.Thread(target=count, daemon=True).start()
        yield progress, task


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
    processes: int | None = ProcessesOption,
    progress: bool = typer.Option(True, help="Progress bar on stderr (shown only when stderr is a terminal)."),
) -> None:
    """Analyse articles and print them to stdout; bad inputs are reported on stderr and the run goes on."""
    from newsprobe.core.report import print_report
    from newsprobe.run import analyze_paths
    from newsprobe.workers import resolve_processes

    _configure(layers=layers, technique_threshold=technique_threshold)
    failed = 0
    articles: list[dict] = []
    items = analyze_paths(paths, max_bytes=max_bytes, published=published, outlet=outlet,
                          processes=resolve_processes(processes, paths))
    # The bar goes to stderr when that is a terminal, unless text reports are printed to the same screen.
    show = progress and err.is_terminal and not (fmt is Format.text and out.is_terminal)
    with progress_bar("analysing", paths, max_bytes, show=show) as (bar, task):
        for item in items:
            bar.advance(task)
            if isinstance(item, IngestError):
                failed += 1
                bar.console.print(f"[red]error:[/red] {escape(str(item))}", highlight=False, soft_wrap=True)
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
    batch_size: int = typer.Option(64, min=1, help="Articles per parse batch and per commit."),
    max_bytes: int = MAX_BYTES,
    layers: str | None = LayersOption,
    processes: int | None = ProcessesOption,
) -> None:
    """Analyse and store articles; run it again after a crash and it picks up where it stopped."""
    from newsprobe.io.store import Store
    from newsprobe.run import ingest as run_ingest
    from newsprobe.workers import resolve_processes

    _configure(layers=layers)
    if not any(_exists(p) for p in paths):
        shown_paths = ", ".join(shown(p) for p in paths[:5])
        raise NewsprobeError(f"nothing to ingest: no such file or directory: {shown_paths} (no store created)")

    with Store(db) as store, progress_bar("ingesting", paths, max_bytes, skip=(db,)) as (progress, task):

        def tick(item: Article | IngestError | None) -> None:
            if isinstance(item, IngestError):
                progress.console.print(f"[red]error:[/red] {shown(item)}", highlight=False)
            progress.advance(task)

        tally = run_ingest(paths, store, batch_size=batch_size, max_bytes=max_bytes, on_item=tick,
                           processes=resolve_processes(processes, paths), skip=[db])
    err.print(
        f"stored {tally.stored}, duplicates skipped {tally.duplicates}, failed {len(tally.failed)}"
        f" -> {shown(db)}",
        highlight=False,
    )
    for item in tally.failed:
        fail(item)
    raise typer.Exit(1 if tally.failed else 0)


@command
def search(
    query: str = typer.Argument(..., help='Full-text query (words, "phrases", OR, prefix*).'),
    db: Path = DbOption,
    limit: int = typer.Option(20, min=1, max=10_000, help="Results per page."),
    page: int = typer.Option(1, min=1, help="Page of results."),
    outlet: str | None = typer.Option(None, help="Only this outlet."),
) -> None:
    """Full-text search over the store, with snippets."""
    from newsprobe.io.search import Filters
    from newsprobe.io.search import search as run_search

    with open_existing(db) as store:
        total, hits = run_search(store.connection, Filters(q=query, outlet=outlet), limit, (page - 1) * limit,
                                 budget_s=SEARCH_BUDGET_S)
    out.print(f"{total} result(s) for {shown(repr(query))}", style="bold", highlight=False)
    for hit in hits:
        head = " · ".join(str(x) for x in (hit.outlet, hit.published) if x)
        out.print(
            f"[cyan]{shown(hit.id)}[/cyan] [bold]{shown(hit.title or '(no title)')}[/bold] {shown(head)}",
            highlight=False,
        )
        out.print(_snippet(hit.snippet), highlight=False)


def _snippet(snippet: str) -> Text:
    from newsprobe.io.search import MARKS

    text = Text("    ")
    for i, part in enumerate(snippet.replace(MARKS[1], MARKS[0]).split(MARKS[0])):
        text.append(printable(part), style="bold yellow" if i % 2 else "")
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
        raise NewsprobeError(f"no article {article_id!r} in {label(str(db))}")
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
    if output is not None:
        _check_output(output)
    with open_existing(db) as store:
        articles = store.iter_articles()
        if fmt is ExportFormat.jsonl:
            if output:
                with output.open("w", encoding="utf-8") as fh:
                    n = write_jsonl(articles, fh)
            else:
                n = write_jsonl(articles, sys.stdout)
        else:
            n = write_table(articles, output or sys.stdout, fmt.value, table)
    err.print(f"exported {n} {'articles' if fmt is ExportFormat.jsonl else 'rows'}", highlight=False)


def _exists(path: Path) -> bool:
    try:
        return path.exists() or path.is_symlink()
    except OSError:
        return True  # unreadable: let the reader report it against the path


def _check_output(output: Path) -> None:
    """Refuse an output the write would fail on, before the export starts (and before reading the store)."""
    if output.is_dir():
        raise NewsprobeError(f"{label(str(output))}: is a directory; give a file name with --output")
    parent = output.parent
    if not parent.is_dir():
        raise NewsprobeError(f"{label(str(output))}: folder {label(str(parent))} does not exist")


@command
def serve(
    db: Path = DbOption,
    host: str = typer.Option("127.0.0.1", help="Address to listen on; loopback only unless you say otherwise."),
    port: int = typer.Option(8000, min=1, max=65535),
    token: str | None = typer.Option(
        None, envvar="NEWSPROBE_TOKEN", help="Require this token on every request (env NEWSPROBE_TOKEN)."
    ),
    max_upload_bytes: int = typer.Option(2_000_000, min=1, help="Largest request body or upload accepted."),
    workers: int = typer.Option(2, min=0, help="Processes that analyse texts (0: in the server process)."),
    budget: float = typer.Option(60.0, min=1.0, help="Seconds an analysis may take, waiting included; then 503."),
) -> None:
    """Web app and JSON API over a store: search, read articles with their layers, analyse, compare outlets."""
    from newsprobe.web.serve import run

    run(db, host=host, port=port, token=token, max_upload_bytes=max_upload_bytes, console=err, workers=workers,
        budget_s=budget)


