"""Aggregates the web view shows beside search results: facets, layers and the outlets table, cached per store state.

Facets and outlet figures scan all spans, so they are computed once per store state (the highest article `seq`, the
article count and the count of article updates, which a re-ingest with better metadata bumps) and again only when an
article is added or updated. Search itself is `newsprobe.io.search`, the
outlet figures `newsprobe.corpus.outlets`: the CLI uses the same two.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass

from newsprobe.corpus.outlets.figures import OutletStats, outlet_stats
from newsprobe.io.store import Store


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
    """Aggregates keyed by the store's highest article `seq`, its article count and its count of article updates; one
    computation at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[int, int, int] | None = None
        self._value: Aggregates | None = None

    def get(self, store: Store) -> Aggregates:
        db = store.connection
        key = tuple(db.execute(
            "SELECT COALESCE(MAX(seq), 0), COUNT(*), "
            "(SELECT value FROM store_state WHERE key = 'article_updates') FROM articles"
        ).fetchone())
        with self._lock:
            if self._value is None or self._key != key:
                self._value = compute(db)
                self._key = key  # type: ignore[assignment]
            return self._value


def compute(db: sqlite3.Connection) -> Aggregates:
    outlets = outlet_stats(db)
    facets = [tuple(r) for r in db.execute("SELECT layer, label, COUNT(*) FROM spans GROUP BY layer, label")]
    layers = sorted({f[0] for f in facets})
    return Aggregates(outlets, facets, layers, sum(s.articles for s in outlets))  # type: ignore[arg-type]
