"""Read-side queries the web view needs beyond `Store`: filtered search, facets and per-outlet statistics.

They run on the store's own connection (one `Store` per request, opened and closed on the worker thread
that serves it, because sqlite3 connections belong to one thread). Every value from a request is a bound
parameter; the SQL text itself is built only from fixed fragments. Filters on layers and labels are generic
("the article has a span with layer X and label Y"), so a layer added later is searchable on the day it
lands. Facets and outlet statistics scan all spans, so they are cached per store state (the highest
article `seq`, which only grows) and recomputed when an article is added.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from newsprobe.errors import NewsprobeError
from newsprobe.store import SearchHit, Store, _is_query_error, _quote_terms

MARKS = ("\x02", "\x03")  # control characters never occur in clean text, unlike brackets
ANONYMOUS = "anonymous"


@dataclass
class Filters:
    """What the corpus page and `/api/search` can ask for; every field optional."""

    q: str = ""
    outlet: str | None = None
    date_from: date | None = None
    date_to: date | None = None  # inclusive
    layer: str | None = None
    label: str | None = None  # only together with `layer`, so the (layer, label) index serves it
    anonymous: bool = False  # has an attribution span whose attrs.source_type is "anonymous"
    probe: bool = False  # True only once `ensure_index` succeeded: without that index EXISTS scans per article

    def sql(self) -> tuple[str, list[Any]]:
        """` AND ...` clauses over the `articles a` alias, with their parameters.

        With the covering index, "has a span with this label" is one index probe per candidate article (EXISTS),
        which stays fast however common the label is. Without that index EXISTS would scan every span of the
        label for each article (minutes), so the IN list of matching article ids is used instead.
        """
        clauses: list[str] = []
        params: list[Any] = []
        if self.outlet:
            clauses.append("a.outlet = ?")
            params.append(self.outlet)
        if self.date_from:
            clauses.append("a.published >= ?")  # ISO strings sort like the dates they spell
            params.append(self.date_from.isoformat())
        if self.date_to:
            clauses.append("a.published < ?")
            params.append((self.date_to + timedelta(days=1)).isoformat())
        if self.layer:
            if self.label and self.probe:
                clauses.append(
                    "EXISTS (SELECT 1 FROM spans s WHERE s.layer = ? AND s.label = ? AND s.article_id = a.id)"
                )
                params += [self.layer, self.label]
            elif self.label:
                clauses.append("a.id IN (SELECT s.article_id FROM spans s WHERE s.layer = ? AND s.label = ?)")
                params += [self.layer, self.label]
            else:  # a layer alone cannot probe (label sits between): one scan of the layer's index entries
                clauses.append("a.id IN (SELECT s.article_id FROM spans s WHERE s.layer = ?)")
                params.append(self.layer)
        if self.anonymous:
            clauses.append(
                "a.id IN (SELECT article_id FROM spans WHERE layer = 'attribution' "
                "AND json_extract(attrs, '$.source_type') = ?)"
            )
            params.append(ANONYMOUS)
        return "".join(" AND " + c for c in clauses), params


# One result, as the store's own search gives it; `snippet` carries `MARKS` around matches (none when
# browsing without a query).
Hit = SearchHit


SPAN_INDEX = "spans_layer_label_article"


def ensure_index(path: str | Path) -> bool:
    """Add the covering index (layer, label, article_id) on spans that the "has a span" filter probes.

    The store's own (layer, label) index lacks the article id, so filtering 10,000 articles by a common label
    cost ~300 ms in table lookups; with this index it costs ~15 ms. Created once (about 1.5 s per million
    spans); False when the store cannot be written (then the filter still works, only slower).
    """
    db = sqlite3.connect(str(path), timeout=30.0)
    try:
        db.execute(f"CREATE INDEX IF NOT EXISTS {SPAN_INDEX} ON spans (layer, label, article_id)")
        db.commit()
        return True
    except sqlite3.OperationalError:
        exists = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (SPAN_INDEX,)).fetchone()
        return exists is not None
    finally:
        db.close()


def connection(store: Store) -> sqlite3.Connection:
    """The store's connection (opened on this thread), for read-only queries."""
    return store.connection


