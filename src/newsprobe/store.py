"""SQLite store: one file holding articles, their spans, a full-text index and the ingest failures.

Why SQLite: a corpus of hundreds of thousands of articles must be searchable and resumable without a
server. Every write of a batch is one transaction and the article id is the primary key, so a process
killed at any moment (even SIGKILL) leaves either whole articles or none, and re-running the ingest
simply skips what is already stored.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from newsprobe.errors import NewsprobeError
from newsprobe.model import Article, Removed, Span

SCHEMA_VERSION = 1
MIN_PREFIX = 6

# `seq` is an INTEGER PRIMARY KEY (a rowid alias) rather than the implicit rowid: VACUUM may renumber an
# implicit rowid, which would silently break the external-content FTS index that points at it.
_SCHEMA = [
    """CREATE TABLE IF NOT EXISTS articles (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        source TEXT, url TEXT, outlet TEXT, title TEXT, section TEXT, published TEXT, language TEXT,
        text TEXT NOT NULL,
        removed TEXT NOT NULL DEFAULT '[]',
        summary TEXT NOT NULL DEFAULT '{}',
        added_at TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS articles_outlet ON articles (outlet)",
    """CREATE TABLE IF NOT EXISTS spans (
        article_id TEXT NOT NULL REFERENCES articles (id),
        layer TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
        label TEXT NOT NULL, text TEXT NOT NULL, attrs TEXT NOT NULL DEFAULT '{}'
    )""",
    "CREATE INDEX IF NOT EXISTS spans_article ON spans (article_id)",
    # Covering index for "articles that have a span of layer X with label Y" (the web filters, outlet stats).
    "CREATE INDEX IF NOT EXISTS spans_layer_label_article ON spans (layer, label, article_id)",
    """CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5 (
        title, text, content='articles', content_rowid='seq'
    )""",
    # Triggers keep the index in the same transaction as the row, so the two can never disagree.
    """CREATE TRIGGER IF NOT EXISTS articles_ai AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts (rowid, title, text) VALUES (new.seq, new.title, new.text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS articles_ad AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, text)
        VALUES ('delete', old.seq, old.title, old.text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS articles_au AFTER UPDATE ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, text)
        VALUES ('delete', old.seq, old.title, old.text);
        INSERT INTO articles_fts (rowid, title, text) VALUES (new.seq, new.title, new.text);
    END""",
    """CREATE TABLE IF NOT EXISTS failures (
        source TEXT NOT NULL, reason TEXT NOT NULL, at TEXT NOT NULL
    )""",
]

_PLAIN_FIELDS = ("id", "source", "url", "outlet", "title", "section", "published", "language", "text")
_ARTICLE_COLS = ", ".join(_PLAIN_FIELDS) + ", removed, summary"

# Messages SQLite gives for a MATCH expression it cannot parse; other errors (locked, I/O) are real.
_QUERY_ERRORS = ("fts5", "unterminated string", "unknown special query", "no such column", "malformed match")


@dataclass
class SearchHit:
    """One search result; `score` is the negated bm25 rank, so higher means more relevant."""

    id: str
    title: str | None
    outlet: str | None
    published: str | None
    snippet: str
    score: float


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _quote_terms(query: str) -> str:
    """Turn untrusted text into a safe FTS5 query: every whitespace-separated term becomes a phrase."""
    return " ".join('"' + term.replace('"', '""') + '"' for term in query.split())


def _is_query_error(exc: sqlite3.OperationalError) -> bool:
    message = str(exc).lower()
    return any(marker in message for marker in _QUERY_ERRORS)


