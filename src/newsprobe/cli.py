"""The command line: analyse files, ingest them into a store, search, show and export."""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from newsprobe.errors import NewsprobeError
from newsprobe.model import Article, IngestError

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
out = Console(soft_wrap=False)
err = Console(stderr=True)

DEFAULT_DB = os.environ.get("NEWSPROBE_DB", "newsprobe.db")
DbOption = typer.Option(DEFAULT_DB, "--db", help="SQLite store (env NEWSPROBE_DB).")
MAX_BYTES = typer.Option(20_000_000, "--max-bytes", help="Skip (and report) files larger than this.")


class Format(StrEnum):
    json = "json"
    jsonl = "jsonl"
    text = "text"


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


def _fail(item: IngestError) -> None:
    err.print(f"[red]error:[/red] {escape(str(item))}", highlight=False, soft_wrap=True)


@app.command()
def analyze(
    paths: list[Path] = typer.Argument(..., help="Files or folders: text, HTML, JSONL, CSV, WARC, gzip."),
    fmt: Format = typer.Option(Format.json, "--format", "-f", help="json, jsonl or a readable text report."),
    max_bytes: int = MAX_BYTES,
    published: str | None = typer.Option(None, help="Publication date for articles that give none."),
    outlet: str | None = typer.Option(None, help="Outlet for articles that name none."),
    technique_threshold: float | None = typer.Option(
        None, min=0.0, max=1.0, help="Technique layer: lower finds more spans (recall), higher fewer (precision)."
    ),
) -> None:
    """Analyse articles and print them to stdout; bad inputs are reported on stderr and the run goes on."""
    from newsprobe.report import print_report
    from newsprobe.run import analyze_paths

    failed = 0
    articles: list[dict] = []
    items = analyze_paths(paths, max_bytes=max_bytes, technique_threshold=technique_threshold,
                          published=published, outlet=outlet)
    for item in items:
        if isinstance(item, IngestError):
            failed += 1
            _fail(item)
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


@app.command()
def ingest(
    paths: list[Path] = typer.Argument(..., help="Files or folders to store."),
    db: Path = DbOption,
    batch_size: int = typer.Option(64, help="Articles per parse batch and per commit."),
    max_bytes: int = MAX_BYTES,
) -> None:
    """Analyse and store articles; run it again after a crash and it picks up where it stopped."""
    from newsprobe.run import ingest as run_ingest
    from newsprobe.store import Store

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
        _fail(item)
    raise typer.Exit(1 if tally.failed else 0)


def _open_existing(db: Path):
    from newsprobe.store import Store

    if not db.exists():
        raise NewsprobeError(f"{db}: no such store; create one with `newsprobe ingest PATH --db {db}`")
    return Store(db)


@app.command()
def search(
    query: str = typer.Argument(..., help='Full-text query (words, "phrases", OR, prefix*).'),
    db: Path = DbOption,
    limit: int = typer.Option(20, help="Results per page."),
    page: int = typer.Option(1, min=1, help="Page of results."),
    outlet: str | None = typer.Option(None, help="Only this outlet."),
) -> None:
    """Full-text search over the store, with snippets."""
    with _open_existing(db) as store:
        total = store.count_search(query, outlet=outlet)
        hits = store.search(query, limit=limit, offset=(page - 1) * limit, outlet=outlet, markers=MARKS)
    out.print(f"{total} result(s) for {escape(query)!r}", style="bold", highlight=False)
    for hit in hits:
        head = " · ".join(str(x) for x in (hit.outlet, hit.published) if x)
        out.print(
            f"[cyan]{hit.id}[/cyan] [bold]{escape(hit.title or '(no title)')}[/bold] {escape(head)}",
            highlight=False,
        )
        out.print(_snippet(hit.snippet), highlight=False)


@app.command()
def sources(
    db: Path = DbOption,
    outlet: str | None = typer.Option(None, help="Only this outlet."),
    top: int = typer.Option(5, min=1, help="Most quoted sources listed per outlet."),
    fmt: Format = typer.Option(Format.text, "--format", "-f"),
) -> None:
    """Sourcing per outlet: statements, share from anonymous sources, most quoted sources."""
    from newsprobe.profiles import sourcing_by_outlet

    with _open_existing(db) as store:
        rows = sourcing_by_outlet(store.connection, outlet=outlet, top=top)
    if fmt is not Format.text:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2 if fmt is Format.json else None) + "\n")
        return
    if not rows:
        out.print("no attributed statements in this store" + (f" for outlet {outlet!r}" if outlet else ""))
        return
    table = Table(title="Sources per outlet", title_justify="left")
    for col in ("outlet", "articles", "statements", "anonymous", "most quoted"):
        table.add_column(col, justify="right" if col in {"articles", "statements", "anonymous"} else "left")
    for r in rows:
        quoted = "; ".join(f"{s['source']} ({s['type']}, {s['statements']})" for s in r["top_sources"])
        table.add_row(r["outlet"], str(r["articles"]), str(r["statements"]), f"{r['anonymous_share']:.0%}", quoted)
    out.print(table)