def search(store: Store, filters: Filters, limit: int, offset: int) -> tuple[int, list[Hit]]:
    """(total, hits of the page). With a query: bm25 order, snippets around the matches. Without one:
    the newest articles matching the filters, so the corpus page is useful before the first search.

    An unparseable FTS5 query is retried with each term quoted, as `Store.search` does; NewsprobeError
    if even that fails (the caller shows it as a 422, never a 500).
    """
    db = connection(store)
    where, params = filters.sql()
    if not filters.q.strip():
        total = db.execute(f"SELECT COUNT(*) FROM articles a WHERE 1{where}", params).fetchone()[0]
        rows = db.execute(
            "SELECT a.id, a.title, a.outlet, a.published, substr(a.text, 1, 400), 0.0 FROM articles a "
            f"WHERE 1{where} ORDER BY a.published IS NULL, a.published DESC, a.seq DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        ).fetchall()
        return total, [Hit(*row) for row in rows]
    # CROSS JOIN pins the full-text index as the outer loop. Left to itself, SQLite may drive from the outlet
    # index and re-run the MATCH once per candidate row, which for a prefix query (`displac*`) cost 10x more.
    base = f"FROM articles_fts CROSS JOIN articles a ON a.seq = articles_fts.rowid WHERE articles_fts MATCH ?{where}"

    def run(q: str) -> tuple[int, list[Hit]]:
        total = db.execute(f"SELECT COUNT(*) {base}", [q, *params]).fetchone()[0]
        if total == 0 or offset >= total:
            return total, []
        # Rank first, then build snippets for the page only: snippet() is the costly part of a search.
        page = db.execute(
            f"SELECT a.seq, bm25(articles_fts, 2.0, 1.0) AS rank {base} ORDER BY rank LIMIT ? OFFSET ?",
            [q, *params, limit, offset],
        ).fetchall()
        if not page:
            return total, []
        marks = ",".join("?" * len(page))
        snips = dict(
            db.execute(
                "SELECT articles_fts.rowid, snippet(articles_fts, -1, ?, ?, '…', 16) FROM articles_fts "
                f"WHERE articles_fts MATCH ? AND articles_fts.rowid IN ({marks})",
                [*MARKS, q, *(r[0] for r in page)],
            ).fetchall()
        )
        meta = {
            r[0]: r[1:]
            for r in db.execute(
                f"SELECT seq, id, title, outlet, published FROM articles WHERE seq IN ({marks})",
                [r[0] for r in page],
            )
        }
        return total, [Hit(*meta[seq], snips.get(seq, ""), -rank) for seq, rank in page]

    return _with_fallback(run, filters.q)


def _with_fallback(run: Callable[[str], Any], query: str) -> Any:
    try:
        return run(query)
    except sqlite3.OperationalError as exc:
        if not _is_query_error(exc):
            raise
    try:
        return run(_quote_terms(query))
    except sqlite3.OperationalError as exc:
        if not _is_query_error(exc):
            raise
        raise NewsprobeError(f"cannot search for {query!r}: {exc}") from exc


# -- cached aggregates ------------------------------------------------------------------------------


@dataclass
class OutletStats:
    """Per-outlet figures for the outlets page and `/api/outlets`."""

    outlet: str | None
    articles: int
    words: int
    attributions: int
    anonymous: int
    techniques: int
    first_published: str | None
    last_published: str | None
    months: dict[str, int] = field(default_factory=dict)

    @property
    def anonymous_share(self) -> float | None:
        """Share of attributed statements with an anonymous source; None when the outlet has none."""
        return round(self.anonymous / self.attributions, 4) if self.attributions else None

    def techniques_per_1000_words(self, layer_exists: bool) -> float | None:
        """Propaganda-technique spans per 1,000 words; None when no article has that layer yet."""
        if not layer_exists or not self.words:
            return None
        return round(self.techniques / self.words * 1000, 3)


@dataclass
class Aggregates:
    """Everything that needs a scan of the whole store, computed once per store state."""

    outlets: list[OutletStats]
    facets: list[tuple[str, str, int]]  # (layer, label, spans), by layer then label
    layers: list[str]
    articles: int

    @property
    def has_techniques(self) -> bool:
        return "technique" in self.layers


class AggregateCache:
    """Aggregates keyed by the store's highest article `seq`; one computation at a time.

    Articles are only ever added (ids are content hashes, never rewritten), so a new `max(seq)` is exactly
    "something changed"; checking it is one index lookup per request.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[int, int] | None = None
        self._value: Aggregates | None = None

    def get(self, store: Store) -> Aggregates:
        db = connection(store)
        key = tuple(db.execute("SELECT COALESCE(MAX(seq), 0), COUNT(*) FROM articles").fetchone())
        with self._lock:
            if self._value is None or self._key != key:
                self._value = compute(db)
                self._key = key  # type: ignore[assignment]
            return self._value


def compute(db: sqlite3.Connection) -> Aggregates:
    """One pass of GROUP BY queries; each uses an index on (outlet) or on spans (layer, label)."""
    stats: dict[str | None, OutletStats] = {}
    for outlet, n, words, first, last in db.execute(
        "SELECT outlet, COUNT(*), COALESCE(SUM(json_extract(summary, '$.words')), 0), "
        "MIN(published), MAX(published) FROM articles GROUP BY outlet"
    ):
        stats[outlet] = OutletStats(outlet, n, int(words or 0), 0, 0, 0, first, last)
    for outlet, n, anon in db.execute(
        "SELECT a.outlet, COUNT(*), SUM(json_extract(s.attrs, '$.source_type') = ?) "
        "FROM spans s JOIN articles a ON a.id = s.article_id WHERE s.layer = 'attribution' GROUP BY a.outlet",
        (ANONYMOUS,),
    ):
        if outlet in stats:
            stats[outlet].attributions, stats[outlet].anonymous = n, int(anon or 0)
    for outlet, n in db.execute(
        "SELECT a.outlet, COUNT(*) FROM spans s JOIN articles a ON a.id = s.article_id "
        "WHERE s.layer = 'technique' GROUP BY a.outlet"
    ):
        if outlet in stats:
            stats[outlet].techniques = n
    for outlet, month, n in db.execute(
        "SELECT outlet, substr(published, 1, 7) AS m, COUNT(*) FROM articles "
        "WHERE published GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]*' GROUP BY outlet, m"
    ):
        if outlet in stats:
            stats[outlet].months[month] = n
    facets = [tuple(r) for r in db.execute("SELECT layer, label, COUNT(*) FROM spans GROUP BY layer, label")]
    layers = sorted({f[0] for f in facets})
    ordered = sorted(stats.values(), key=lambda s: (-s.articles, s.outlet is None, s.outlet or ""))
    total = sum(s.articles for s in ordered)
    return Aggregates(ordered, facets, layers, total)  # type: ignore[arg-type]
