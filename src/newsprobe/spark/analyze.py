"""`newsprobe spark analyze`: the local pipeline's answers, computed by Spark, written as Parquet tables.

The job does what `newsprobe ingest` does, stage by stage, and each stage calls the same newsprobe function on the
executors (`worker`):

1. read: every file through `newsprobe.io.read`, one row per document or per unreadable item;
2. positions: each item's place in the local run's order (files in order, items in file order), and so the chunk of
   `newsprobe.run.CHUNK` items the local run would clean it with;
3. line statistics: per site, the short lines repeated across its pages as the local run counts them when it
   cleans each chunk (counted over the whole corpus by Spark, judged by `LineStats.repeated`);
4. prepare: `newsprobe.io.prepare.prepare` with those lines;
5. once per article: an article whose id was seen earlier in the order is a duplicate, skipped as `ingest` skips it;
6. analyse: `newsprobe.core.pipeline.analyse` in batches, one pipeline per Python worker process, on partitions of
   consecutive articles;
7. write: the tables `articles` and `spans` of `newsprobe export --format parquet` (columns from `extract_df`), and
   `failures` (source, reason): every item that could not be read, prepared or analysed. A bad input is a row
   there, never a failed job.

Out: DIR/articles, DIR/spans, DIR/failures, each a Parquet dataset of part files (one or more per partition of the
analysis, `max_records_per_file` rows at most), optionally in Hive-style folders (`--partition-by outlet`).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import partial
from itertools import accumulate

from newsprobe.core.errors import NewsprobeError

ARTICLES_PER_TASK = 2000  # default analysis partition size: minutes per task on one core, cheap to retry
ITEMS_PER_PREPARE_TASK = 500  # cleaning takes about 5 ms a document: a few seconds per task


@dataclass(frozen=True)
class Options:
    layers: tuple[str, ...] | None = None
    technique_threshold: float | None = None
    claim_threshold: float | None = None
    threads: int = 1
    batch_size: int = 64
    max_bytes: int = 20_000_000
    published: str | None = None
    outlet: str | None = None
    chunk: int = 256
    partitions: int | None = None  # analysis partitions; None: from the corpus size and the cluster's cores
    partition_by: tuple[str, ...] = ()
    max_records_per_file: int = 1_000_000
    overwrite: bool = False


@dataclass
class Result:
    out: str
    files: int = 0
    articles: int = 0
    spans: int = 0
    duplicates: int = 0
    failures: int = 0
    partitions: int = 0
    workers: list[str] = field(default_factory=list)  # Python worker processes that analysed (host:pid)
    pipeline_loads: int = 0  # pipelines those processes built, in all
    seconds: float = 0.0


def run(spark, paths: list[str], out: str, options: Options,
        on_step: Callable[[str], None] | None = None) -> Result:
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    from newsprobe.spark import inputs, worker
    from newsprobe.spark.session import quiet_pandas_warning
    from newsprobe.spark.tables import merge, spark_schema

    start = time.perf_counter()
    quiet_pandas_warning()
    config = asdict(options)
    out = out.rstrip("/")
    _check_partition_by(options.partition_by)
    _check_out(spark, out, options.overwrite)
    result = Result(out=out)
    step = on_step or (lambda _: None)
    keep = StorageLevel.MEMORY_AND_DISK
    cached = []

    def persist(df):
        cached.append(df.persist(keep))
        return df

    try:
        # 1. read
        step("listing inputs")
        found = inputs.collect(spark, [str(p) for p in paths])
        result.files = found.count
        step(f"reading and preparing {found.count} files")
        read = found.files.mapInPandas(partial(worker.read_files, config), worker.READ_SCHEMA)
        if found.failures:
            early = spark.createDataFrame(
                [(seq, 0, "error", source, reason) for seq, source, reason in found.failures],
                "seq bigint, item bigint, kind string, source string, reason string")
            read = read.unionByName(early, allowMissingColumns=True)
        read = persist(read)

        # 2. positions in the local order: a file's first item comes after all items of the files before it
        sizes = sorted((int(r["seq"]), int(r["n"])) for r in read.groupBy("seq").agg(F.count(F.lit(1)).alias("n"))
                       .collect())
        starts = list(accumulate((n for _, n in sizes), initial=0))
        offsets = spark.createDataFrame([(seq, start) for (seq, _), start in zip(sizes, starts, strict=False)],
                                        "seq bigint, offset bigint")
        items = (read.join(offsets, "seq")
                 .withColumn("pos", F.col("offset") + F.col("item"))
                 .withColumn("chunk", F.floor(F.col("pos") / options.chunk).cast("bigint")))

        # 3. line statistics per site, as of each chunk
        observed = (items.where(F.col("digest").isNotNull())
                    .groupBy("site", "digest")
                    .agg(F.min("pos").alias("first"), F.min_by("lines", "pos").alias("lines"))
                    .withColumn("chunk", F.floor(F.col("first") / options.chunk).cast("bigint")))
        docs = items.where(F.col("kind") == "doc")
        wanted = (docs.groupBy("site").agg(F.collect_set("chunk").alias("chunks"))
                  .join(observed.groupBy("site").agg(F.collect_list("chunk").alias("docs")), "site", "left"))
        seen = (observed.select("site", "chunk", F.explode("lines").alias("line"))
                .groupBy("site", "line").agg(F.collect_list("chunk").alias("chunks"))
                .where(F.size("chunks") >= 2))  # a line of one document is never boilerplate
        # (both sides come from `observed`: fresh names for `site` keep Spark from calling the cogroup ambiguous)
        wanted, seen = (df.select(F.col("site").alias("site"), *[c for c in df.columns if c != "site"])
                        for df in (wanted, seen))
        repeated = (wanted.groupBy("site").cogroup(seen.groupBy("site"))
                    .applyInPandas(partial(worker.repeated_lines, config), worker.REPEATED_SCHEMA))

        # 4. prepare, spread over the cores: one big input file is one partition until here, and Spark keeps (or
        # coalesces to) a handful of small partitions through the joins, which left every core but one idle
        cores = spark.sparkContext.defaultParallelism
        prepare_parts = max(1, min(math.ceil(starts[-1] / ITEMS_PER_PREPARE_TASK), 4 * cores))
        prepared = persist(
            docs.join(repeated, ["site", "chunk"], "left").select("pos", "doc", "repeated")
            .repartition(prepare_parts)
            .mapInPandas(partial(worker.prepare_rows, config), worker.PREPARED_SCHEMA))

        # 5. each article once, the first in the local order
        candidates = prepared.where(F.col("kind") == "article")
        firsts = candidates.groupBy("id").agg(F.min("pos").alias("pos"))
        unique = candidates.join(firsts, ["id", "pos"], "left_semi").select("pos", "article")
        counts = candidates.agg(F.count(F.lit(1)).alias("all"), F.countDistinct("id").alias("unique")).first()
        n_unique = int(counts["unique"])
        result.duplicates = int(counts["all"]) - n_unique
        parts = options.partitions or max(1, min(n_unique, max(2 * cores, math.ceil(n_unique / ARTICLES_PER_TASK))))
        result.partitions = parts
        step(f"analysing {n_unique} articles in {parts} partitions")

        # 6. analyse
        analysed = persist(
            unique.repartitionByRange(parts, "pos").sortWithinPartitions("pos")
            .mapInPandas(partial(worker.analyse_rows, config), worker.ANALYSED_SCHEMA))
        done = analysed.where(F.col("kind") == "article").select("pos", "article")
        observed = []
        loads: dict[str, int] = {}
        for task in analysed.where(F.col("kind") == "task").select("article", "worker", "loads").collect():
            tally = json.loads(task["article"])
            result.articles += tally["articles"]
            result.spans += tally["spans"]
            observed += [tuple(entry) for entry in tally["columns"]]
            loads[task["worker"]] = max(loads.get(task["worker"], 0), int(task["loads"]))
        result.workers = sorted(loads)
        result.pipeline_loads = sum(loads.values())

        # 7. write
        step(f"writing {result.articles} articles to {out}")
        columns = merge(observed)
        for table in ("articles", "spans"):
            rows = done.mapInPandas(partial(worker.table_rows, config, table, columns[table]),
                                    spark_schema(columns[table]))
            _write(rows, f"{out}/{table}", options)
        failures = (read.where(F.col("kind") == "error").join(offsets, "seq")
                    .select((F.col("offset") + F.col("item")).alias("pos"), "source", "reason")
                    .unionByName(prepared.where(F.col("kind") == "error").select("pos", "source", "reason"))
                    .unionByName(analysed.where(F.col("kind") == "error").select("pos", "source", "reason")))
        # few rows: one file, in the local order
        _write(failures.coalesce(1).sortWithinPartitions("pos").drop("pos"), f"{out}/failures", options,
               partition_by=())
        result.failures = spark.read.parquet(f"{out}/failures").count()
    finally:
        for df in cached:
            df.unpersist()
    result.seconds = time.perf_counter() - start
    return result


def _write(df, path: str, options: Options, partition_by: tuple[str, ...] | None = None) -> None:
    partition_by = options.partition_by if partition_by is None else partition_by
    writer = df.write.mode("overwrite").option("maxRecordsPerFile", options.max_records_per_file)
    if partition_by:
        writer = writer.partitionBy(*partition_by)
    writer.parquet(path)


def _check_out(spark, out: str, overwrite: bool) -> None:
    """Refuse to write into a folder that holds something unless told to replace it."""
    jvm = spark.sparkContext._jvm
    hadoop_path = jvm.org.apache.hadoop.fs.Path(out)
    fs = hadoop_path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    if fs.exists(hadoop_path) and not overwrite:
        if not fs.getFileStatus(hadoop_path).isDirectory() or fs.listStatus(hadoop_path):
            raise NewsprobeError(f"{out} exists and is not empty: choose another --out, or add --overwrite")


def _check_partition_by(names: tuple[str, ...]) -> None:
    """Only a column both tables have can split both the same way (`outlet`, `published`)."""
    from newsprobe.spark.tables import TABLES, base_columns

    shared = set.intersection(*(set(base_columns(t)) for t in TABLES)) - {"id", "article_id"}
    for name in names:
        if name not in shared:
            raise NewsprobeError(f"--partition-by {name}: choose a column of both tables: {', '.join(sorted(shared))}")