MARKS = ("\x02", "\x03")  # control characters never occur in clean text, unlike brackets


def _snippet(snippet: str) -> Text:
    text = Text("    ")
    for i, part in enumerate(snippet.replace(MARKS[1], MARKS[0]).split(MARKS[0])):
        text.append(part, style="bold yellow" if i % 2 else "")
    return text


@app.command()
def show(
    article_id: str = typer.Argument(..., help="Article id (or a unique prefix of 6+ characters)."),
    db: Path = DbOption,
    fmt: Format = typer.Option(Format.text, "--format", "-f"),
) -> None:
    """Show one stored article: the report, or its JSON."""
    from newsprobe.report import print_report

    with _open_existing(db) as store:
        article = store.get(article_id)
    if article is None:
        raise NewsprobeError(f"no article {article_id!r} in {db}")
    if fmt is Format.text:
        print_report(article, out)
    else:
        sys.stdout.write(article.to_json(indent=2 if fmt is Format.json else None) + "\n")


@app.command()
def export(
    fmt: ExportFormat = typer.Option(ExportFormat.jsonl, "--format", "-f"),
    db: Path = DbOption,
    output: Path | None = typer.Option(None, "--output", "-o", help="File to write; stdout if omitted."),
    table: str = typer.Option("spans", help="csv/parquet rows: spans or articles."),
) -> None:
    """Export the store: JSON lines of whole articles, or a flat CSV/Parquet table."""
    from newsprobe.export import write_jsonl, write_table

    if table not in ("spans", "articles"):
        raise NewsprobeError(f"--table must be spans or articles, not {table!r}")
    if fmt is ExportFormat.parquet and output is None:
        raise NewsprobeError("parquet is binary: give a file with --output")
    with _open_existing(db) as store:
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


@app.command()
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


eval_app = typer.Typer(no_args_is_help=True, help="Measure newsprobe's models against gold data; prints JSON.")
app.add_typer(eval_app, name="eval")


@eval_app.command("checkworthy")
def eval_checkworthy(
    tsv: Path = typer.Option(..., "--tsv", help="CheckThat! TSV: Sentence_id, Text, class_label (Yes/No)."),
    threshold: float | None = typer.Option(None, help="Decision threshold; the model's own by default."),
) -> None:
    """Precision, recall and F1 of the Yes class, and accuracy, of the check-worthiness model."""
    from newsprobe.checkworthy import evaluate_tsv

    sys.stdout.write(json.dumps(evaluate_tsv(tsv, threshold), indent=2) + "\n")


@eval_app.command("attribution")
def eval_attribution(
    brat: Path = typer.Option(..., "--brat", help="Folder in PolNeAR's layout: text/*.txt and attributions/*.ann."),
    unit: str = typer.Option("segment", help="What one span is: 'segment' (each contiguous run of a role, as "
                             "CofeNet counts) or 'statement' (a role's pieces in one attribution together)."),
) -> None:
    """Precision, recall and F1 per role (source, cue, content), exact and token-overlap, as CofeNet reports them."""
    from newsprobe.evaluation.attribution import UNITS, evaluate_brat
    from newsprobe.pipeline import attribution_spans

    if unit not in UNITS:
        raise NewsprobeError(f"--unit must be one of {', '.join(UNITS)}, not {unit!r}")
    sys.stdout.write(json.dumps(evaluate_brat(brat, attribution_spans, unit), indent=2) + "\n")
@eval_app.command("techniques")
def eval_techniques(
    articles: Path = typer.Option(..., "--articles", help="Folder of article<ID>.txt files (PTC layout)."),
    si_gold: Path | None = typer.Option(None, "--si-gold", help="SI gold: ID<TAB>start<TAB>end lines (file/folder)."),
    tc_gold: Path | None = typer.Option(
        None, "--tc-gold", help="TC gold: ID<TAB>technique<TAB>start<TAB>end lines (file or folder)."
    ),
    threshold: float | None = typer.Option(None, min=0.0, max=1.0, help="SI threshold; the model's own by default."),
) -> None:
    """SemEval-2020 Task 11 scores of the technique layer: SI precision/recall/F1 and TC micro-F1 per technique."""
    from newsprobe.techniques import evaluate_ptc

    result = evaluate_ptc(articles, si_gold=si_gold, tc_gold=tc_gold, threshold=threshold)
    if "tc" in result:
        tc = result["tc"]
        result["tc"] = {"micro_f1": tc["micro_f1"], "per_technique": tc["per_technique"],
                        "correct": tc["correct"], "gold": tc["gold"]}
    sys.stdout.write(json.dumps(result, indent=2) + "\n")


def main() -> None:
    """Entry point: user errors become one line on stderr and exit status 2, never a traceback."""
    try:
        code = app(standalone_mode=False)
    except NewsprobeError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err.print("aborted")
        sys.exit(130)
    except Exception as exc:  # click usage errors and the like
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
