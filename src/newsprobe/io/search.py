"""Full-text search over a store with filters: the one search behind `newsprobe search`, the web corpus page and
`/api/search`.

Every value from a user is a bound parameter; the SQL text is built only from fixed fragments. Filters on layers and
labels are generic ("the article has a span with layer X and label Y"), so a layer added later is searchable on the
day it lands.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from newsprobe.core.errors import NewsprobeError

MARKS = ("\x02", "\x03")  # control characters never occur in clean text (readers drop them), unlike brackets
# Bounded work: a query of many prefix terms (`a* b* c* ... z*`) makes FTS5 merge the posting lists of most of the
# vocabulary; the term limit refuses the absurd ones at once and the time budget stops whatever else runs long.
SEARCH_BUDGET_S = 5.0
MAX_TERMS = 32
MAX_PREFIX_TERMS = 8
_PROGRESS_STEPS = 2_000  # SQLite virtual-machine steps between two looks at the clock
ANONYMOUS = "anonymous"
# Messages SQLite gives for a MATCH expression it cannot parse; other errors (locked, I/O) are real.
_QUERY_ERRORS = ("fts5", "unterminated string", "unknown special query", "no such column", "malformed match")


@dataclass
class SearchHit:
    """One search result; `score` is the negated bm25 rank, so higher means more relevant (0 without a query);
    `snippet` carries the marks around matches (the article's start when browsing without a query)."""

    id: str
    title: str | None
    outlet: str | None
    published: str | None
    snippet: str
    score: float


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



def quote_terms(query: str) -> str:
    """Turn untrusted text into a safe FTS5 query: every whitespace-separated term becomes a phrase."""
    return " ".join('"' + term.replace('"', '""') + '"' for term in query.split())


def is_query_error(exc: sqlite3.OperationalError) -> bool:
    message = str(exc).lower()
    return any(marker in message for marker in _QUERY_ERRORS)


def check_terms(query: str) -> None:
    """Refuse a query with more terms, or more prefix terms, than a search may cost (NewsprobeError, a 422 on the
    web)."""
    terms = query.split()
    if len(terms) > MAX_TERMS:
        raise NewsprobeError(f"too many search terms: {len(terms)} (at most {MAX_TERMS})")
    prefixes = sum(1 for t in terms if t.rstrip('")').endswith("*"))
    if prefixes > MAX_PREFIX_TERMS:
        raise NewsprobeError(f"too many prefix terms (word*): {prefixes} (at most {MAX_PREFIX_TERMS})")


class _Deadline:
    """A SQLite progress handler that interrupts the statement running when the budget is spent."""

    def __init__(self, budget_s: float) -> None:
        self.budget_s = budget_s
        self.end = time.monotonic() + budget_s
        self.hit = False

    def __call__(self) -> int:
        if time.monotonic() > self.end:
            self.hit = True
            return 1
        return 0


def search(db: sqlite3.Connection, filters: Filters, limit: int = 20, offset: int = 0,
           marks: tuple[str, str] = MARKS, budget_s: float | None = SEARCH_BUDGET_S) -> tuple[int, list[SearchHit]]:
    """The search, stopped with a NewsprobeError when it takes longer than `budget_s` seconds (None: no limit)."""
    check_terms(filters.q)
    if budget_s is None:
        return _search(db, filters, limit, offset, marks)
    deadline = _Deadline(budget_s)
    db.set_progress_handler(deadline, _PROGRESS_STEPS)
    try:
        return _search(db, filters, limit, offset, marks)
    except sqlite3.OperationalError as exc:
        if deadline.hit or "interrupted" in str(exc).lower():
            raise NewsprobeError(
                f"search stopped: it took longer than {budget_s:g} s; use fewer or longer prefix terms, or a filter"
            ) from None
        raise
    finally:
        db.set_progress_handler(None, 0)


def _search(db: sqlite3.Connection, filters: Filters, limit: int = 20, offset: int = 0,
            marks: tuple[str, str] = MARKS) -> tuple[int, list[SearchHit]]:
    """(total, hits of the page). With a query: bm25 order, snippets around the matches. Without one:
    the newest articles matching the filters, so the corpus page is useful before the first search.

    The query may use FTS5 syntax (`"a phrase"`, `word*`, `title:word`, `AND`/`OR`/`NOT`); one that does not parse
    is retried with each term quoted, so user input never crashes a search; NewsprobeError if even that fails (the
    web shows it as a 422, never a 500). `marks` go around each match in the snippets.
    """
    where, params = filters.sql()
    if not filters.q.strip():
        total = db.execute(f"SELECT COUNT(*) FROM articles a WHERE 1{where}", params).fetchone()[0]
        rows = db.execute(
            "SELECT a.id, a.title, a.outlet, a.published, substr(a.text, 1, 400), 0.0 FROM articles a "
            f"WHERE 1{where} ORDER BY a.published IS NULL, a.published DESC, a.seq DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        ).fetchall()
        return total, [SearchHit(*row) for row in rows]
    # CROSS JOIN pins the full-text index as the outer loop. Left to itself, SQLite may drive from the outlet
    # index and re-run the MATCH once per candidate row, which for a prefix query (`displac*`) cost 10x more.
    base = f"FROM articles_fts CROSS JOIN articles a ON a.seq = articles_fts.rowid WHERE articles_fts MATCH ?{where}"

    def run(q: str) -> tuple[int, list[SearchHit]]:
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
        slots = ",".join("?" * len(page))
        snips = dict(
            db.execute(
                "SELECT articles_fts.rowid, snippet(articles_fts, -1, ?, ?, '…', 16) FROM articles_fts "
                f"WHERE articles_fts MATCH ? AND articles_fts.rowid IN ({slots})",
                [*marks, q, *(r[0] for r in page)],
            ).fetchall()
        )
        meta = {
            r[0]: r[1:]
            for r in db.execute(
                f"SELECT seq, id, title, outlet, published FROM articles WHERE seq IN ({slots})",
                [r[0] for r in page],
            )
        }
        return total, [SearchHit(*meta[seq], snips.get(seq, ""), -rank) for seq, rank in page]

    return _with_fallback(run, filters.q)


def _with_fallback(run: Callable[[str], Any], query: str) -> Any:
    try:
        return run(query)
    except sqlite3.OperationalError as exc:
        if not is_query_error(exc):
            raise
    check_terms(quote_terms(query))
    try:
        return run(quote_terms(query))
    except sqlite3.OperationalError as exc:
        if not is_query_error(exc):
            raise
        raise NewsprobeError(f"cannot search for {query!r}: {exc}") from exc
