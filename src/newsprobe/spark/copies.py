"""`newsprobe spark copies`: story families, copies and first publishers of a corpus, computed by Spark, with the
families `newsprobe families` finds on one machine (docs/copies.md, "The same families elsewhere").

1. articles: the `articles` table of `newsprobe spark analyze` (or any Parquet dataset with `id` and `text`; `outlet`,
   `url`, `published`, `title`, `removed` when it has them), or the inputs newsprobe reads, read on the driver as
   `newsprobe families FILE` reads them (small corpora); every article gets an integer key, its place in the
   table's order (file path, then row), which is the local run's order;
2. fingerprints: `corpus.copies.sketch` per article in `mapInPandas` (texts cut at `detect.MAX_TEXT_CHARS`);
3. candidate pairs: a join on fingerprint, with the rules of `candidates.pairs`: a fingerprint held by 2 to
   `MAX_GROUP` articles pairs them all, one held by more pairs each with the group's `ANCHORS` articles of smallest
   `anchor_key`; pairs produced at least `min(2, max(1, fewer fingerprints of the two))` times are kept;
4. alignment: the two texts of each candidate pair joined to it, chunks of pairs through `detect._verify_chunk`
   (`align.prepare` + `relation.relate`), the local run's unit of work;
5. components of the link graph, over copy and partial links both (all a family's decisions lie in one): on the
   driver (numpy label propagation) when the edge list is small enough to collect, else by iterative min-label joins
   in Spark;
6. families: `families.build` per component, in `applyInPandas` over groups of many components (build over the
   whole graph is the union of build over its components: nothing it decides looks past a component).

Out: DIR/pairs (one row per copy relation: ids, kind, covers, the relation record), DIR/families (one row per family:
id, size, first publisher, confidence, basis, the JSON line), DIR/members (one row per member: kind, credited, ...),
DIR/families_json (text: the lines `newsprobe families --format json` prints, in its order).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from newsprobe.core.errors import NewsprobeError

DRIVER_EDGES = 5_000_000  # links collected to the driver for components at most (16 bytes each: 80 MB)
PAIRS_PER_TASK = 20_000  # candidate pairs per alignment task (about a minute on one core)
META = ("outlet", "url", "published", "title", "removed", "source")
MEMBERS_SCHEMA = ("array<struct<id: string, url: string, outlet: string, published: string, source: string, "
                  "kind: string, credited: boolean, relative_to: string, cover: double>>")


@dataclass(frozen=True)
class Options:
    overwrite: bool = False
    driver_edges: int = DRIVER_EDGES
    partitions: int | None = None  # alignment tasks; None: from the number of candidate pairs
    max_bytes: int = 20_000_000  # inputs read on the driver: items larger than this are skipped


@dataclass
class Result:
    out: str
    articles: int = 0
    fingerprints: int = 0
    candidates: int = 0
    links: int = 0
    families: int = 0
    members: int = 0
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # input items read on the driver that failed
    components: str = ""  # how components were found: "driver" or "joins (N rounds)"
    seconds: dict[str, float] = field(default_factory=dict)

    def line(self) -> str:
        return (f"copies: {self.articles} article(s), {self.candidates} candidate pair(s), {self.links} copy "
                f"relation(s), {self.families} famil{'y' if self.families == 1 else 'ies'} ({self.members} members; "
                f"components {self.components})"
                + (f", {len(self.unreadable)} unreadable" if self.unreadable else "")
                + f" -> {self.out} in {sum(self.seconds.values()):.1f} s")


def run(spark, source: str, out: str, options: Options = Options(),
        on_step: Callable[[str], None] | None = None) -> Result:
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    from newsprobe.corpus.copies.detect import MAX_TEXT_CHARS
    from newsprobe.spark import copies_worker as worker
    from newsprobe.spark.analyze import _check_out
    from newsprobe.spark.session import quiet_pandas_warning

    quiet_pandas_warning()
    out = out.rstrip("/")
    _check_out(spark, out, options.overwrite)
    result = Result(out=out)
    step = on_step or (lambda _: None)
    keep = StorageLevel.MEMORY_AND_DISK
    cached = []
    clock = [time.perf_counter()]

    def persist(df):
        cached.append(df.persist(keep))
        return df

    def lap(name: str) -> None:
        now = time.perf_counter()
        result.seconds[name] = now - clock[0]
        clock[0] = now

    try:
        # 1. articles, with integer keys
        step(f"reading articles from {source}")
        articles, result.unreadable = read_articles(spark, source, options.max_bytes)
        keyed = persist(with_keys(spark, articles)
                        .withColumn("text", F.substring(F.coalesce("text", F.lit("")), 1, MAX_TEXT_CHARS)))
        result.articles = keyed.count()
        lap("read")

        # 2. fingerprints
        step(f"sketching {result.articles} articles")
        fps = persist(keyed.select("key", "id", "text").mapInPandas(worker.fingerprints, worker.FINGERPRINT_SCHEMA))
        result.fingerprints = fps.count()
        lap("sketch")

        # 3. candidate pairs
        step(f"candidate pairs from {result.fingerprints} fingerprints")
        cand = persist(candidate_pairs(fps))
        result.candidates = cand.count()
        lap("candidates")

        # 4. alignment
        cores = spark.sparkContext.defaultParallelism
        parts = options.partitions or max(1, min(max(result.candidates, 1),
                                                 max(2 * cores, -(-result.candidates // PAIRS_PER_TASK))))
        step(f"aligning {result.candidates} candidate pairs in {parts} tasks")
        texts = keyed.select("key", "text")
        jobs = (cand.select("a", "b")
                .join(texts.select(F.col("key").alias("a"), F.col("text").alias("text_a")), "a")
                .join(texts.select(F.col("key").alias("b"), F.col("text").alias("text_b")), "b")
                .repartition(parts, "a").sortWithinPartitions("a", "b"))
        aligned = persist(jobs.select("a", "b", "text_a", "text_b").mapInPandas(worker.align, worker.ALIGNED_SCHEMA))
        links = persist(aligned.where(F.col("kind") == "link").select("a", "b", F.col("data").alias("rel")))
        credits = (aligned.where(F.col("kind") == "credits").select(F.col("a").alias("key"), F.col("data")
                                                                     .alias("credits"))
                   .dropDuplicates(["key"]))
        result.links = links.count()
        lap("align")

        # 5. components
        step(f"components of {result.links} links")
        comp = persist(components(spark, links.select("a", "b"), options.driver_edges, result))
        comp.count()
        lap("components")

        # 6. families, one component per group
        step("families")
        # components go to groups by a hash of their label, many per group: one call of the Python function per
        # component would cost more than building most families (two or three articles)
        groups = max(1, min(parts, -(-result.links // 20_000)))
        comp = comp.withColumn("group", F.pmod(F.xxhash64("comp"), F.lit(groups)))
        nodes = comp.join(keyed.select("key", "id", *META), "key").join(credits, "key")
        grouped_links = links.join(comp.select(F.col("key").alias("a"), "comp", "group"), "a")
        # both sides come from `comp`: fresh names keep Spark from calling their columns ambiguous
        nodes, grouped_links = (df.select(*[F.col(c).alias(c) for c in df.columns]) for df in (nodes, grouped_links))
        fams = persist(grouped_links.groupBy("group").cogroup(nodes.groupBy("group"))
                       .applyInPandas(worker.families, worker.FAMILY_SCHEMA)
                       .withColumn("parsed", F.from_json("json", f"struct<first: struct<id: string, outlet: string, "
                                                                 f"published: string>, confidence: double, "
                                                                 f"basis: string, members: {MEMBERS_SCHEMA}>")))
        result.families = fams.count()
        lap("families")

        # 7. write
        step(f"writing {result.families} families to {out}")
        ids_a = keyed.select(F.col("key").alias("a"), F.col("id").alias("a_id"))
        ids_b = keyed.select(F.col("key").alias("b"), F.col("id").alias("b_id"))
        rel_schema = "struct<kind: string, cover: array<double>, shared_words: bigint>"
        pairs = (links.join(cand, ["a", "b"]).join(ids_a, "a").join(ids_b, "b")
                 .withColumn("r", F.from_json("rel", rel_schema))
                 .select("a_id", "b_id", F.col("r.kind").alias("kind"), F.col("shared").alias("fingerprints"),
                         F.col("r.cover")[0].alias("cover_a"), F.col("r.cover")[1].alias("cover_b"),
                         F.col("r.shared_words").alias("shared_words"), F.col("rel").alias("record")))
        pairs.write.mode("overwrite").parquet(f"{out}/pairs")
        ordered = fams.orderBy(F.col("size").desc(), F.col("family"))
        (ordered.select("family", "size", F.col("parsed.first.id").alias("first_id"),
                        F.col("parsed.first.outlet").alias("first_outlet"),
                        F.col("parsed.first.published").alias("first_published"),
                        F.col("parsed.confidence").alias("confidence"), F.col("parsed.basis").alias("basis"), "json")
         .write.mode("overwrite").parquet(f"{out}/families"))
        members = (fams.select("family", F.posexplode("parsed.members").alias("position", "m"))
                   .select("family", "position", "m.id", "m.kind", "m.credited", "m.outlet", "m.published", "m.url",
                           "m.source", "m.relative_to", "m.cover"))
        members.write.mode("overwrite").parquet(f"{out}/members")
        result.members = spark.read.parquet(f"{out}/members").count()
        ordered.select("json").write.mode("overwrite").text(f"{out}/families_json")
        lap("write")
    finally:
        for df in cached:
            df.unpersist()
    return result


def with_keys(spark, articles):
    """The articles with `key`, their place in the table's order (file path, then row: the order `spark analyze`
    wrote them in, and the order `newsprobe load` stores them in), each id once (its first row).

    The order matters: a pair is aligned with its earlier article as side "a", as the local run does, and the
    alignment is not symmetric in every detail (the words of a passage are counted on side a)."""
    from pyspark.sql import functions as F

    order = articles.select("id", "file", "row").rdd.map(tuple).sortBy(lambda r: (r[1], r[2])).zipWithIndex()
    keys = spark.createDataFrame(order.map(lambda x: (x[0][1], x[0][2], x[1])), "file string, row bigint, key bigint")
    keyed = articles.join(keys, ["file", "row"])
    firsts = keyed.groupBy("id").agg(F.min("key").alias("key"))
    return keyed.join(firsts, ["id", "key"], "left_semi").drop("file", "row")


def candidate_pairs(fps):
    """(a, b, shared) with a < b: `candidates.pairs` as joins. `shared` counts what the local code counts: one per
    fingerprint two articles share, and two for a pair of anchors of one large group (paired from both sides)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    from newsprobe.corpus.copies.candidates import ANCHORS, MAX_GROUP, MIN_SHARED

    sized = fps.select("fp", "key", "rank").join(fps.groupBy("fp").agg(F.count(F.lit(1)).alias("size")), "fp")
    small = sized.where((F.col("size") >= 2) & (F.col("size") <= MAX_GROUP)).select("fp", "key")
    by_small = (small.alias("x").join(small.alias("y"), "fp").where(F.col("x.key") < F.col("y.key"))
                .select(F.col("x.key").alias("a"), F.col("y.key").alias("b")))
    big = sized.where(F.col("size") > MAX_GROUP)
    first = Window.partitionBy("fp").orderBy("rank", "key")
    anchors = (big.withColumn("r", F.row_number().over(first)).where(F.col("r") <= ANCHORS)
               .select("fp", F.col("key").alias("anchor")))
    by_big = (anchors.join(big.select("fp", "key"), "fp").where(F.col("anchor") != F.col("key"))
              .select(F.least("anchor", "key").alias("a"), F.greatest("anchor", "key").alias("b")))
    counted = by_small.unionByName(by_big).groupBy("a", "b").agg(F.count(F.lit(1)).alias("shared"))
    n = fps.select("key", "n").dropDuplicates(["key"])
    need = F.least(F.lit(MIN_SHARED), F.greatest(F.least("na", "nb"), F.lit(1)))
    return (counted.join(n.select(F.col("key").alias("a"), F.col("n").alias("na")), "a")
            .join(n.select(F.col("key").alias("b"), F.col("n").alias("nb")), "b")
            .where(F.col("shared") >= need).select("a", "b", "shared"))


