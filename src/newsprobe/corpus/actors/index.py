"""The actor index in the store: built from the entity spans of every article, rebuilt when the store or the alias
tables change, read by the actor commands, search and the web.

Tables (store migration 3): `actors` (one row an actor, details as JSON in `info`), `actor_names` (every name and
spelling of an actor under its lookup keys: what `newsprobe search` and `newsprobe actor NAME` use), `actor_mentions`
(per article, each entity-layer name with its actor and mentions; labels and statements join on it) and
`actor_state` (what the index was built from, and the user's alias file, which the store remembers so that the CLI
and the web resolve actors the same way).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass

from newsprobe.core.errors import NewsprobeError
from newsprobe.corpus.actors.aliases import AliasBook, book, digest, match_keys
from newsprobe.corpus.actors.names import acronym
from newsprobe.corpus.actors.resolve import ACTOR_TYPES, SPLIT, Actor, NameId, NameStat, resolve
from newsprobe.io.store import writer_for
from newsprobe.layers.entities import name_key

_LABELS = ",".join(f"'{t}'" for t in ACTOR_TYPES)
# Bump when the way actors are resolved changes: stores built by an older newsprobe then rebuild their index.
# 2: organisations by vowels, dots, initials, short forms, translations; 3: "Hezbollah" is "Party of God"
INDEX_VERSION = 3


def _digest(user_text: str) -> str:
    return f"{INDEX_VERSION}:{digest(user_text)}"


@dataclass
class IndexInfo:
    actors: int
    rebuilt: bool


def store_state(db: sqlite3.Connection) -> str:
    """Changes whenever an article or a span is added, removed or replaced."""
    arts = db.execute("SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM articles").fetchone()
    spans = db.execute("SELECT COALESCE(MAX(rowid), 0) FROM spans").fetchone()
    return f"{arts[0]}:{arts[1]}:{spans[0]}"


def _state(db: sqlite3.Connection) -> dict[str, str]:
    return dict(db.execute("SELECT key, value FROM actor_state").fetchall())


def user_aliases(db: sqlite3.Connection) -> str:
    """The user alias file the store remembers ("" when none was given)."""
    return _state(db).get("aliases", "")


def is_fresh(db: sqlite3.Connection) -> bool:
    state = _state(db)
    return state.get("store") == store_state(db) and state.get("digest") == _digest(state.get("aliases", ""))


def ensure(db: sqlite3.Connection, aliases: str | None = None, source: str = "aliases",
           rebuild: bool = False) -> IndexInfo:
    """The index, brought up to date. `aliases`: the text of a user alias file, which replaces the one the store
    remembers (None keeps it). A read-only store with a stale index is a NewsprobeError saying what to run."""
    state = _state(db)
    text = state.get("aliases", "") if aliases is None else aliases
    book(text, source)  # a malformed alias file fails here, before anything is written
    if not rebuild and aliases is None and is_fresh(db):
        return IndexInfo(db.execute("SELECT COUNT(*) FROM actors").fetchone()[0], False)
    if not rebuild and aliases is not None and text == state.get("aliases", "") and is_fresh(db):
        return IndexInfo(db.execute("SELECT COUNT(*) FROM actors").fetchone()[0], False)
    def update(conn: sqlite3.Connection) -> IndexInfo:
        if not rebuild and text == state.get("aliases", "") and state.get("digest") == _digest(text):
            done = _append(conn, state)
            if done is not None:
                return done
        return _rebuild(conn, text, source)

    try:
        return update(db)
    except sqlite3.OperationalError as exc:
        if "readonly" not in str(exc).lower() and "read-only" not in str(exc).lower():
            raise
    # A store opened for reading (search, show, the web's pages): the index is derived data, so it is written through
    # a connection of its own when the file can be written, as an older store is upgraded.
    writer = writer_for(db)
    if writer is None:
        raise NewsprobeError(
            "the actor index of this store is out of date and the store is read-only: run `newsprobe actors "
            "--db STORE` once with write access"
        )
    try:
        return update(writer)
    finally:
        writer.close()



def read_names(db: sqlite3.Connection, alias_book: AliasBook | None = None
               ) -> tuple[list[NameStat], dict[tuple[str, str, str, str], int], dict[tuple[str, str, str], NameId]]:
    """Per-corpus name statistics; per-article mentions of each name as written (article, label, canonical, text);
    and the unit each written name belongs to. A unit is the entity layer's (label, canonical name), except where the
    user's alias file claims some of its spellings and not others: those become units of their own (`SPLIT`), so the
    user can part what the entity layer merged ("Army of Conquest" from "Jaish al-Fatah")."""
    per_article: dict[tuple[str, str, str, str], int] = {}
    totals: dict[tuple[str, str, str], int] = defaultdict(int)
    rows = db.execute(
        "SELECT article_id, label, COALESCE(json_extract(attrs, '$.canonical'), text), text, COUNT(*) FROM spans "
        f"WHERE layer = 'entity' AND label IN ({_LABELS}) GROUP BY article_id, label, 3, text"
    )
    for article_id, label, canonical, text, n in rows:
        per_article[(article_id, label, canonical, text)] = n
        totals[(label, canonical, text)] += n
    unit_of = _units(totals, alias_book)
    stats: dict[NameId, NameStat] = {}
    articles: dict[NameId, set[str]] = defaultdict(set)
    for (article_id, label, canonical, text), n in per_article.items():
        nid = unit_of[(label, canonical, text)]
        s = stats.get(nid)
        if s is None:
            s = stats[nid] = NameStat(nid[0], nid[1])
        s.mentions += n
        s.surfaces[text] += n
        articles[nid].add(article_id)
    for nid, arts in articles.items():
        stats[nid].articles = len(arts)
    return list(stats.values()), per_article, unit_of


def _units(totals: dict[tuple[str, str, str], int], alias_book: AliasBook | None) -> dict[tuple[str, str, str], NameId]:
    claims: dict[tuple[str, str], dict[str, str | None]] = defaultdict(dict)
    for label, canonical, text in totals:
        row = alias_book.find(text, label) if alias_book is not None else None
        claims[(label, canonical)][text] = row.canonical if row is not None and row.origin == "user" else None
    out: dict[tuple[str, str, str], NameId] = {}
    for (label, canonical), by_text in claims.items():
        split = len(set(by_text.values())) > 1
        for text, owner in by_text.items():
            out[(label, canonical, text)] = (label, f"{canonical}{SPLIT}{owner}") if split and owner else (
                label, canonical)
    return out


def acronym_pairs(db: sqlite3.Connection) -> Counter[tuple[NameId, NameId]]:
    """(full name, acronym) pairs written "Syrian Democratic Forces (SDF)" in some article."""
    pairs: Counter[tuple[NameId, NameId]] = Counter()
    rows = db.execute(
        "SELECT a.label, json_extract(a.attrs, '$.canonical'), a.text, b.label, json_extract(b.attrs, '$.canonical'), "
        "b.text, substr(t.text, a.\"end\" + 1, b.start - a.\"end\") FROM spans a "
        "JOIN spans b ON b.article_id = a.article_id AND b.layer = 'entity' "
        "AND b.start > a.\"end\" AND b.start <= a.\"end\" + 2 "
        "JOIN articles t ON t.id = a.article_id "
        "WHERE a.layer = 'entity' AND a.label IN ('ORG', 'NORP') AND b.label IN ('ORG', 'NORP')"
    )
    for la, ca, ta, lb, cb, tb, between in rows:
        if between.strip() == "(" and tb.isupper() and 2 <= len(tb) <= 8 and _abbreviates(tb, ta):
            pairs[((la, ca), (lb, cb))] += 1
    return pairs


def name_titles(db: sqlite3.Connection) -> dict[NameId, Counter[str]]:
    """Per name, the label phrases written before or beside it (labels layer: modifiers, appositives)."""
    out: dict[NameId, Counter[str]] = defaultdict(Counter)
    for label, canonical, key, n in db.execute(
        "SELECT json_extract(attrs, '$.actor_type'), json_extract(attrs, '$.actor'), json_extract(attrs, '$.key'), "
        "COUNT(*) FROM spans WHERE layer = 'label' AND label IN ('modifier', 'appositive') GROUP BY 1, 2, 3"
    ):
        if label and canonical and key:
            out[(label, canonical)][key] += n
    return out


def _abbreviates(short: str, name: str) -> bool:
    initials = acronym(name)
    if initials == short.replace(".", ""):
        return True
    it = iter(initials)
    return bool(initials) and short[0] == initials[0] and all(ch in it for ch in short.replace(".", ""))


def _rebuild(db: sqlite3.Connection, user_text: str, source: str) -> IndexInfo:
    alias_book = book(user_text, source)
    stats, per_article, unit_of = read_names(db, alias_book)
    actors, ids = resolve(stats, alias_book, acronym_pairs(db), name_titles(db))
    state = store_state(db)
    db.execute("BEGIN IMMEDIATE")
    try:
        db.execute("DELETE FROM actors")
        db.execute("DELETE FROM actor_names")
        db.execute("DELETE FROM actor_mentions")
        db.executemany("INSERT INTO actors (id, name, label, mentions, articles, info) VALUES (?, ?, ?, ?, ?, ?)",
                       [(a.id, a.name, a.label, a.mentions, a.articles, json.dumps(_info(a), ensure_ascii=False))
                        for a in actors])
        db.executemany("INSERT INTO actor_names (key, actor_id, name) VALUES (?, ?, ?)",
                       [(key, a.id, name) for a in actors for name in _names(a) for key in match_keys(name, None)])
        db.executemany(
            "INSERT INTO actor_mentions (article_id, label, canonical, text, actor_id, mentions) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(art, label, canonical, text, ids[unit_of[(label, canonical, text)]], n)
             for (art, label, canonical, text), n in per_article.items() if unit_of[(label, canonical, text)] in ids],
        )
        db.executemany("INSERT OR REPLACE INTO actor_state (key, value) VALUES (?, ?)",
                       [("store", state), ("digest", _digest(user_text)), ("aliases", user_text)])
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return IndexInfo(len(actors), True)


def _append(db: sqlite3.Connection, state: dict[str, str]) -> IndexInfo | None:
    """Bring the index up to date with articles added since it was built, without resolving the corpus again: when
    every name they use is already one actor's (the same label, canonical name and spelling, or failing that a
    canonical name with one actor). None when that is not so (a name never seen, articles removed or re-analysed):
    then the caller rebuilds, because a new name may change who an old one stands for."""
    try:
        old_count, old_seq, old_span = (int(x) for x in state.get("store", "").split(":"))
    except ValueError:
        return None
    count, seq = db.execute("SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM articles").fetchone()
    if count - old_count != seq - old_seq or count <= old_count:
        return None  # rows removed or replaced, or nothing new: not an append
    new_ids = [r[0] for r in db.execute("SELECT id FROM articles WHERE seq > ?", (old_seq,))]
    rows = []
    for k in range(0, len(new_ids), 500):  # by the article index of spans, a chunk of new articles at a time
        part = new_ids[k : k + 500]
        rows += db.execute(
            "SELECT article_id, label, COALESCE(json_extract(attrs, '$.canonical'), text), text, COUNT(*) FROM spans "
            f"WHERE article_id IN ({','.join('?' * len(part))}) AND layer = 'entity' AND label IN ({_LABELS}) "
            "GROUP BY 1, 2, 3, 4", part
        ).fetchall()
    fresh = set(new_ids)
    if any(r[0] not in fresh for r in db.execute("SELECT DISTINCT article_id FROM spans WHERE rowid > ?",
                                                   (old_span,))):
        return None  # an older article got new spans
    owners: dict[tuple[str, str, str], set[str]] = {}
    new_rows = []
    for art, label, canonical, text, n in rows:
        key = (label, canonical, text)
        if key not in owners:  # one index probe per name: the spelling's actor, else the canonical name's
            found = {r[0] for r in db.execute("SELECT DISTINCT actor_id FROM actor_mentions WHERE label = ? AND "
                                               "canonical = ? AND text = ?", key)}
            owners[key] = found or {r[0] for r in db.execute(
                "SELECT DISTINCT actor_id FROM actor_mentions WHERE label = ? AND canonical = ?", key[:2])}
        if len(owners[key]) != 1:
            return None
        new_rows.append((art, label, canonical, text, next(iter(owners[key])), n))
    touched: dict[str, Counter[str]] = defaultdict(Counter)
    for _art, _label, _canonical, text, actor_id, n in new_rows:
        touched[actor_id][text] += n
    db.execute("BEGIN IMMEDIATE")
    try:
        db.executemany("INSERT INTO actor_mentions (article_id, label, canonical, text, actor_id, mentions) "
                       "VALUES (?, ?, ?, ?, ?, ?)", new_rows)
        for actor_id, texts in touched.items():
            info = json.loads(db.execute("SELECT info FROM actors WHERE id = ?", (actor_id,)).fetchone()[0])
            spellings = Counter(dict((s, n) for s, n in info.get("aliases", [])))
            spellings.update(texts)
            info["aliases"] = [list(x) for x in spellings.most_common()]
            db.execute(
                "UPDATE actors SET info = ?, mentions = (SELECT SUM(mentions) FROM actor_mentions WHERE actor_id = ?), "
                "articles = (SELECT COUNT(DISTINCT article_id) FROM actor_mentions WHERE actor_id = ?) WHERE id = ?",
                (json.dumps(info, ensure_ascii=False), actor_id, actor_id, actor_id),
            )
        db.execute("INSERT OR REPLACE INTO actor_state (key, value) VALUES ('store', ?)", (store_state(db),))
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return IndexInfo(db.execute("SELECT COUNT(*) FROM actors").fetchone()[0], True)


def _names(a: Actor) -> list[str]:
    return list(dict.fromkeys([a.name, *(c.split(SPLIT)[0] for _, c in a.names if SPLIT not in c),
                               *(s for s, _ in a.aliases), *a.table_names]))


def _info(a: Actor) -> dict:
    return {"names": [[label, c.split(SPLIT)[0]] for label, c in a.names], "aliases": [list(x) for x in a.aliases],
            "table_names": a.table_names, "origin": a.origin, "evidence": a.evidence, "ambiguous": a.ambiguous}


@dataclass
class ActorRow:
    id: str
    name: str
    label: str
    mentions: int
    articles: int
    info: dict

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "type": self.label, "mentions": self.mentions,
                "articles": self.articles, **self.info}


def get_actor(db: sqlite3.Connection, actor_id: str) -> ActorRow | None:
    row = db.execute("SELECT id, name, label, mentions, articles, info FROM actors WHERE id = ?",
                     (actor_id,)).fetchone()
    return None if row is None else ActorRow(*row[:5], json.loads(row[5]))


def find(db: sqlite3.Connection, name: str) -> list[ActorRow]:
    """Actors that go by `name` (any alias or spelling, any case), most mentioned first."""
    keys = match_keys(name.strip(), None)
    if not keys:
        return []
    marks = ",".join("?" * len(keys))
    ids = [r[0] for r in db.execute(f"SELECT DISTINCT actor_id FROM actor_names WHERE key IN ({marks})", keys)]
    rows = [r for r in (get_actor(db, i) for i in ids) if r is not None]
    key = name_key(name.strip())

    def written(r: ActorRow) -> bool:  # the name is one the corpus uses for it, not only an alias-table name
        return key in {name_key(x) for x in [r.name, *(s for s, _ in r.info.get("aliases", []))]}

    return sorted(rows, key=lambda r: (not written(r), -r.mentions))


def suggest(db: sqlite3.Connection, name: str, limit: int = 5) -> list[str]:
    """Actor names that start with, or contain, what was typed: for "no such actor" messages."""
    clean = name.strip().replace("%", "").replace("_", "")[:60]
    words = sorted((w for w in re.split(r"[\s-]+", clean) if len(w) >= 4), key=len, reverse=True)
    out: list[str] = []
    for part in [clean, *words]:
        rows = db.execute("SELECT a.name FROM actor_names n JOIN actors a ON a.id = n.actor_id "
                          "WHERE n.name LIKE ? GROUP BY a.id ORDER BY a.mentions DESC LIMIT ?", (f"%{part}%", limit))
        out += [r[0] for r in rows if r[0] not in out]
        if len(out) >= limit:
            break
    return out[:limit]


def resolve_one(db: sqlite3.Connection, name: str) -> ActorRow:
    """The actor `name` stands for (the most mentioned when several share the name), or a NewsprobeError that says
    which names exist."""
    found = find(db, name)
    if found:
        return found[0]
    hints = suggest(db, name)
    raise NewsprobeError(f"no actor named {name!r} in this store" + (f"; did you mean: {', '.join(hints)}?"
                                                                       if hints else ""))


def search_phrases(db: sqlite3.Connection, query: str) -> tuple[ActorRow, list[str]] | None:
    """When a search query is exactly a name of an actor: that actor and every spelling it is written with, for the
    full-text search to look for all of them ("Army of Conquest" finds "Jeish al-Fatah")."""
    text = query.strip().strip('"').strip()
    if not text or len(text) > 200 or any(op in f" {text} " for op in (" OR ", " AND ", " NOT ", "*")):
        return None
    found = find(db, text)
    if not found:
        return None
    a = found[0]
    names = [a.name, *(s for s, _ in a.info.get("aliases", [])), *a.info.get("table_names", [])]
    return a, list(dict.fromkeys(n for n in names if n))
