"""SQLite store: one file holding articles, their spans, a full-text index and the ingest failures.

Why SQLite: a corpus of hundreds of thousands of articles must be searchable and resumable without a
server. Every write of a batch is one transaction and the article id is the primary key, so a process
killed at any moment (even SIGKILL) leaves either whole articles or none, and re-running the ingest
simply skips what is already stored.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from newsprobe.core.errors import NewsprobeError
from newsprobe.core.model import SCALAR_FIELDS, Article, Span

MIN_PREFIX = 6

# Each step brings a store from the version before it to its own; a store is upgraded in place, step by step, when
# it is opened. The statements of a released step never change: a new need is a new step. A step is SQL, or a
# function of the connection for data SQL cannot rewrite; each step runs in one transaction.
# `seq` is an INTEGER PRIMARY KEY (a rowid alias) rather than the implicit rowid: VACUUM may renumber an
# implicit rowid, which would silently break the external-content FTS index that points at it.
MIGRATIONS: list[tuple[int, str, list[str | Callable[[sqlite3.Connection], None]]]] = [
    (1, "articles, spans, full-text index, failures", [
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
    ]),
    (2, "covering index for 'has a span of layer X with label Y' (web filters, outlet figures); dates index", [
        # Stores written by early version-1 code lack it (the web app used to add it on start).
        "CREATE INDEX IF NOT EXISTS spans_layer_label_article ON spans (layer, label, article_id)",
        "CREATE INDEX IF NOT EXISTS articles_published ON articles (published)",
    ]),
    (3, "a numeric claim's 'when' and 'where' as spans of the text; technique spans' voice (own or quoted)", [
        lambda db: _quantity_places_as_spans(db),
        lambda db: _technique_voices(db),
    ]),
    (4, "copies (corpus/copies): sketch index, aligned pairs, families; a count of article updates", [
        # Key-value state of the store; `article_updates` counts updates of article rows (a re-ingest that brings
        # better metadata), so a cache keyed on the store's state sees them as it sees new rows.
        "CREATE TABLE IF NOT EXISTS store_state (key TEXT PRIMARY KEY, value)",
        "INSERT OR IGNORE INTO store_state (key, value) VALUES ('article_updates', 0)",
        """CREATE TRIGGER IF NOT EXISTS articles_updates AFTER UPDATE ON articles BEGIN
            UPDATE store_state SET value = value + 1 WHERE key = 'article_updates';
        END""",
        # The sketch index: each indexed article's fingerprints (winnowed word 5-gram hashes), clustered by hash so
        # that matching a new article is one index range per fingerprint; `key` orders a fingerprint's articles for
        # the anchors of a large group (a hash of the article id).
        """CREATE TABLE IF NOT EXISTS copy_sketch (
            hash INTEGER NOT NULL, key INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (hash, key, seq)
        ) WITHOUT ROWID""",
        """CREATE TABLE IF NOT EXISTS copy_indexed (
            seq INTEGER PRIMARY KEY, words INTEGER NOT NULL, fingerprints INTEGER NOT NULL, credits TEXT
        )""",
        # Aligned pairs (a < b, article seqs) with their relation record (JSON: passages, coverage, differences).
        """CREATE TABLE IF NOT EXISTS copy_pairs (
            a INTEGER NOT NULL, b INTEGER NOT NULL, kind TEXT NOT NULL, shared INTEGER NOT NULL, record TEXT NOT NULL,
            PRIMARY KEY (a, b)
        ) WITHOUT ROWID""",
        "CREATE INDEX IF NOT EXISTS copy_pairs_b ON copy_pairs (b)",
        # Family membership: an article is in at most one family as original or copy, and may be a partial copy in
        # several.
        """CREATE TABLE IF NOT EXISTS copy_families (
            seq INTEGER NOT NULL, family TEXT NOT NULL, kind TEXT NOT NULL, PRIMARY KEY (seq, family)
        ) WITHOUT ROWID""",
        "CREATE INDEX IF NOT EXISTS copy_families_family ON copy_families (family)",
    ]),
    (5, "actors across the corpus (corpus/actors): actors, the names that find them, their mentions per article", [
        # Written only by newsprobe.corpus.actors.index, rebuilt whenever the store or the alias tables change; a
        # derived index, so the step is self-contained and safe to run on any store (IF NOT EXISTS throughout).
        """CREATE TABLE IF NOT EXISTS actors (
            id TEXT PRIMARY KEY, name TEXT NOT NULL, label TEXT NOT NULL,
            mentions INTEGER NOT NULL, articles INTEGER NOT NULL, info TEXT NOT NULL DEFAULT '{}'
        )""",
        "CREATE TABLE IF NOT EXISTS actor_names (key TEXT NOT NULL, actor_id TEXT NOT NULL, name TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS actor_names_key ON actor_names (key)",
        # one row per article and name as written (entity label, canonical name, text), with its actor
        """CREATE TABLE IF NOT EXISTS actor_mentions (
            article_id TEXT NOT NULL, label TEXT NOT NULL, canonical TEXT NOT NULL, text TEXT NOT NULL,
            actor_id TEXT NOT NULL, mentions INTEGER NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS actor_mentions_actor ON actor_mentions (actor_id, article_id)",
        "CREATE INDEX IF NOT EXISTS actor_mentions_article ON actor_mentions (article_id, label, canonical, text)",
        "CREATE INDEX IF NOT EXISTS actor_mentions_name ON actor_mentions (label, canonical, text, actor_id)",
        "CREATE TABLE IF NOT EXISTS actor_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ]),
    (6, "figure index of numeric claims (corpus/corroborate): claims by kind and value bucket", [
        # Written only by newsprobe.corpus.corroborate.index from the claim spans (a derived index, rebuilt when
        # the articles change other than by additions): one row per (kind, log-scale value bucket) a quantity's
        # interval covers, so that the claims that may report the same figure are one index range.
        """CREATE TABLE IF NOT EXISTS claim_figures (
            kind TEXT NOT NULL, bucket INTEGER NOT NULL, article_id TEXT NOT NULL, start INTEGER NOT NULL,
            "end" INTEGER NOT NULL, q INTEGER NOT NULL, lo REAL NOT NULL, hi REAL NOT NULL, day_from TEXT, day_to TEXT,
            PRIMARY KEY (kind, bucket, article_id, start, q)
        ) WITHOUT ROWID""",
        "CREATE TABLE IF NOT EXISTS claim_figures_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ]),
    (7, "copies: a second, small tier of the sketch index for the articles indexed since the last merge", [
        # New articles' fingerprints land here, not in copy_sketch: inserting a few hundred thousand fingerprints at
        # random places of a large clustered index rewrites most of its pages (70 s for 10,000 articles into the
        # index of a million). Matching reads both tiers; this one is merged into copy_sketch when it grows past a
        # share of it (corpus/copies/index.py). Same layout as copy_sketch.
        """CREATE TABLE IF NOT EXISTS copy_sketch_recent (
            hash INTEGER NOT NULL, key INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (hash, key, seq)
        ) WITHOUT ROWID""",
    ]),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]
SPAN_INDEX = "spans_layer_label_article"
# The tables every store has had since version 1: what tells a newsprobe store (of any version) from another
# program's database. Later steps add tables of their own (copies: store_state, copy_*), created on upgrade.
NEWSPROBE_TABLES = frozenset({"articles", "spans", "failures", "articles_fts"})
# Metadata a re-ingest may bring for an article already stored (see `Store.merge_metadata`).
MERGED_FIELDS = ("url", "outlet", "title", "section", "published", "language")

# Columns of the articles table that hold the article's fields: its one-string fields as they are, its nested ones
# (except spans, which have a table of their own) as JSON. Both lists come from the data model.
_JSON_FIELDS = ("removed", "summary")
_COLUMNS = ", ".join([*SCALAR_FIELDS, *_JSON_FIELDS])
log = logging.getLogger("newsprobe.store")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def article_row(art: Article) -> dict[str, object]:
    """The article as its `articles` row (without `seq`, `added_at`)."""
    data = art.to_dict()
    row: dict[str, object] = {name: data[name] for name in SCALAR_FIELDS}
    row.update({name: json.dumps(data[name], ensure_ascii=False) for name in _JSON_FIELDS})
    return row


def article_from_row(row: sqlite3.Row | dict, spans: list[Span]) -> Article:
    """The article from its `articles` row and its spans: through `Article.from_dict`, the one deserialiser."""
    data = {name: row[name] for name in SCALAR_FIELDS}
    data.update({name: json.loads(row[name]) for name in _JSON_FIELDS})
    data["spans"] = spans
    return Article.from_dict(data)


class Store:
    """An open newsprobe database. Use as a context manager; not shared between threads.

    `readonly=True` is for the commands that only read (search, show, export, sources, the web app's pages): the file
    is opened read-only, so a file that is not a newsprobe store is never changed (no tables added, no switch to WAL,
    no `user_version` written), and a store on a read-only file or folder can still be read. An older newsprobe store
    opened that way is upgraded in place when its file can be written, and read as it is otherwise. Any file that is
    not a newsprobe store, or not SQLite at all, is a `NewsprobeError` naming it, in either mode.
    """

    def __init__(self, path: str | Path, readonly: bool = False) -> None:
        self.path = str(path)
        self.readonly = readonly
        memory = self.path == ":memory:"
        if not memory:
            where = Path(self.path)
            if where.is_dir():
                raise NewsprobeError(f"{self.path}: is a directory, not a store file (give a file name with --db)")
            if readonly and not where.exists():
                raise NewsprobeError(f"{self.path}: no such store")
            if not readonly:
                try:
                    where.parent.mkdir(parents=True, exist_ok=True)
                except OSError as err:
                    raise NewsprobeError(f"{self.path}: cannot create the store's folder: {err.strerror}") from None
        try:
            self._db = self._connect(readonly and not memory)
            self._check()
            if not self.readonly:
                self._db.execute("PRAGMA journal_mode = WAL")
                self._db.execute("PRAGMA synchronous = NORMAL")
                self._db.execute("PRAGMA foreign_keys = ON")
                self._migrate()
            elif self.version < SCHEMA_VERSION:
                self._upgrade_if_writable()
        except sqlite3.DatabaseError as err:
            self._close_quietly()
            raise store_error(self.path, err) from None
        except NewsprobeError:
            self._close_quietly()
            raise

    def _connect(self, readonly: bool) -> sqlite3.Connection:
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so a batch is exactly one transaction.
        if not readonly:
            db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        else:
            uri = Path(self.path).resolve().as_uri()
            try:
                db = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=30.0, isolation_level=None)
                db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            except sqlite3.OperationalError:
                # A store in WAL mode in a folder we cannot write: SQLite cannot make its shared-memory file. Nothing
                # can write there either, so reading it as an immutable file is safe.
                db = sqlite3.connect(f"{uri}?immutable=1", uri=True, timeout=30.0, isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA busy_timeout = 30000")
        return db

    def _check(self) -> None:
        """Refuse, before any change, a database that is not a newsprobe store: a newer one, one with a clashing
        `articles` table, another program's. An empty database is a new store (only when writing)."""
        version = self.version
        tables = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
        if version > SCHEMA_VERSION:
            raise NewsprobeError(
                f"{self.path}: store schema version {version} is newer than this newsprobe supports "
                f"({SCHEMA_VERSION}); upgrade newsprobe"
            )
        if not tables:
            if self.readonly:
                raise NewsprobeError(f"{self.path}: empty database, not a newsprobe store; "
                                     f"create one with `newsprobe ingest PATH --db {self.path}`")
            return
        missing = NEWSPROBE_TABLES - tables
        columns = {r[1] for r in self._db.execute("PRAGMA table_info(articles)")} if "articles" in tables else set()
        if missing or not {"seq", "id", "text", "added_at"} <= columns:
            shown = ", ".join(sorted(t for t in tables if not t.startswith(("sqlite_", "articles_fts_"))))[:200]
            clash = " (its `articles` table is not newsprobe's)" if "articles" in tables else ""
            raise NewsprobeError(f"{self.path}: not a newsprobe store{clash}; it has tables: {shown}. "
                                 "newsprobe leaves it unchanged: give another file with --db")

    def _upgrade_if_writable(self) -> None:
        """An older newsprobe store opened for reading: upgrade it as any opening would, when the file allows."""
        if not os.access(self.path, os.W_OK) or not os.access(Path(self.path).parent, os.W_OK):
            return
        try:
            writer = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        except sqlite3.Error:
            return
        try:
            _migrate(writer, self.path)
        except (sqlite3.OperationalError, NewsprobeError) as err:
            log.info("%s: read as version %d, not upgraded (%s)", self.path, self.version, err)
        finally:
            writer.close()

    def _close_quietly(self) -> None:
        try:
            self._db.close()
        except (AttributeError, sqlite3.Error):
            pass

    def _migrate(self) -> None:
        _migrate(self._db, self.path)

    @property
    def has_span_index(self) -> bool:
        """Whether the (layer, label, article_id) index is there (always, once a store is at version 2)."""
        row = self._db.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (SPAN_INDEX,))
        return row.fetchone() is not None

    @property
    def version(self) -> int:
        return self._db.execute("PRAGMA user_version").fetchone()[0]

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
                row = article_row(art)
                cur = self._db.execute(
                    f"INSERT INTO articles ({', '.join(row)}, added_at) VALUES ({', '.join('?' * (len(row) + 1))}) "
                    "ON CONFLICT (id) DO NOTHING",
                    (*row.values(), added_at),
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

    def merge_metadata(self, articles: Iterable[Article]) -> tuple[int, list[Article]]:
        """Bring better metadata into stored articles: what the store lacks is filled in, and a date is replaced by a
        more precise one of the same day ("2016-08-29" by "2016-08-29T10:15:00"); other values already stored are
        kept. Returns (articles updated, conflicts): a conflict is an incoming article whose outlet differs from the
        stored one's, i.e. the same text published elsewhere, which the caller stores as an article of its own.
        Articles not in the store are ignored. One transaction.
        """
        updated = 0
        conflicts: list[Article] = []
        columns = ", ".join(MERGED_FIELDS)
        with self._transaction():
            for art in articles:
                row = self._db.execute(f"SELECT {columns} FROM articles WHERE id = ?", (art.id,)).fetchone()
                if row is None:
                    continue
                if art.outlet and row["outlet"] and art.outlet.strip().lower() != row["outlet"].strip().lower():
                    conflicts.append(art)
                    continue
                changes = {}
                for name in MERGED_FIELDS:
                    new, old = getattr(art, name), row[name]
                    if new and (not old or (name == "published" and len(new) > len(old) and new.startswith(old))):
                        changes[name] = new
                if changes:
                    sets = ", ".join(f"{name} = ?" for name in changes)
                    self._db.execute(f"UPDATE articles SET {sets} WHERE id = ?", (*changes.values(), art.id))
                    updated += 1
        return updated, conflicts

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
            f"SELECT seq, {_COLUMNS} FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None and len(article_id) >= MIN_PREFIX:
            # Range scan on the unique index; chr(0x10FFFF) sorts after any text that extends the prefix.
            rows = self._db.execute(
                f"SELECT seq, {_COLUMNS} FROM articles WHERE id >= ? AND id < ? ORDER BY id LIMIT 6",
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
                f"SELECT seq, {_COLUMNS} FROM articles WHERE seq > ? ORDER BY seq LIMIT ?",
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
        return [article_from_row(row, spans[row["id"]]) for row in rows]


def _located(phrase: object, span_text: str, span_start: int, article_text: str) -> object:
    """An old `when`/`where` string as the span it names: in the claim's own sentence first (where it was read
    from), else its first place in the article; a phrase found nowhere cannot be a span and becomes null."""
    if not isinstance(phrase, str):
        return phrase
    at = span_text.find(phrase)
    start = span_start + at if at >= 0 else article_text.find(phrase)
    if not phrase or start < 0:
        return None
    return {"start": start, "end": start + len(phrase), "text": phrase}


def _quantity_places_as_spans(db: sqlite3.Connection) -> None:
    """Version-2 stores wrote a quantity's `when` and `where` as bare strings; today they are spans (with `value`
    for a date), so old and new claims validate against one schema and link to the date and entity layers."""
    rows = db.execute(
        "SELECT spans.rowid, spans.start, spans.text, spans.attrs, articles.text FROM spans "
        "JOIN articles ON articles.id = spans.article_id "
        "WHERE spans.attrs LIKE '%\"quantities\"%' AND (spans.attrs LIKE '%\"when\": \"%' "
        "OR spans.attrs LIKE '%\"where\": \"%')"
    ).fetchall()
    for rowid, start, span_text, attrs_json, article_text in rows:
        attrs = json.loads(attrs_json)
        for quantity in attrs.get("quantities") or []:
            if not isinstance(quantity, dict):
                continue
            where = _located(quantity.get("where"), span_text, start, article_text)
            when = _located(quantity.get("when"), span_text, start, article_text)
            if isinstance(when, dict) and isinstance(quantity.get("when"), str):
                when["value"] = None
            quantity["where"], quantity["when"] = where, when
        db.execute("UPDATE spans SET attrs = ? WHERE rowid = ?", (json.dumps(attrs, ensure_ascii=False), rowid))


def _technique_voices(db: sqlite3.Connection) -> None:
    """Version-2 stores have no `voice` on technique spans nor the own/quoted split in the technique summary; both
    follow from the text alone, so old articles count in an outlet's own-voice rate exactly as new ones do."""
    from newsprobe.core.quotes import voice, words_inside_quotes

    articles = db.execute(
        "SELECT DISTINCT articles.id, articles.text, articles.summary FROM spans "
        "JOIN articles ON articles.id = spans.article_id "
        "WHERE spans.layer = 'technique' AND json_extract(spans.attrs, '$.voice') IS NULL"
    ).fetchall()
    for article_id, text, summary_json in articles:
        voices = {"own": 0, "quoted": 0}
        for rowid, start, end, attrs_json in db.execute(
            'SELECT rowid, start, "end", attrs FROM spans WHERE article_id = ? AND layer = \'technique\'',
            (article_id,),
        ).fetchall():
            attrs = json.loads(attrs_json)
            attrs.setdefault("voice", voice(text, start, end))
            voices[attrs["voice"]] += 1
            db.execute("UPDATE spans SET attrs = ? WHERE rowid = ?", (json.dumps(attrs, ensure_ascii=False), rowid))
        summary = json.loads(summary_json)
        technique = summary.get("technique")
        if isinstance(technique, dict) and "own_voice" not in technique:
            own_words, quoted_words = words_inside_quotes(text)
            for key, name, words in (("own_voice", "own", own_words), ("quoted", "quoted", quoted_words)):
                technique[key] = {"count": voices[name], "words": words,
                                  "per_1000_words": round(1000 * voices[name] / words, 2) if words else 0.0}
            db.execute("UPDATE articles SET summary = ? WHERE id = ?", (json.dumps(summary, ensure_ascii=False),
                                                                      article_id))


def _migrate(db: sqlite3.Connection, path: str) -> None:
    """Bring the store to `SCHEMA_VERSION`, one step of `MIGRATIONS` per transaction."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    for step, what, statements in MIGRATIONS:
        if step <= version:
            continue
        with _Transaction(db):
            for statement in statements:
                if callable(statement):
                    statement(db)
                else:
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {step}")
        log.info("%s: store upgraded to version %d (%s)", path, step, what)


def writer_for(db: sqlite3.Connection) -> sqlite3.Connection | None:
    """A writing connection to the file `db` reads, or None when the file or its folder cannot be written: how a
    corpus analysis keeps its derived index up to date beside a read-only store connection (the web app's)."""
    path = next((row[2] for row in db.execute("PRAGMA database_list") if row[1] == "main"), "")
    if not path or not os.access(path, os.W_OK) or not os.access(os.path.dirname(path) or ".", os.W_OK):
        return None
    try:
        writer = sqlite3.connect(path, timeout=30.0, isolation_level=None)
        writer.execute("PRAGMA busy_timeout = 30000")
    except sqlite3.Error:
        return None
    return writer


def store_error(path: str, err: sqlite3.Error) -> NewsprobeError:
    """One line for what SQLite says about a file that is not a (healthy) store."""
    message = str(err)
    lowered = message.lower()
    if "not a database" in lowered:
        return NewsprobeError(f"{path}: not a SQLite database (not a newsprobe store, or a damaged one)")
    if "malformed" in lowered or "corrupt" in lowered:
        return NewsprobeError(f"{path}: the store is damaged ({message}); restore it from a copy or ingest again")
    if "readonly" in lowered or "read-only" in lowered:
        return NewsprobeError(f"{path}: the store is read-only ({message}); reading commands still work")
    if "unable to open" in lowered:
        return NewsprobeError(f"{path}: cannot open the store ({message}): check the path and its permissions")
    if "locked" in lowered or "busy" in lowered:
        return NewsprobeError(f"{path}: the store is busy ({message}); try again when the other writer is done")
    return NewsprobeError(f"{path}: {message}")


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