class Store:
    """An open newsprobe database. Use as a context manager; not shared between threads."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so a batch is exactly one transaction.
        self._db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA busy_timeout = 30000")
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = NORMAL")
        self._db.execute("PRAGMA foreign_keys = ON")
        self._migrate()

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            self._db.close()
            raise NewsprobeError(
                f"{self.path}: store schema version {version} is newer than this newsprobe supports "
                f"({SCHEMA_VERSION}); upgrade newsprobe"
            )
        if version == SCHEMA_VERSION:
            return
        with self._transaction():
            for statement in _SCHEMA:
                self._db.execute(statement)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    @property
    def connection(self) -> sqlite3.Connection:
        """The open connection, for read-only queries the Store has no method for (the web view's filters)."""
        return self._db

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- membership -----------------------------------------------------------------------------------

    def has(self, article_id: str) -> bool:
        return self._db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def existing(self, ids: Iterable[str]) -> set[str]:
        """Which of `ids` are stored; lets the caller skip expensive analysis of articles it already has."""
        found: set[str] = set()
        wanted = list(dict.fromkeys(ids))
        chunk = 500  # stays well under SQLite's limit on bound parameters
        for i in range(0, len(wanted), chunk):
            part = wanted[i : i + chunk]
            marks = ",".join("?" * len(part))
            rows = self._db.execute(f"SELECT id FROM articles WHERE id IN ({marks})", part)
            found.update(row[0] for row in rows)
        return found

    def count(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    # -- writing --------------------------------------------------------------------------------------

    def add_many(self, articles: Iterable[Article]) -> tuple[int, int]:
        """Store articles in one transaction; return (stored, duplicates skipped).

        ON CONFLICT (id) DO NOTHING makes re-running an interrupted ingest harmless (unlike INSERT OR IGNORE
        it skips only a duplicate id, never hides a NOT NULL violation), and spans are written only when the
        article row was new, so a duplicate never doubles its spans. Any error rolls the whole batch back.
        """
        stored = skipped = 0
        added_at = _now()
        with self._transaction():
            for art in articles:
                cur = self._db.execute(
                    f"INSERT INTO articles ({_ARTICLE_COLS}, added_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                    (
                        art.id,
                        art.source,
                        art.url,
                        art.outlet,
                        art.title,
                        art.section,
                        art.published,
                        art.language,
                        art.text,
                        json.dumps([asdict(r) for r in art.removed], ensure_ascii=False),
                        json.dumps(art.summary, ensure_ascii=False),
                        added_at,
                    ),
                )
                if cur.rowcount != 1:
                    skipped += 1
                    continue
                stored += 1
                self._db.executemany(
                    'INSERT INTO spans (article_id, layer, start, "end", label, text, attrs) '
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [
                        (
                            art.id,
                            s.layer,
                            s.start,
                            s.end,
                            s.label,
                            s.text,
                            json.dumps(s.attrs, ensure_ascii=False),
                        )
                        for s in art.spans
                    ],
                )
        return stored, skipped

    def record_failure(self, source: str, reason: str) -> None:
        """Keep an ingest failure so the run's report can list it even after a restart."""
        with self._transaction():
            self._db.execute(
                "INSERT INTO failures (source, reason, at) VALUES (?, ?, ?)", (source, reason, _now())
            )

    def failures(self) -> list[tuple[str, str]]:
        return [tuple(row) for row in self._db.execute("SELECT source, reason FROM failures ORDER BY rowid")]

    # -- reading --------------------------------------------------------------------------------------

    def get(self, article_id: str) -> Article | None:
        """Article by id, or by a unique id prefix of at least 6 characters (like git); None if absent.

        An ambiguous prefix raises NewsprobeError naming the candidates rather than guessing.
        """
        row = self._db.execute(
            f"SELECT seq, {_ARTICLE_COLS} FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None and len(article_id) >= MIN_PREFIX:
            # Range scan on the unique index; chr(0x10FFFF) sorts after any text that extends the prefix.
            rows = self._db.execute(
                f"SELECT seq, {_ARTICLE_COLS} FROM articles WHERE id >= ? AND id < ? ORDER BY id LIMIT 6",
                (article_id, article_id + chr(0x10FFFF)),
            ).fetchall()
            if len(rows) > 1:
                ids = ", ".join(r["id"] for r in rows[:5])
                raise NewsprobeError(
                    f"id prefix {article_id!r} is ambiguous: {ids}{', ...' if len(rows) > 5 else ''}"
                )
            row = rows[0] if rows else None
        if row is None:
            return None
        return self._build([row])[0]

    def iter_articles(self, batch_size: int = 500) -> Iterator[Article]:
        """Every article in insertion order, fetched `batch_size` at a time so memory stays bounded.

        Keyset paging on `seq` (not OFFSET) keeps each batch an index seek, and no cursor stays open
        across a yield, so the caller may write to the store while iterating.
        """
        last = 0
        while True:
            rows = self._db.execute(
                f"SELECT seq, {_ARTICLE_COLS} FROM articles WHERE seq > ? ORDER BY seq LIMIT ?",
                (last, batch_size),
            ).fetchall()
            if not rows:
                return
            last = rows[-1]["seq"]
            yield from self._build(rows)

    def _build(self, rows: list[sqlite3.Row]) -> list[Article]:
        """Articles from article rows, with their spans loaded in one query for the whole batch."""
        ids = [row["id"] for row in rows]
        spans: dict[str, list[Span]] = {i: [] for i in ids}
        marks = ",".join("?" * len(ids))
        for aid, layer, start, end, label, text, attrs in self._db.execute(
            f'SELECT article_id, layer, start, "end", label, text, attrs FROM spans '
            f"WHERE article_id IN ({marks}) ORDER BY rowid",
            ids,
        ):
            spans[aid].append(Span(layer, start, end, label, text, json.loads(attrs)))
        return [
            Article(
                **{name: row[name] for name in _PLAIN_FIELDS},
                removed=[Removed(**r) for r in json.loads(row["removed"])],
                spans=spans[row["id"]],
                summary=json.loads(row["summary"]),
            )
            for row in rows
        ]

    # -- search ---------------------------------------------------------------------------------------

    def search(
        self,
        query: str,
        limit: int = 20,
        offset: int = 0,
        outlet: str | None = None,
        markers: tuple[str, str] = ("[", "]"),
    ) -> list[SearchHit]:
        """Full-text search over title and text, best bm25 first (title matches weigh double).

        The query may use FTS5 syntax (`"a phrase"`, `word*`, `title:word`, `AND`/`OR`/`NOT`); if it does
        not parse, each term is searched as a plain phrase instead, so user input never crashes a search.
        """
        sql = (
            "SELECT a.id, a.title, a.outlet, a.published, "
            "snippet(articles_fts, -1, ?, ?, '…', 16), bm25(articles_fts, 2.0, 1.0) AS rank "
            "FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid "
            "WHERE articles_fts MATCH ? AND (? IS NULL OR a.outlet = ?) "
            "ORDER BY rank LIMIT ? OFFSET ?"
        )
        rows = self._match(sql, lambda q: (markers[0], markers[1], q, outlet, outlet, limit, offset), query)
        return [SearchHit(r[0], r[1], r[2], r[3], r[4], -r[5]) for r in rows]

    def count_search(self, query: str, outlet: str | None = None) -> int:
        """Number of hits `search` would page through, for "results 21-40 of N"."""
        sql = (
            "SELECT COUNT(*) FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid "
            "WHERE articles_fts MATCH ? AND (? IS NULL OR a.outlet = ?)"
        )
        rows = self._match(sql, lambda q: (q, outlet, outlet), query)
        return rows[0][0] if rows else 0

    def _match(self, sql: str, params: Callable[[str], tuple], query: str) -> list[sqlite3.Row]:
        """Run a MATCH query as given, then with every term quoted if FTS5 rejects it."""
        if not query.strip():
            return []
        try:
            return self._db.execute(sql, params(query)).fetchall()
        except sqlite3.OperationalError as exc:
            if not _is_query_error(exc):
                raise
        try:
            return self._db.execute(sql, params(_quote_terms(query))).fetchall()
        except sqlite3.OperationalError as exc:
            if not _is_query_error(exc):
                raise
            raise NewsprobeError(f"cannot search for {query!r}: {exc}") from exc


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception: the unit of atomicity for a batch.

    IMMEDIATE takes the write lock up front, so two writers wait on the busy timeout instead of failing
    half-way through with SQLITE_BUSY when upgrading a read lock.
    """

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._db.execute("COMMIT" if exc_type is None else "ROLLBACK")
