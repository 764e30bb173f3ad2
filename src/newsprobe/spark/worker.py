"""What runs on the executors: pandas batches in, pandas batches out, newsprobe's own code in between.

Every function here is handed to `mapInPandas` (or `applyInPandas`) with `functools.partial(fn, config)`: Spark
pickles a reference to the function and the small `config` dict, never a pipeline or a model. The spaCy pipeline is
loaded on first use in each Python worker process and kept in `newsprobe.core.pipeline`'s cache; Spark reuses its
Python workers across tasks (`spark.python.worker.reuse`, on by default), so an executor process loads it once
however many tasks it runs. Nothing here imports pyspark, so it can be tested without a JVM.

Reading uses `newsprobe.io.read` on a real file: a path every executor can open (local mode, a shared mount), or the
bytes Spark's `binaryFile` source fetched from any file system it reads, written to a private temporary file under
the file's own name (readers choose by extension). Either way the sources come out as the user named them.
"""

from __future__ import annotations

import json
import os
import socket
import tempfile
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlparse

import pandas as pd

from newsprobe.core.model import Article, Document, IngestError, content_id

# Columns of the frames passed between the stages of a job (Spark DDL); the tables written are in `tables`.
READ_SCHEMA = ("seq bigint, item bigint, kind string, source string, reason string, doc string, site string, "
               "digest string, lines array<string>")
REPEATED_SCHEMA = "site string, chunk bigint, repeated array<string>"
PREPARED_SCHEMA = "pos bigint, kind string, id string, article string, source string, reason string"
ANALYSED_SCHEMA = ("pos bigint, kind string, article string, source string, reason string, worker string, "
                   "loads bigint")
FLUSH = 256  # rows per output batch of the read stage (a WARC can hold thousands of pages)


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    """Cells as Python objects: pandas 3 would store strings in Arrow-backed arrays, which pyspark cannot always
    hand to Arrow as one array."""
    return pd.DataFrame(rows, columns=columns, dtype=object)


def _batches(rows: Iterable[dict], columns: list[str], size: int = FLUSH) -> Iterator[pd.DataFrame]:
    buf: list[dict] = []
    for row in rows:
        buf.append({c: row.get(c) for c in columns})  # every cell present: a missing one would become NaN
        if len(buf) >= size:
            yield _frame(buf, columns)
            buf = []
    if buf:
        yield _frame(buf, columns)


def _columns(schema: str) -> list[str]:
    return [part.strip().split(" ", 1)[0] for part in schema.split(", ")]


# -- read --------------------------------------------------------------------------------------------------------


