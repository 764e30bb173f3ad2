"""The Spark commands: `newsprobe spark analyze` (a job per subcommand, beside each other) and `newsprobe load`.

Importing this module costs nothing: pyspark is imported when a job starts, so `newsprobe --help` works without it.
"""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.markup import escape

from newsprobe.cli.common import DbOption, LayersOption, err

app = typer.Typer(
    no_args_is_help=True,
    help="Run newsprobe on Apache Spark: local (all cores) by default, a cluster's under spark-submit "
         "(docs/spark.md).",
)

MasterOption = typer.Option(
    None, "--master", help="Spark master URL (local[4], spark://host:7077, yarn...). Default: local[*], or the "
                           "master spark-submit was given.")
ConfOption = typer.Option(None, "--conf", help="A Spark setting KEY=VALUE (repeatable), e.g. spark.driver.memory=4g.")
SHOWN_FAILURES = 20


def _conf(pairs: list[str] | None) -> dict[str, str]:
    from newsprobe.core.errors import NewsprobeError

    conf = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise NewsprobeError(f"--conf {pair!r}: give KEY=VALUE")
        conf[key.strip()] = value.strip()
    return conf


@app.command("analyze")
def analyze(
    paths: list[str] = typer.Argument(..., help="Files or folders (text, HTML, JSONL, CSV, WARC, gzip), or URIs "
                                                "Spark reads (s3a://, hdfs://, file://)."),
    out: str = typer.Option(..., "--out", "-o", help="Folder (or URI) for the Parquet tables articles/, spans/, "
                                                     "failures/."),
    layers: str | None = LayersOption,
    master: str | None = MasterOption,
    conf: list[str] | None = ConfOption,
    partitions: int | None = typer.Option(None, min=1, help="Analysis partitions (tasks). Default: one per 2,000 "
                                                            "articles, at least two per core."),
    partition_by: list[str] | None = typer.Option(None, "--partition-by",
                                                  help="Write Hive-style folders by this column (outlet)."),
    batch_size: int = typer.Option(64, min=1, help="Articles per parse batch on an executor."),
    max_bytes: int = typer.Option(20_000_000, "--max-bytes", help="Skip (and report) items larger than this."),
    published: str | None = typer.Option(None, help="Publication date for articles that give none."),
    outlet: str | None = typer.Option(None, help="Outlet for articles that name none."),
    technique_threshold: float | None = typer.Option(None, min=0.0, max=1.0, help="As `newsprobe analyze`."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace what --out holds."),
) -> None:
    """Analyse articles with Spark and write Parquet: the tables of `newsprobe export --format parquet` (articles,
    spans) and failures (source, reason). Bad inputs become failure rows; the job goes on."""
    from newsprobe.cli.articles import _configure
    from newsprobe.core.settings import settings
    from newsprobe.run import CHUNK
    from newsprobe.spark.analyze import Options, run
    from newsprobe.spark.session import PYTHON_BOUND_LOCAL, spark_session

    _configure(layers=layers, technique_threshold=technique_threshold)
    current = settings()
    options = Options(
        layers=current.layers, technique_threshold=current.technique_threshold,
        claim_threshold=current.claim_threshold, threads=current.threads, batch_size=batch_size,
        max_bytes=max_bytes, published=published, outlet=outlet, chunk=CHUNK, partitions=partitions,
        partition_by=tuple(partition_by or ()), overwrite=overwrite,
    )
    settings_given = _conf(conf)
    err.print("starting Spark ...", highlight=False)
    with spark_session(master, settings_given, local_conf=PYTHON_BOUND_LOCAL) as spark:
        err.print(f"Spark {spark.version}, master {spark.sparkContext.master}, "
                  f"{spark.sparkContext.defaultParallelism} cores", highlight=False)
        started = time.perf_counter()
        result = run(spark, paths, out, options,
                     on_step=lambda msg: err.print(f"[{time.perf_counter() - started:6.1f} s] {escape(msg)}",
                                                   highlight=False))
        shown = []
        if result.failures:
            shown = spark.read.parquet(f"{result.out}/failures").limit(SHOWN_FAILURES).collect()
    err.print(
        f"{result.files} files: {result.articles} articles ({result.duplicates} duplicates skipped), "
        f"{result.spans} spans, {result.failures} failures -> {escape(result.out)} in {result.seconds:.1f} s "
        f"({result.partitions} partitions, {len(result.workers)} worker processes, "
        f"{result.pipeline_loads} pipeline loads)",
        highlight=False, soft_wrap=True,
    )
    for row in shown:
        err.print(f"[red]error:[/red] {escape(row['source'])}: {escape(row['reason'])}", highlight=False,
                  soft_wrap=True)
    if result.failures > len(shown):
        err.print(f"... and {result.failures - len(shown)} more in {escape(result.out)}/failures", highlight=False)
    raise typer.Exit(1 if result.failures else 0)


@app.command("copies")
def copies(
    source: str = typer.Option(..., "--in", "-i", help="Output folder of `newsprobe spark analyze` (its articles/ "
                                                       "table), a Parquet dataset with id and text columns, or "
                                                       "inputs newsprobe reads (JSONL, CSV, text...; read on the "
                                                       "driver, for corpora it can hold)."),
    out: str = typer.Option(..., "--out", "-o", help="Folder (or URI) for the Parquet tables pairs/, families/, "
                                                     "members/ and the JSON lines families_json/."),
    master: str | None = MasterOption,
    conf: list[str] | None = ConfOption,
    partitions: int | None = typer.Option(None, min=1, help="Alignment tasks. Default: one per 20,000 candidate "
                                                            "pairs, at least two per core."),
    driver_edges: int = typer.Option(5_000_000, "--driver-edges", min=0,
                                     help="Find connected components on the driver when there are at most this "
                                          "many copy relations; above, by iterative joins in Spark."),
    max_bytes: int = typer.Option(20_000_000, "--max-bytes", help="Inputs read on the driver: skip (and report) "
                                                                   "items larger than this."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace what --out holds."),
) -> None:
    """Copies, story families and first publishers with Spark: the families `newsprobe families` finds, as Parquet
    tables and as its JSON lines (docs/spark.md)."""
    from newsprobe.spark.copies import Options, run
    from newsprobe.spark.session import spark_session

    options = Options(overwrite=overwrite, driver_edges=driver_edges, partitions=partitions, max_bytes=max_bytes)
    err.print("starting Spark ...", highlight=False)
    with spark_session(master, _conf(conf)) as spark:
        err.print(f"Spark {spark.version}, master {spark.sparkContext.master}, "
                  f"{spark.sparkContext.defaultParallelism} cores", highlight=False)
        started = time.perf_counter()
        result = run(spark, source, out, options,
                     on_step=lambda msg: err.print(f"[{time.perf_counter() - started:6.1f} s] {escape(msg)}",
                                                   highlight=False))
    err.print(escape(result.line()), highlight=False, soft_wrap=True)
    for src, reason in result.unreadable[:SHOWN_FAILURES]:
        err.print(f"[red]error:[/red] {escape(src)}: {escape(reason)}", highlight=False, soft_wrap=True)
    if len(result.unreadable) > SHOWN_FAILURES:
        err.print(f"... and {len(result.unreadable) - SHOWN_FAILURES} more", highlight=False)
    raise typer.Exit(1 if result.unreadable else 0)


def load(
    folder: Path = typer.Argument(..., help="Output folder of `newsprobe spark analyze` (articles/, spans/, "
                                            "failures/)."),
    db: Path = DbOption,
    batch_size: int = typer.Option(500, min=1, help="Articles per commit."),
) -> None:
    """Load the Parquet tables of `newsprobe spark analyze` into a store, for `serve`, `search`, `show`, `export`."""
    from newsprobe.io.store import Store
    from newsprobe.spark.load import load as run_load

    with Store(db) as store:
        done = run_load(folder, store, batch_size=batch_size)
    err.print(f"stored {done.stored}, duplicates skipped {done.duplicates}, failures recorded {done.failures}"
              f" -> {escape(str(db))}", highlight=False)
