"""The figure index: one row per (kind, value bucket) a numeric claim's quantity covers, so that finding the claims
that may report the same figure is one index range, not a scan of every claim (store migration 6, table
`claim_figures`).

The index is derived data, kept up to date from the spans table: new articles are added incrementally; anything else
(articles re-analysed, re-ingested with other metadata, removed) rebuilds it, which takes about a second per 10,000
claims. A store opened read-only whose index is stale gets it written through a connection of its own when the file
allows, and otherwise a temporary copy for the session (nothing written to the file).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from newsprobe.corpus.corroborate import ranges
from newsprobe.io.store import writer_for

TABLE_SQL = """CREATE {temp} TABLE IF NOT EXISTS claim_figures (
    kind TEXT NOT NULL, bucket INTEGER NOT NULL, article_id TEXT NOT NULL, start INTEGER NOT NULL,
    "end" INTEGER NOT NULL, q INTEGER NOT NULL, lo REAL NOT NULL, hi REAL NOT NULL, day_from TEXT, day_to TEXT,
    PRIMARY KEY (kind, bucket, article_id, start, q)
) WITHOUT ROWID"""


@dataclass(frozen=True)
class Figure:
    """One quantity of one claim span, as indexed."""

    article_id: str
    start: int  # the claim span's offsets in its article
    end: int
    q: int  # position in the span's `attrs.quantities`
    kind: str
    lo: float
    hi: float
    window: tuple[str, str] | None


def figures_of(article_id: str, published: str | None, claims: Iterable[tuple[int, int, dict]],
               granularity: dict[tuple[int, int], str]) -> Iterator[Figure]:
    """The indexable quantities of an article's claim spans. `granularity`: the date layer's granularity of each of
    its spans, by (start, end), so that "in 2015" is the whole year."""
    for start, end, attrs in claims:
        quantities = attrs.get("quantities") if isinstance(attrs, dict) else None
        for i, q in enumerate(quantities if isinstance(quantities, list) else []):
            fig = figure(article_id, start, end, i, q, published, granularity)
            if fig is not None:
                yield fig


def figure(article_id: str, start: int, end: int, i: int, q: Any, published: str | None,
           granularity: dict[tuple[int, int], str]) -> Figure | None:
    if not isinstance(q, dict):
        return None
    kind, span = ranges.kind(q), ranges.interval(q)
    if kind is None or span is None:
        return None
    when = q.get("when") if isinstance(q.get("when"), dict) else None
    gran = granularity.get((when.get("start"), when.get("end"))) if when else None
    return Figure(article_id, start, end, i, kind, span[0], span[1], ranges.window(when, gran, published))


def _state(db: sqlite3.Connection) -> dict[str, int]:
    arts = db.execute("SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM articles").fetchone()
    spans = db.execute("SELECT COALESCE(MAX(rowid), 0) FROM spans").fetchone()[0]
    updates = db.execute("SELECT value FROM store_state WHERE key = 'article_updates'").fetchone()
    return {"articles": arts[0], "max_seq": arts[1], "max_span": spans, "updates": int(updates[0] if updates else 0)}


def _stored_state(db: sqlite3.Connection) -> dict[str, int] | None:
    row = db.execute("SELECT value FROM claim_figures_state WHERE key = 'state'").fetchone()
    return json.loads(row[0]) if row else None


def is_fresh(db: sqlite3.Connection) -> bool:
    return _stored_state(db) == _state(db)


def ensure(db: sqlite3.Connection) -> str:
    """Bring the index up to date; says how: "fresh", "added N articles", "rebuilt", or "temporary" (a read-only
    store: an index for this connection only)."""
    if _has_temp(db):
        return "temporary"
    migrated = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'claim_figures_state'").fetchone() is not None
    if migrated and is_fresh(db):
        return "fresh"
    if migrated:
        try:
            return _update(db)
        except sqlite3.OperationalError as exc:
            if "readonly" not in str(exc).lower() and "read-only" not in str(exc).lower():
                raise
    writer = writer_for(db) if migrated else None
    if writer is not None:
        try:
            return _update(writer)
        except sqlite3.OperationalError:
            pass
        finally:
            writer.close()
        if is_fresh(db):
            return "rebuilt"
    db.execute(TABLE_SQL.format(temp="TEMP"))
    _fill(db, None)
    return "temporary"


def _has_temp(db: sqlite3.Connection) -> bool:
    return db.execute("SELECT 1 FROM sqlite_temp_master WHERE name = 'claim_figures'").fetchone() is not None



def _update(db: sqlite3.Connection) -> str:
    db.execute("BEGIN IMMEDIATE")
    try:
        old, now = _stored_state(db), _state(db)  # read inside the write lock: another process may have just done it
        if old == now:
            db.execute("COMMIT")
            return "fresh"
        if old is not None and _only_added(db, old, now):
            added = _fill(db, old["max_seq"])
            how = f"added {added} article(s)"
        else:
            db.execute("DELETE FROM claim_figures")
            _fill(db, None)
            how = "rebuilt"
        db.execute("INSERT OR REPLACE INTO claim_figures_state (key, value) VALUES ('state', ?)", (json.dumps(now),))
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return how


def _only_added(db: sqlite3.Connection, old: dict[str, int], now: dict[str, int]) -> bool:
    """Whether the store only gained articles (with their spans) since the index was written."""
    if old.get("updates") != now["updates"] or now["max_seq"] < old.get("max_seq", 0):
        return False
    new = db.execute("SELECT COUNT(*) FROM articles WHERE seq > ?", (old["max_seq"],)).fetchone()[0]
    if now["articles"] - old["articles"] != new:
        return False
    touched_old = db.execute(
        "SELECT COUNT(*) FROM spans s JOIN articles a ON a.id = s.article_id WHERE s.rowid > ? AND a.seq <= ?",
        (old["max_span"], old["max_seq"])).fetchone()[0]
    return touched_old == 0


def _fill(db: sqlite3.Connection, after_seq: int | None) -> int:
    """Index the claims of the articles stored after `after_seq` (all of them for None); returns the articles read."""
    where, args = ("WHERE a.seq > ?", (after_seq,)) if after_seq is not None else ("", ())
    rows = db.execute(
        f"SELECT a.id, a.published, s.layer, s.start, s.\"end\", s.attrs FROM articles a JOIN spans s "
        f"ON s.article_id = a.id AND s.layer IN ('claim', 'date') {where} ORDER BY a.seq", args)
    articles = 0
    batch: list[tuple] = []
    current: tuple[str, str | None] | None = None
    claims: list[tuple[int, int, dict]] = []
    grans: dict[tuple[int, int], str] = {}

    def flush() -> None:
        if current is None:
            return
        for fig in figures_of(current[0], current[1], claims, grans):
            cover = ranges.buckets((fig.lo, fig.hi))
            for b in cover or ():
                batch.append((fig.kind, b, fig.article_id, fig.start, fig.end, fig.q, fig.lo, fig.hi,
                              *(fig.window or (None, None))))

    for article_id, published, layer, start, end, attrs in rows:
        if current is None or current[0] != article_id:
            flush()
            current, claims, grans = (article_id, published), [], {}
            articles += 1
        try:
            parsed = json.loads(attrs)
        except (TypeError, ValueError):
            continue
        if layer == "claim":
            claims.append((start, end, parsed))
        elif isinstance(parsed, dict) and parsed.get("granularity"):
            grans[(start, end)] = parsed["granularity"]
        if len(batch) > 5000:
            _insert(db, batch)
            batch = []
    flush()
    _insert(db, batch)
    return articles


def _insert(db: sqlite3.Connection, rows: list[tuple]) -> None:
    db.executemany("INSERT OR REPLACE INTO claim_figures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def candidates(db: sqlite3.Connection, fig: Figure) -> list[Figure]:
    """The indexed figures of the same kind whose interval and window overlap `fig`'s (itself included)."""
    cover = ranges.buckets((fig.lo, fig.hi))
    if cover is None:
        return []
    rows = db.execute(
        'SELECT DISTINCT article_id, start, "end", q, lo, hi, day_from, day_to FROM claim_figures '
        "WHERE kind = ? AND bucket BETWEEN ? AND ? AND lo <= ? AND hi >= ?",
        (fig.kind, cover.start, cover.stop - 1, fig.hi, fig.lo))
    found = []
    for article_id, start, end, q, lo, hi, day_from, day_to in rows:
        win = (day_from, day_to) if day_from is not None else None
        if ranges.same_window(fig.window, win):
            found.append(Figure(article_id, start, end, q, fig.kind, lo, hi, win))
    return found
