"""Copy detection over a stream of (id, text, metadata) records, in memory: sketch every text, find candidate pairs,
align each, build families. The store's incremental index (`index.py`) and a Spark job run the same steps with
these same functions; this module is what `newsprobe families FILE...` runs on a corpus read directly.

Texts are not held in memory: they are spooled to a temporary file as they are read and read back only for the
texts that have a candidate (about half, in a corpus with many copies). Candidate pairs are aligned component by
component of the candidate graph, so each text is prepared once.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from newsprobe.corpus.copies import candidates, sketch
from newsprobe.corpus.copies.align import Text, prepare_many
from newsprobe.corpus.copies.credits import find_credits
from newsprobe.corpus.copies.families import Link, Node, build
from newsprobe.corpus.copies.relation import relate

BATCH = 256  # texts per numpy batch: large enough to amortise the calls, small enough to stay in cache
MAX_TEXT_CHARS = 2_000_000  # longer texts are cut here (a 2 MB "article" is a page dump; its head is the story)


@dataclass(slots=True)
class Record:
    """An article as copy detection needs it: id, clean text, metadata, and the lines cleaning removed (a copyright
    footer there is still a credit)."""

    id: str
    text: str
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    title: str | None = None
    removed: tuple[str, ...] = ()
    source: str | None = None  # the file (and item) it was read from: what names it when it has no URL


@dataclass
class Stats:
    texts: int = 0
    fingerprints: int = 0
    candidates: int = 0
    compared: int = 0
    links: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


class Spool:
    """Texts written to a temporary file as they come, read back by index."""

    def __init__(self) -> None:
        fd, self.path = tempfile.mkstemp(prefix="newsprobe-copies-", suffix=".txt")
        self._w = os.fdopen(fd, "wb")
        self._offsets: list[int] = [0]
        self._r = None

    def add(self, text: str) -> None:
        data = text.encode("utf-8", "surrogatepass")
        self._w.write(data)
        self._offsets.append(self._offsets[-1] + len(data))

    def get(self, i: int) -> str:
        if self._r is None:
            self._w.flush()
            self._r = open(self.path, "rb")  # noqa: SIM115 (closed in close())
        self._r.seek(self._offsets[i])
        return self._r.read(self._offsets[i + 1] - self._offsets[i]).decode("utf-8", "surrogatepass")

    def close(self) -> None:
        self._w.close()
        if self._r:
            self._r.close()
        os.unlink(self.path)


def node_of(key: int, rec: Record, text_credits: list[dict] | None = None) -> Node:
    credits = list(text_credits if text_credits is not None else [c.to_dict() for c in find_credits(rec.text)])
    for line in rec.removed:
        credits.extend({**c.to_dict(), "start": -1, "end": -1, "removed": True} for c in find_credits(line))
    return Node(key, rec.id, rec.outlet, rec.url, rec.published, rec.title, credits, rec.source)


class Prepared:
    """Texts ready for alignment, prepared in batches and kept in a bounded cache."""

    def __init__(self, load: Callable[[int], str], size: int = 8000) -> None:
        self.load = load
        self.size = size
        self.cache: OrderedDict[int, Text] = OrderedDict()

    def warm(self, keys: Iterable[int]) -> None:
        missing = [k for k in dict.fromkeys(keys) if k not in self.cache]
        for i in range(0, len(missing), BATCH):
            part = missing[i: i + BATCH]
            for k, t in zip(part, prepare_many([self.load(k) for k in part]), strict=True):
                self.cache[k] = t
        while len(self.cache) > self.size:
            self.cache.popitem(last=False)

    def get(self, key: int) -> Text:
        if key not in self.cache:
            self.warm([key])
        self.cache.move_to_end(key)
        return self.cache[key]


def _chunks(i: np.ndarray, j: np.ndarray, size: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Candidate pairs in chunks of `size`, ordered by component of the candidate graph (so a text's pairs are near
    each other and it is prepared once)."""
    if not len(i):
        return
    comp = _components(i, j)
    order = np.argsort(comp[i], kind="stable")
    i, j = i[order], j[order]
    for s in range(0, len(i), size):
        yield i[s: s + size], j[s: s + size]