def components(spark, edges, driver_edges: int, result: Result):
    """(key, comp) for every key in an edge, comp the smallest key of its connected component. Collected to the
    driver when there are at most `driver_edges` edges (one pass of numpy, seconds for millions of edges); else
    min-label propagation by joins, one Spark job per round, rounds about the graph's diameter (families are shallow
    trees, a few rounds)."""
    import numpy as np

    if result.links <= driver_edges:
        from newsprobe.corpus.copies.detect import _components

        table = edges.toArrow()  # columns, not Row objects: 16 bytes an edge on the driver
        a = table.column("a").to_numpy().astype(np.int64)
        b = table.column("b").to_numpy().astype(np.int64)
        result.components = "driver"
        if not len(a):
            return spark.createDataFrame([], "key bigint, comp bigint")
        nodes, inverse = np.unique(np.concatenate([a, b]), return_inverse=True)
        label = _components(inverse[: len(a)], inverse[len(a):])
        pairs = list(zip(nodes.tolist(), nodes[label].tolist(), strict=True))
        return spark.createDataFrame(pairs, "key bigint, comp bigint")
    return _components_by_joins(edges, result)


def _components_by_joins(edges, result: Result):
    from pyspark.sql import functions as F

    both = edges.select("a", "b").unionByName(edges.select(F.col("b").alias("a"), F.col("a").alias("b")))
    both = both.persist()
    labels = both.groupBy("a").agg(F.least(F.min("b"), F.first("a")).alias("comp")).withColumnRenamed("a", "key")
    labels = labels.localCheckpoint()
    rounds = 1
    while True:
        # every node takes the smallest label among its neighbours' and its own; then pointer jumping (a node takes
        # its label's label), which halves the rounds on long chains
        spread = (both.join(labels.withColumnRenamed("key", "b"), "b")
                  .groupBy("a").agg(F.min("comp").alias("seen")).withColumnRenamed("a", "key"))
        new = (labels.join(spread, "key").select("key", F.least("comp", "seen").alias("comp")))
        new = new.localCheckpoint()
        up = new.select(F.col("key").alias("comp"), F.col("comp").alias("up")).localCheckpoint()
        new = (new.join(up, "comp", "left")
               .select("key", F.coalesce(F.least("comp", "up"), F.col("comp")).alias("comp"))).localCheckpoint()
        changed = new.join(labels.withColumnRenamed("comp", "old"), "key").where(F.col("comp") != F.col("old")).count()
        labels = new
        rounds += 1
        if not changed:
            break
    both.unpersist()
    result.components = f"joins ({rounds} rounds)"
    return labels