def read_files(config: dict, frames: Iterable[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """Files (seq, name, path, content) to items: one row per document or per error, in the file's order.

    `name` is how the user named the file (the source it must carry); `path` is where this process can open it,
    or None when `content` holds its bytes."""
    yield from _batches(
        (row for frame in frames for f in frame.itertuples(index=False) for row in _read_one(config, f)),
        _columns(READ_SCHEMA),
    )


def _read_one(config: dict, f) -> Iterator[dict]:
    content = getattr(f, "content", None)
    if content is not None:
        with tempfile.TemporaryDirectory(prefix="newsprobe-") as tmp:
            real = Path(tmp) / (_basename(f.name) or "input")
            real.write_bytes(bytes(content))
            yield from _items(config, f.seq, f.name, real)
    else:
        yield from _items(config, f.seq, f.name, Path(f.path))


def _basename(uri: str) -> str:
    name = unquote(PurePosixPath(urlparse(uri).path).name)
    return "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in name)[:200]


def _items(config: dict, seq: int, name: str, real: Path) -> Iterator[dict]:
    from newsprobe.io.read import iter_documents
    from newsprobe.run import site_of, with_defaults

    defaults = {"published": config.get("published"), "outlet": config.get("outlet")}
    items = with_defaults(iter_documents([real], max_bytes=config["max_bytes"]), **defaults)
    for n, item in enumerate(items):
        source = _renamed(item.source, str(real), name)
        if isinstance(item, IngestError):
            yield {"seq": seq, "item": n, "kind": "error", "source": source, "reason": item.reason}
            continue
        item.source = source
        row = {"seq": seq, "item": n, "kind": "doc", "source": source, "doc": json.dumps(asdict(item)),
               "site": site_of(item)}
        if item.text:  # what the local run's line statistics observe (`newsprobe.run.prepared`)
            row["digest"] = content_id(item.text)
            row["lines"] = short_lines(item.text)
        yield row


def _renamed(source: str, real: str, name: str) -> str:
    return name + source[len(real):] if source.startswith(real) else source


def short_lines(text: str) -> list[str]:
    """The normalised short lines that `LineStats.observe` counts for one document."""
    from newsprobe.io.clean import LineStats

    stats = LineStats()
    stats.observe(text)
    return sorted(stats.counts)


# -- corpus line statistics --------------------------------------------------------------------------------------


def repeated_lines(config: dict, wanted: pd.DataFrame, seen: pd.DataFrame) -> pd.DataFrame:
    """One site's boilerplate lines as the local run knows them when it cleans each chunk.

    The local run (`newsprobe.run.prepared`) reads documents in chunks of `config["chunk"]` items and cleans a chunk
    with the line counts of every document read so far. `wanted` holds the site's chunks to clean and the chunk in
    which each of its distinct documents first appears; `seen`, for each line found in two or more of them, the
    chunks of those documents. A `LineStats` holding the counts as of chunk k gives the lines repeated there.
    """
    from newsprobe.io.clean import LineStats

    columns = _columns(REPEATED_SCHEMA)
    if wanted.empty:
        return _frame([], columns)
    site = wanted["site"].iloc[0]
    docs = sorted(wanted["docs"].iloc[0] if wanted["docs"].iloc[0] is not None else [])
    lines = [(line, sorted(chunks)) for line, chunks in zip(seen["line"], seen["chunks"], strict=True)]
    out = []
    for chunk in sorted(int(c) for c in wanted["chunks"].iloc[0]):
        stats = LineStats()
        stats.docs = bisect_right(docs, chunk)
        stats.counts = Counter({line: n for line, chunks in lines if (n := bisect_right(chunks, chunk))})
        out.append({"site": site, "chunk": chunk, "repeated": sorted(stats.repeated())})
    return _frame(out, columns)


# -- prepare -----------------------------------------------------------------------------------------------------


def prepare_rows(config: dict, frames: Iterable[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """Documents (pos, doc, repeated) to clean articles, or errors: what the local run does to each document
    (`newsprobe.run._prepare_one`: `prepare`, its errors kept against the item, the length check)."""
    from newsprobe.run import _prepare_one as prepare

    def rows() -> Iterator[dict]:
        for frame in frames:
            for pos, doc, repeated in zip(frame["pos"], frame["doc"], frame["repeated"], strict=True):
                item = prepare(Document(**json.loads(doc)), set(repeated) if repeated is not None else set())
                if isinstance(item, IngestError):
                    yield {"pos": pos, "kind": "error", "source": item.source, "reason": item.reason}
                else:
                    yield {"pos": pos, "kind": "article", "id": item.id, "article": item.to_json(indent=None)}

    yield from _batches(rows(), _columns(PREPARED_SCHEMA))


# -- analyse -----------------------------------------------------------------------------------------------------


_PIPELINES: dict[tuple, object] = {}  # this process's pipelines, by the settings they were built for


def pipeline(config: dict):
    """This process's pipeline for the job's settings: built on the first call, the same object after that."""
    from newsprobe.core.pipeline import load_nlp
    from newsprobe.core.settings import configure

    wanted = {k: config[k] for k in ("layers", "technique_threshold", "claim_threshold", "threads")}
    wanted["layers"] = tuple(wanted["layers"]) if wanted["layers"] is not None else None
    key = tuple(sorted(wanted.items()))
    if key not in _PIPELINES:
        configure(**wanted)
        _PIPELINES[key] = load_nlp()
    return _PIPELINES[key]


def pipeline_loads() -> int:
    """How many pipelines this process has built: one for a job, however many tasks it runs."""
    return len(_PIPELINES)


def analyse_rows(config: dict, frames: Iterable[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """Clean articles (pos, article) to analysed ones, in batches of `config["batch_size"]`. An article the pipeline
    fails on becomes an error row naming the exception; the others of its batch are analysed again without it.

    The task ends with one row of kind "task" whose `article` cell is a JSON tally: articles, spans and the columns
    they fill in the output tables (`tables.observe`), so the driver learns the tables' schema without reading the
    articles again."""
    from newsprobe.spark.tables import observe, observed

    nlp = pipeline(config)
    worker = f"{socket.gethostname()}:{os.getpid()}"
    size = config["batch_size"]
    columns = _columns(ANALYSED_SCHEMA)
    tally = {"articles": 0, "spans": 0}
    seen: dict = {}
    for frame in frames:
        items = list(zip(frame["pos"], frame["article"], strict=True))
        for start in range(0, len(items), size):
            rows, arts = _analyse_batch(items[start:start + size], nlp, size)
            observe(arts, seen)
            tally["articles"] += len(arts)
            tally["spans"] += sum(len(a.spans) for _, a in arts)
            yield _frame([{**row, "worker": worker, "loads": pipeline_loads()} for row in rows], columns)
    task = {"pos": -1, "kind": "task", "article": json.dumps({**tally, "columns": observed(seen)}),
            "worker": worker, "loads": pipeline_loads()}
    yield _frame([task], columns)


def _analyse_batch(batch: list[tuple[int, str]], nlp, size: int) -> tuple[list[dict], list[tuple[int, Article]]]:
    """Rows for a batch, and its analysed articles: `newsprobe.run.analyse_each`, which analyses the batch and, when
    it fails, each article alone, so only the article at fault becomes an error (with the local run's wording)."""
    from newsprobe.run import analyse_each

    arts = [Article.from_dict(json.loads(a)) for _, a in batch]
    rows: list[dict] = []
    pairs: list[tuple[int, Article]] = []
    for (pos, _), item in zip(batch, analyse_each(arts, nlp, size), strict=True):
        if isinstance(item, IngestError):
            rows.append({"pos": pos, "kind": "error", "source": item.source, "reason": item.reason})
        else:
            rows.append({"pos": pos, "kind": "article", "article": item.to_json(indent=None)})
            pairs.append((int(pos), item))
    return rows, pairs


# -- tables ------------------------------------------------------------------------------------------------------


def _articles(frames: Iterable[pd.DataFrame]) -> Iterator[tuple[int, Article]]:
    for frame in frames:
        for pos, raw in zip(frame["pos"], frame["article"], strict=True):
            yield int(pos), Article.from_dict(json.loads(raw))


def table_rows(config: dict, table: str, columns: list, frames: Iterable[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """Analysed articles to the rows of `table` (`articles` or `spans`) with exactly `columns`."""
    from newsprobe.spark.tables import conform, rows

    size = config["batch_size"]
    batch: list[Article] = []
    for _, art in _articles(frames):
        batch.append(art)
        if len(batch) >= size:
            yield conform(rows(batch, table), columns)
            batch = []
    if batch:
        yield conform(rows(batch, table), columns)