def _verify_chunk(job: tuple[list[int], list[int], dict[int, str]]) -> tuple[list[Link], dict[int, list]]:
    """One chunk of pairs with the texts it needs (a worker process's unit): the links, and the credit phrases of
    the texts that have one."""
    a, b, texts = job
    prepared = Prepared(texts.__getitem__, size=len(texts) + 1)
    prepared.warm(a + b)
    links = []
    for x, y in zip(a, b, strict=True):
        rel = relate(prepared.get(x), prepared.get(y))
        if rel is not None:
            links.append(Link(x, y, rel))
    linked = {k for link in links for k in (link.a, link.b)}
    return links, {k: prepared.get(k).credits for k in linked}


def _sketch_batch(texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    sk = sketch.sketch(texts)
    return sk.owner.astype(np.int32), sk.value, sk.words


def _components(i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Component label of every text index up to max(i, j), by label propagation (vectorised min over edges)."""
    n = int(max(i.max(), j.max())) + 1
    label = np.arange(n)
    while True:
        m = np.minimum(label[i], label[j])
        new = label.copy()
        np.minimum.at(new, i, m)
        np.minimum.at(new, j, m)
        new = new[new]  # pointer jumping
        if np.array_equal(new, label):
            return label
        label = new


def find_families(records: Iterable[Record], progress: Callable[[str, int], None] | None = None,
                  jobs: int = 1) -> tuple[list[dict[str, Any]], Stats]:
    """Families (the `newsprobe families` JSON shape) of a corpus given as records. `jobs` > 1 sketches, aligns
    and builds families in that many worker processes; the result is the same."""
    return _find(records, _sketch_records, progress, jobs)


def find_families_in_documents(docs: Iterable, progress: Callable[[str, int], None] | None = None,
                               jobs: int = 1) -> tuple[list[dict[str, Any]], Stats]:
    """`find_families(records_from_documents(docs))`, with each document's record (its content id, outlet, date)
    made in the worker that sketches it: on a corpus read directly, that per-document work costs as much as the
    sketch, and the main process, which reads the documents, would otherwise be the bottleneck."""
    return _find(docs, _sketch_documents, progress, jobs, unique=Unique())


def _sketch_records(batch: list[Record]) -> tuple[None, np.ndarray, np.ndarray, np.ndarray]:
    """A worker's unit for records: their fingerprints (texts cut at MAX_TEXT_CHARS); the records stay where they
    are (None: the caller has them)."""
    owner, value, words = _sketch_batch([r.text[:MAX_TEXT_CHARS] for r in batch])
    return None, owner, value, words


def _sketch_documents(batch: list[tuple]) -> tuple[list[tuple | None], np.ndarray, np.ndarray, np.ndarray]:
    """A worker's unit for documents, given as (text, outlet, url, published, title) tuples (they travel faster than
    objects): each one's record as (id, outlet, published) (`record_of`; None for an empty text) and the
    fingerprints of the records' texts (`owner` counts records, the Nones skipped)."""
    recs = [_record(*fields) for fields in batch]
    owner, value, words = _sketch_batch([r.text[:MAX_TEXT_CHARS] for r in recs if r is not None])
    return [None if r is None else (r.id, r.outlet, r.published) for r in recs], owner, value, words


def _find(items: Iterable, sketch_fn: Callable, progress: Callable[[str, int], None] | None, jobs: int,
          unique: Unique | None = None) -> tuple[list[dict[str, Any]], Stats]:
    """The pipeline over records (`unique` None) or documents (their records made in the workers, repeats settled
    here by `unique`)."""
    stats = Stats()
    tick = progress or (lambda stage, n: None)
    spool = Spool()
    pool = _pool(jobs)
    try:
        meta: list[Record] = []
        t0 = time.perf_counter()
        sent: deque[list] = deque()

        def batches() -> Iterator[list]:
            batch: list = []
            for item in items:
                batch.append(item)
                if len(batch) >= BATCH:
                    sent.append(batch)
                    yield batch if unique is None else [_fields(doc) for doc in batch]
                    batch = []
            if batch:
                sent.append(batch)
                yield batch if unique is None else [_fields(doc) for doc in batch]

        owners, values = [], []
        for recs, owner, value, _ in run_all(pool, sketch_fn, batches(), group=16):
            batch = sent.popleft()
            if recs is None:  # records: every one is kept
                kept = batch
            else:  # documents: their records (texts from the documents here), exact repeats dropped
                made = [Record(r[0], doc.text, r[1], doc.url, r[2], doc.title, source=doc.source)
                        for r, doc in zip(recs, batch, strict=True) if r is not None]
                keep = np.array([unique(r) for r in made], dtype=bool)
                kept = [r for r, k in zip(made, keep, strict=True) if k]
                if not keep.all():
                    renumber = np.cumsum(keep) - 1
                    inside = keep[owner]
                    owner, value = renumber[owner[inside]].astype(np.int32), value[inside]
            for rec in kept:
                text = rec.text[:MAX_TEXT_CHARS]
                spool.add(text)
                meta.append(Record(rec.id, "", rec.outlet, rec.url, rec.published, rec.title, tuple(rec.removed),
                                   rec.source))
            owners.append(owner + (len(meta) - len(kept)))
            values.append(value)
            tick("sketch", len(meta))
        stats.texts = len(meta)
        stats.seconds["sketch"] = time.perf_counter() - t0
        unique = None  # the ids seen: not needed past reading
        if not meta:
            return [], stats
        stats.fingerprints = sum(len(v) for v in values)
        t0 = time.perf_counter()
        rank = np.fromiter((candidates.anchor_key(r.id) for r in meta), dtype=np.int64, count=len(meta))
        ci, cj, _ = candidates.pairs(owners, values, rank)  # the lists are emptied as they are sorted
        stats.candidates = stats.compared = len(ci)
        stats.seconds["candidates"] = time.perf_counter() - t0
        tick("candidates", len(ci))
        t0 = time.perf_counter()

        def jobs_() -> Iterator[tuple[list[int], list[int], dict[int, str]]]:
            for a, b in _chunks(ci, cj, 1000):
                keys = sorted(set(a.tolist()) | set(b.tolist()))
                yield a.tolist(), b.tolist(), {k: spool.get(k) for k in keys}

        links: list[Link] = []
        credits: dict[int, list] = {}
        for found, found_credits in run_all(pool, _verify_chunk, jobs_(), group=4):
            links.extend(found)
            credits.update(found_credits)
            tick("aligned", len(links))
        stats.links = len(links)
        stats.seconds["align"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        nodes = {k: node_of(k, meta[k], credits[k]) for k in sorted(credits)}
        del credits
        tick("families", len(nodes))
        families = build_by_component(nodes, links, pool)
        stats.seconds["families"] = time.perf_counter() - t0
        return families, stats
    finally:
        if pool:
            pool.terminate()
        spool.close()


def build_by_component(nodes: dict[int, Node], links: list[Link], pool=None, size: int = 2000
                       ) -> list[dict[str, Any]]:
    """`families.build(nodes, links)`, one group of connected components (over every link, copy or partial) at a
    time, in the pool's workers when there is one: a family never spans two components, and `build` orders its
    output by size and family id, so the pieces sorted the same way are the whole."""
    if not links:
        return []
    a = np.fromiter((x.a for x in links), dtype=np.int64, count=len(links))
    b = np.fromiter((x.b for x in links), dtype=np.int64, count=len(links))
    label = _components(a, b)[a]
    order = np.argsort(label, kind="stable")
    cuts = np.flatnonzero(np.diff(label[order])) + 1
    bounds = [0, *cuts.tolist(), len(order)]

    def groups() -> Iterator[tuple[dict[int, Node], list[Link]]]:
        part: list[Link] = []
        for s, e in zip(bounds[:-1], bounds[1:], strict=True):
            part.extend(links[i] for i in order[s:e].tolist())
            if len(part) >= size:
                yield {k: nodes[k] for x in part for k in (x.a, x.b)}, part
                part = []
        if part:
            yield {k: nodes[k] for x in part for k in (x.a, x.b)}, part

    out: list[dict[str, Any]] = []
    for found in run_all(pool, _build_group, groups(), group=4):
        out.extend(found)
    out.sort(key=lambda f: (-len(f["members"]), f["family"]))
    return out


def _build_group(job: tuple[dict[int, Node], list[Link]]) -> list[dict[str, Any]]:
    return build(*job)


def record_of(doc) -> Record | None:
    """A document as a copy-detection record, alone (None for an empty text): the id `ingest` would give its text,
    outlet from the URL when none is given, the date normalised. `Unique` then settles repeats."""
    rec = _record(*_fields(doc))
    if rec is not None:
        rec.source = getattr(doc, "source", None)
    return rec


def _fields(doc) -> tuple:
    return doc.text, doc.outlet, doc.url, doc.published, doc.title


def _record(text: str | None, outlet: str | None, url: str | None, published: str | None,
            title: str | None) -> Record | None:
    from newsprobe.core.model import content_id
    from newsprobe.io.prepare import normalize_published
    from newsprobe.io.titles import outlet_name

    text = text or ""
    if not text.strip():
        return None
    return Record(content_id(text), text, outlet_name(outlet, url), url, normalize_published(published), title)


class Unique:
    """Exact repeats dropped, in reading order: the same text under a second outlet gets its publication id (as
    `ingest` stores it), the same text and outlet again is dropped."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    def __call__(self, rec: Record) -> bool:
        """Whether to keep `rec` (its id set to the one it is kept under)."""
        from newsprobe.core.model import Article
        from newsprobe.run import publication_id

        outlet = (rec.outlet or "").lower()
        if rec.id in self.seen and self.seen[rec.id] != outlet:
            rec.id = publication_id(Article(id=rec.id, text=rec.text, outlet=rec.outlet))
        if rec.id in self.seen:
            return False
        self.seen[rec.id] = outlet
        return True


def records_from_documents(docs: Iterator) -> Iterator:
    """Documents as copy-detection records (what `newsprobe families FILE` and `newsprobe spark copies` read): the
    id `ingest` would give (the same text under a second outlet gets its publication id), outlet from the URL when
    none is given, dates normalised; exact repeats dropped."""
    unique = Unique()
    for doc in docs:
        rec = record_of(doc)
        if rec is not None and unique(rec):
            yield rec


def run_all(pool, fn: Callable, items: Iterable, group: int = 8) -> Iterator:
    """fn over items, results in order, in the pool's workers when there is a pool, with up to `group` items in
    flight: the next items are drawn (and a result handled) while the workers compute, so reading in this process and
    computing in the workers overlap. The items are drawn here, in the calling thread (a pool would draw them on a
    thread of its own, where a SQLite connection may not go, and all at once)."""
    if pool is None:
        yield from map(fn, items)
        return
    flight: deque = deque()
    for item in items:
        flight.append(pool.apply_async(fn, (item,)))
        if len(flight) >= group:
            yield flight.popleft().get()
    while flight:
        yield flight.popleft().get()


def _pool(jobs: int):
    """A pool of worker processes (fork: they start at once and share what is loaded), or None for one job."""
    if jobs <= 1:
        return None
    import multiprocessing

    return multiprocessing.get_context("fork").Pool(jobs)