def read_articles(spark, source: str, max_bytes: int) -> tuple:
    """The articles as a DataFrame (id, text, outlet, url, published, title, removed; file and row: their order),
    and the (source, reason) of
    every input item that could not be read: a Parquet table, or the inputs newsprobe reads, read on the driver with
    the local command's reader."""
    from pyspark.sql import functions as F

    from newsprobe.spark.session import is_uri

    table = _table_path(source)
    if table is None:
        return _read_on_driver(spark, source, max_bytes)
    try:
        df = spark.read.parquet(table)
    except Exception as err:
        raise NewsprobeError(f"{source}: cannot read it as Parquet: {' '.join(str(err).split())[:200]}") from None
    missing = [c for c in ("id", "text") if c not in df.columns]
    if missing:
        hint = "" if is_uri(source) else " (give the output folder of `newsprobe spark analyze`)"
        raise NewsprobeError(f"{table}: no {' or '.join(missing)} column{hint}")
    return df.select("id", "text", *[F.col(c).cast("string") if c in df.columns else F.lit(None).cast("string")
                                     .alias(c) for c in META],
                     F.col("_metadata.file_path").alias("file"), F.col("_metadata.row_index").alias("row")), []


def _table_path(source: str) -> str | None:
    """Where the Parquet articles are: DIR/articles (spark analyze's output), DIR itself, a .parquet file; None for
    other inputs (JSONL, CSV, text, HTML, WARC...)."""
    from newsprobe.spark.session import is_uri

    if is_uri(source):
        return source.rstrip("/") + "/articles" if _uri_has_articles(source) else source
    path = Path(source)
    if not path.exists():
        raise NewsprobeError(f"{source}: no such file or directory")
    if (path / "articles").is_dir():
        return str(path / "articles")
    if path.is_dir() and any(path.rglob("*.parquet")):
        return str(path)
    if path.is_file() and path.suffix == ".parquet":
        return str(path)
    return None


def _uri_has_articles(source: str) -> bool:
    from pyspark.sql import SparkSession

    spark = SparkSession.getActiveSession()
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(source.rstrip("/") + "/articles")
    return path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).exists(path)


def _read_on_driver(spark, source: str, max_bytes: int):
    """Inputs newsprobe reads, read here as `newsprobe families FILE` reads them (texts as they are, its ids): for
    corpora the driver can hold; a larger one goes through `newsprobe spark analyze` first."""
    from newsprobe.core.model import IngestError
    from newsprobe.corpus.copies.detect import records_from_documents
    from newsprobe.io.read import iter_documents

    unreadable = []

    def readable(items):
        for item in items:
            if isinstance(item, IngestError):
                unreadable.append((item.source, item.reason))
            else:
                yield item

    docs = readable(iter_documents([source], max_bytes=max_bytes))
    rows = [(r.id, r.text, r.outlet, r.url, r.published, r.title, json.dumps(list(r.removed)), r.source, "", pos)
            for pos, r in enumerate(records_from_documents(docs))]
    schema = ("id string, text string, outlet string, url string, published string, title string, removed string, "
              "source string, file string, row bigint")
    return spark.createDataFrame(rows, schema), unreadable
