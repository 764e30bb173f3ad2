"""From the paths a user gives to a DataFrame of files for the executors to read, in newsprobe's order.

A local path is walked on the driver by `newsprobe.io.read.files.expand` (the local walk: sorted, hidden entries
skipped, a missing path reported) and the executors open the files by name, which works in local mode and on a
cluster whose executors share the mount. A URI (`s3a://`, `hdfs://`, `gs://`, `file://`) is listed by Spark and read
through its `binaryFile` source, so it works on any file system Spark is configured for; files are taken in path
order. Each file gets `seq`, its place in that order, which the job uses to reproduce the local run's order.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import unquote, urlparse

from newsprobe.io.read.common import megabytes
from newsprobe.spark.session import is_uri

FILES_SCHEMA = "seq bigint, name string, path string, content binary"
# Spark's binaryFile source cannot hold a file of 2 GiB or more in one row.
BINARY_LIMIT = 2**31 - 1 - 1024


@dataclass
class Inputs:
    files: object  # DataFrame with FILES_SCHEMA
    count: int  # files to read
    failures: list[tuple[int, str, str]] = field(default_factory=list)  # (seq, source, reason) known on the driver


def _runs(paths: list[str]) -> Iterator[tuple[bool, list[str]]]:
    """Consecutive local paths together (the local walk visits a folder given twice once), each URI alone."""
    run: list[str] = []
    for p in paths:
        if is_uri(p):
            if run:
                yield False, run
                run = []
            yield True, [p]
        else:
            run.append(p)
    if run:
        yield False, run


def collect(spark, paths: list[str], max_file_bytes: int = BINARY_LIMIT) -> Inputs:
    from pyspark.sql import functions as F

    from newsprobe.io.read.files import expand

    local_rows: list[tuple[int, str, str, None]] = []
    failures: list[tuple[int, str, str]] = []
    binary: list[tuple[str, dict[str, int]]] = []  # (uri, {file path: seq})
    seq = 0
    for remote, run in _runs(paths):
        if not remote:
            for item in expand(run):
                if isinstance(item, os.PathLike):
                    local_rows.append((seq, str(item), os.path.abspath(item), None))
                else:
                    failures.append((seq, item.source, item.reason))
                seq += 1
            continue
        uri = run[0]
        try:
            listing = _list(spark, uri)
        except Exception as err:
            failures.append((seq, uri, _listing_error(err)))
            seq += 1
            continue
        if not listing:
            failures.append((seq, uri, "no files found"))
            seq += 1
            continue
        seqs: dict[str, int] = {}
        for path, length in listing:
            if length == 0:
                failures.append((seq, path, "empty file"))
            elif length > max_file_bytes:
                failures.append((seq, path, f"file too large for Spark's binaryFile source: {megabytes(length)} "
                                            f"(limit {megabytes(max_file_bytes)}); split it, or give a path "
                                            "every executor can open"))
            else:
                seqs[path] = seq
            seq += 1
        if seqs:
            binary.append((uri, seqs))

    parallelism = spark.sparkContext.defaultParallelism
    n = len(local_rows)
    slices = max(1, min(n, max(4 * parallelism, math.ceil(n / 200))))
    files = spark.createDataFrame(spark.sparkContext.parallelize(local_rows, slices), FILES_SCHEMA)
    for uri, seqs in binary:
        order = spark.createDataFrame(list(seqs.items()), "path string, seq bigint")
        content = (_binary(spark, uri).where(F.col("length") <= max_file_bytes)
                   .join(F.broadcast(order), "path")
                   .select("seq", F.col("path").alias("name"), F.lit(None).cast("string").alias("path"), "content"))
        files = files.unionByName(content)
    return Inputs(files=files, count=len(local_rows) + sum(len(s) for _, s in binary), failures=failures)


def _binary(spark, uri: str):
    return spark.read.format("binaryFile").option("recursiveFileLookup", "true").load(uri)


def _list(spark, uri: str) -> list[tuple[str, int]]:
    """Files under a URI with their sizes, in path order; no content is read. A scan leaves out empty files, which
    the file index still lists: they come back with length 0, to be reported."""
    df = _binary(spark, uri)
    sizes = {_key(r["path"]): (r["path"], int(r["length"])) for r in df.select("path", "length").collect()}
    for path in df.inputFiles():  # written as URIs (file:///x, escaped) where the scan writes Hadoop paths (file:/x)
        key = _key(path)
        if key not in sizes:
            scheme, netloc, name = key
            sizes[key] = (f"{scheme}:{'//' + netloc if netloc else ''}{name}", 0)
    return sorted(sizes.values())


def _key(path: str) -> tuple[str, str, str]:
    parts = urlparse(path)
    return parts.scheme, parts.netloc, unquote(parts.path)


def _listing_error(err: Exception) -> str:
    text = " ".join(str(err).split())
    if "PATH_NOT_FOUND" in text or "does not exist" in text.lower():
        return "no such file or directory"
    return f"cannot list: {text[:200]}"
