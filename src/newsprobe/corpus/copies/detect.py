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
from collections import OrderedDict
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


@dataclass
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
    return Node(key, rec.id, rec.outlet, rec.url, rec.published, rec.title, credits)


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


def verify(i: np.ndarray, j: np.ndarray, prepared: Prepared) -> Iterator[Link]:
    """Align each candidate pair, component by component of the candidate graph; yield the pairs that relate."""
    if not len(i):
        return
    comp = _components(i, j)
    order = np.argsort(comp[i], kind="stable")
    i, j = i[order], j[order]
    chunk = max(1, prepared.size // 4)
    for s in range(0, len(i), chunk):
        a, b = i[s: s + chunk], j[s: s + chunk]
        prepared.warm(np.concatenate([a, b]).tolist())
        for x, y in zip(a.tolist(), b.tolist(), strict=True):
            rel = relate(prepared.get(x), prepared.get(y))
            if rel is not None:
                yield Link(x, y, rel)


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


def find_families(records: Iterable[Record], progress: Callable[[str, int], None] | None = None
                  ) -> tuple[list[dict[str, Any]], Stats]:
    """Families (the `newsprobe families` JSON shape) of a corpus given as records."""
    stats = Stats()
    tick = progress or (lambda stage, n: None)
    spool = Spool()
    try:
        meta: list[Record] = []
        owners, values, words = [], [], []
        t0 = time.perf_counter()
        batch: list[Record] = []

        def flush() -> None:
            sk = sketch.sketch([r.text for r in batch])
            owners.append((sk.owner + len(meta) - len(batch)).astype(np.int32))
            values.append(sk.value)
            words.append(sk.words)
            batch.clear()

        for rec in records:
            if len(rec.text) > MAX_TEXT_CHARS:
                rec.text = rec.text[:MAX_TEXT_CHARS]
            spool.add(rec.text)
            meta.append(Record(rec.id, "", rec.outlet, rec.url, rec.published, rec.title, tuple(rec.removed)))
            batch.append(rec)
            if len(batch) >= BATCH:
                flush()
                tick("sketch", len(meta))
        if batch:
            flush()
        stats.texts = len(meta)
        stats.seconds["sketch"] = time.perf_counter() - t0
        if not meta:
            return [], stats
        owner = np.concatenate(owners)
        value = np.concatenate(values)
        owners.clear()
        values.clear()
        stats.fingerprints = len(value)
        t0 = time.perf_counter()
        ids = np.array([r.id for r in meta])
        rank = np.empty(len(ids), dtype=np.int64)
        rank[np.argsort(ids, kind="stable")] = np.arange(len(ids))
        del ids
        ci, cj, _ = candidates.pairs(owner, value, rank)
        del owner, value
        stats.candidates = len(ci)
        stats.seconds["candidates"] = time.perf_counter() - t0
        tick("candidates", len(ci))
        t0 = time.perf_counter()
        prepared = Prepared(spool.get)
        links = []
        for n, link in enumerate(verify(ci, cj, prepared), 1):
            links.append(link)
            if n % 10000 == 0:
                tick("aligned", n)
        stats.compared = len(ci)
        stats.links = len(links)
        stats.seconds["align"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        keys = sorted({k for link in links for k in (link.a, link.b)})
        nodes = {}
        for k in keys:
            rec = meta[k]
            cached = prepared.cache.get(k)
            text_credits = cached.credits if cached is not None else None
            if text_credits is None:
                text_credits = [c.to_dict() for c in find_credits(spool.get(k))]
            nodes[k] = node_of(k, rec, text_credits)
        families = build(nodes, links)
        stats.seconds["families"] = time.perf_counter() - t0
        return families, stats
    finally:
        spool.close()
