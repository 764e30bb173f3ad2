"""The copies index in a store: fingerprints, aligned pairs and family membership, kept up to date incrementally.

Articles are indexed in `seq` order (the order they were stored), so "not yet indexed" is "seq above the highest
indexed one": finding the new articles costs one query. New articles are matched among themselves in memory (as
`detect.py` does for a whole corpus) and against the stored fingerprints by one join, never by rebuilding anything;
their fingerprints are then added. Each chunk of new articles is one transaction: fingerprints, pairs and the mark
that they are indexed land together or not at all. Families are refreshed only where new pairs landed (or
everywhere, after article metadata changed: dates decide first publishers).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from newsprobe.corpus.copies import candidates, sketch
from newsprobe.corpus.copies.detect import BATCH, MAX_TEXT_CHARS, _chunks, _components, _verify_chunk
from newsprobe.corpus.copies.families import Link, Node, build
from newsprobe.corpus.copies.relation import flip

CHUNK = 50_000  # new articles per transaction
MAX_COMPONENT = 5_000  # articles joined to one by relations, past which its families are read from copy_families
VERSION_KEY = "copies.sketch"
UPDATES_KEY = "copies.article_updates"  # the store's article_updates count when families were last refreshed
_I64 = np.int64


@dataclass
class UpdateStats:
    indexed: int = 0
    candidates: int = 0
    links: int = 0
    refreshed: int = 0  # articles whose family membership was recomputed
    seconds: dict[str, float] = field(default_factory=dict)

    def line(self) -> str:
        return (f"copies: indexed {self.indexed} new article(s), {self.candidates} candidate pair(s), "
                f"{self.links} copy relation(s) found")


def _state(db, key: str, default: Any = None) -> Any:
    row = db.execute("SELECT value FROM store_state WHERE key = ?", (key,)).fetchone()
    return default if row is None else row[0]


def _set_state(db, key: str, value: Any) -> None:
    db.execute("INSERT INTO store_state (key, value) VALUES (?, ?) "
               "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))


def last_indexed(db) -> int:
    return db.execute("SELECT COALESCE(MAX(seq), 0) FROM copy_indexed").fetchone()[0]


def pending(store) -> int:
    """Articles stored but not yet indexed."""
    db = store.connection
    return db.execute("SELECT COUNT(*) FROM articles WHERE seq > ?", (last_indexed(db),)).fetchone()[0]


def _check_version(store) -> None:
    """An index built with other sketch parameters cannot be matched against: it is dropped and rebuilt."""
    db = store.connection
    version = _state(db, VERSION_KEY)
    if version == sketch.VERSION:
        return
    with store._transaction():
        if version is not None:
            for table in ("copy_sketch", "copy_indexed", "copy_pairs", "copy_families"):
                db.execute(f"DELETE FROM {table}")
        _set_state(db, VERSION_KEY, sketch.VERSION)


def update(store, progress: Callable[[str, int], None] | None = None) -> UpdateStats:
    """Index the articles stored since the last update, find their copies, refresh the families they touch."""
    stats = UpdateStats()
    _check_version(store)
    db = store.connection
    db.execute("PRAGMA cache_size = -262144")  # 256 MB of page cache: the fingerprint B-tree is read at random
    touched: set[int] = set()
    while True:
        t0 = time.perf_counter()
        rows = db.execute("SELECT seq, id, text, removed FROM articles WHERE seq > ? ORDER BY seq LIMIT ?",
                          (last_indexed(db), CHUNK)).fetchall()
        if not rows:
            break
        with store._transaction():
            links = _index_chunk(store, rows, stats)
        touched.update(k for link in links for k in (link.a, link.b))
        stats.seconds["index"] = stats.seconds.get("index", 0.0) + time.perf_counter() - t0
        if progress:
            progress("indexed", stats.indexed)
    t0 = time.perf_counter()
    updates = _state(db, "article_updates", 0)
    if updates != _state(db, UPDATES_KEY, 0):
        stats.refreshed = refresh_families(store, None)
        with store._transaction():
            _set_state(db, UPDATES_KEY, updates)
    elif touched:
        stats.refreshed = refresh_families(store, touched)
    stats.seconds["families"] = time.perf_counter() - t0
    return stats


def _index_chunk(store, rows: list, stats: UpdateStats) -> list[Link]:
    db = store.connection
    seqs = np.array([r["seq"] for r in rows], dtype=_I64)
    ids = [r["id"] for r in rows]
    texts = [r["text"][:MAX_TEXT_CHARS] for r in rows]
    owners, values, words = [], [], []
    for i in range(0, len(texts), BATCH):
        sk = sketch.sketch(texts[i: i + BATCH])
        owners.append(sk.owner + i)
        values.append(sk.value)
        words.append(sk.words)
    owner = np.concatenate(owners) if owners else np.zeros(0, dtype=_I64)
    value = np.concatenate(values) if values else np.zeros(0, dtype=np.uint64)
    word_counts = np.concatenate(words) if words else np.zeros(0, dtype=_I64)
    fp_count = np.bincount(owner, minlength=len(rows))
    rank = np.empty(len(ids), dtype=_I64)
    rank[np.argsort(np.array(ids), kind="stable")] = np.arange(len(ids))
    ci, cj, _ = candidates.pairs(owner, value, rank, fp_count)
    pairs = {(int(seqs[i]), int(seqs[j])) for i, j in zip(ci.tolist(), cj.tolist(), strict=True)}
    pairs |= _pairs_with_stored(db, owner, value, seqs, ids, fp_count)
    stats.candidates += len(pairs)
    # The chunk's fingerprints join the index only now, so the join above saw stored articles alone.
    signed = value.view(_I64)
    order = np.argsort(signed, kind="stable")
    db.executemany("INSERT OR IGNORE INTO copy_sketch (hash, seq) VALUES (?, ?)",
                   zip(signed[order].tolist(), seqs[owner[order]].tolist(), strict=True))
    db.executemany("INSERT INTO copy_indexed (seq, words, fingerprints) VALUES (?, ?, ?)",
                   zip(seqs.tolist(), word_counts.tolist(), fp_count.tolist(), strict=True))
    stats.indexed += len(rows)
    new_text = dict(zip(seqs.tolist(), texts, strict=True))

    def load(seq: int) -> str:
        if seq in new_text:
            return new_text[seq]
        row = db.execute("SELECT text FROM articles WHERE seq = ?", (seq,)).fetchone()
        return row[0][:MAX_TEXT_CHARS]

    links: list[Link] = []
    if pairs:
        a = np.array([p[0] for p in pairs], dtype=_I64)
        b = np.array([p[1] for p in pairs], dtype=_I64)
        credits: dict[int, list] = {}
        for x, y in _chunks(np.minimum(a, b), np.maximum(a, b), 2000):
            keys = sorted(set(x.tolist()) | set(y.tolist()))
            found, found_credits = _verify_chunk((x.tolist(), y.tolist(), {k: load(k) for k in keys}))
            links.extend(found)
            credits.update(found_credits)
        db.executemany(
            "INSERT OR REPLACE INTO copy_pairs (a, b, kind, shared, record) VALUES (?, ?, ?, ?, ?)",
            [(x.a, x.b, x.rel["kind"], x.rel["shared_words"],
              json.dumps(x.rel, ensure_ascii=False, separators=(",", ":"))) for x in links],
        )
        _store_credits(db, credits)
    stats.links += len(links)
    return links


def _store_credits(db, text_credits: dict[int, list]) -> None:
    """The credit phrases of each article that has a relation (its text's and its removed lines'), kept for the
    family logic, which runs without texts."""
    from newsprobe.corpus.copies.credits import find_credits

    have = {r[0] for r in _in(db, "SELECT seq FROM copy_indexed WHERE credits IS NOT NULL AND seq IN ({})",
                              text_credits)}
    for seq in [k for k in text_credits if k not in have]:
        removed = db.execute("SELECT removed FROM articles WHERE seq = ?", (seq,)).fetchone()[0]
        credits = list(text_credits[seq])
        for item in json.loads(removed or "[]"):
            credits.extend({**c.to_dict(), "start": -1, "end": -1, "removed": True}
                           for c in find_credits(item.get("text", "")))
        db.execute("UPDATE copy_indexed SET credits = ? WHERE seq = ?", (json.dumps(credits), seq))


def _in(db, sql: str, keys: Iterable[int], extra: tuple = ()) -> list:
    """Rows of `sql` (one `{}` for the list) for keys given in chunks under SQLite's parameter limit."""
    keys = list(keys)
    out: list = []
    for i in range(0, len(keys), 900):
        part = keys[i: i + 900]
        out.extend(db.execute(sql.format(",".join("?" * len(part))), (*extra, *part)).fetchall())
    return out


def _pairs_with_stored(db, owner: np.ndarray, value: np.ndarray, seqs: np.ndarray, ids: list[str],
                       fp_count: np.ndarray) -> set[tuple[int, int]]:
    """Candidate pairs between the chunk and the stored articles, by one join of the chunk's fingerprints with the
    index, under the rules of `candidates.pairs` (group sizes, anchors, shared fingerprints)."""
    if not len(value) or db.execute("SELECT 1 FROM copy_sketch LIMIT 1").fetchone() is None:
        return set()
    signed = value.view(_I64)
    distinct = np.unique(signed)
    db.execute("CREATE TEMP TABLE IF NOT EXISTS copy_probe (hash INTEGER PRIMARY KEY)")
    db.execute("DELETE FROM copy_probe")
    db.executemany("INSERT INTO copy_probe (hash) VALUES (?)", ((int(h),) for h in distinct))
    found = np.array(db.execute("SELECT s.hash, s.seq FROM copy_probe p JOIN copy_sketch s ON s.hash = p.hash")
                     .fetchall(), dtype=_I64).reshape(-1, 2)
    db.execute("DELETE FROM copy_probe")
    if not len(found):
        return set()
    old_hash, old_seq = found[:, 0], found[:, 1]
    o = np.argsort(signed, kind="stable")
    new_hash, new_idx = signed[o], owner[o]
    lo = np.searchsorted(new_hash, old_hash, side="left")
    hi = np.searchsorted(new_hash, old_hash, side="right")
    n_new = hi - lo
    uniq, inv, n_old = np.unique(old_hash, return_inverse=True, return_counts=True)
    size = n_old[inv] + n_new
    small = (size <= candidates.MAX_GROUP) & (n_new > 0)
    rep = n_new[small]
    starts = np.repeat(lo[small], rep)
    offset = np.arange(rep.sum()) - np.repeat(np.cumsum(rep) - rep, rep)
    pair_new = new_idx[starts + offset]
    pair_old = np.repeat(old_seq[small], rep)
    keys = [(pair_new, pair_old)]
    big = np.unique(old_hash[(size > candidates.MAX_GROUP) & (size <= candidates.MAX_DF)])
    for h in big.tolist():
        olds = old_seq[old_hash == h]
        news = new_idx[new_hash == h]
        members = [(i, int(s)) for i, s in _in(db, "SELECT id, seq FROM articles WHERE seq IN ({})", olds.tolist())]
        members += [(ids[n], -1 - int(n)) for n in np.unique(news).tolist()]  # new members: negative keys
        anchors = [m for _, m in sorted(members)[: candidates.ANCHORS]]
        for anchor in anchors:
            if anchor < 0:  # a new anchor pairs with every stored member
                keys.append((np.full(len(olds), -1 - anchor), olds))
            else:
                keys.append((np.unique(news), np.full(len(np.unique(news)), anchor)))
    pn = np.concatenate([k[0] for k in keys]).astype(_I64)
    po = np.concatenate([k[1] for k in keys]).astype(_I64)
    if not len(pn):
        return set()
    combined = np.stack([pn, po], axis=1)
    uniq_pairs, counts = np.unique(combined, axis=0, return_counts=True)
    old_fp = dict(_in(db, "SELECT seq, fingerprints FROM copy_indexed WHERE seq IN ({})",
                      np.unique(uniq_pairs[:, 1]).tolist()))
    out = set()
    for (n, s), c in zip(uniq_pairs.tolist(), counts.tolist(), strict=True):
        need = min(candidates.MIN_SHARED, max(min(int(fp_count[n]), old_fp.get(s, 0)), 1))
        if c >= need:
            out.add((int(seqs[n]), s))
    return out


# -- families ----------------------------------------------------------------------------------------------------


def _nodes(db, keys: Iterable[int]) -> dict[int, Node]:
    nodes = {}
    for row in _in(db, "SELECT a.seq, a.id, a.outlet, a.url, a.published, a.title, i.credits FROM articles a "
                       "LEFT JOIN copy_indexed i ON i.seq = a.seq WHERE a.seq IN ({})", keys):
        nodes[row[0]] = Node(row[0], row[1], row[2], row[3], row[4], row[5], json.loads(row[6] or "[]"))
    return nodes


def _links(db, keys: Iterable[int]) -> list[Link]:
    """Every stored pair among `keys`."""
    keyset = set(keys)
    found = {}
    for sql in ("SELECT a, b, record FROM copy_pairs WHERE a IN ({})",
                "SELECT a, b, record FROM copy_pairs WHERE b IN ({})"):
        for a, b, record in _in(db, sql, keyset):
            if a in keyset and b in keyset:
                found[(a, b)] = record
    return [Link(a, b, json.loads(r)) for (a, b), r in sorted(found.items())]


def _all_edges(db) -> tuple[np.ndarray, np.ndarray]:
    rows = np.array(db.execute("SELECT a, b FROM copy_pairs").fetchall(), dtype=_I64).reshape(-1, 2)
    return rows[:, 0], rows[:, 1]


def connected(db, keys: Iterable[int], limit: int | None = None) -> set[int] | None:
    """Every article joined to `keys` by any chain of pairs (copies or partial); None past `limit` articles."""
    seen = set(keys)
    frontier = set(seen)
    while frontier:
        if limit is not None and len(seen) > limit:
            return None
        nxt = set()
        nxt.update(b for _, b in _in(db, "SELECT a, b FROM copy_pairs WHERE a IN ({})", frontier))
        nxt.update(a for a, _ in _in(db, "SELECT a, b FROM copy_pairs WHERE b IN ({})", frontier))
        frontier = nxt - seen
        seen |= frontier
    return seen


def refresh_families(store, touched: set[int] | None) -> int:
    """Recompute the families of the graph components holding `touched` (all of them for None); returns how many
    articles were (re)assigned."""
    db = store.connection
    a, b = _all_edges(db)
    if not len(a):
        with store._transaction():
            db.execute("DELETE FROM copy_families")
        return 0
    label = _components(a, b)
    keys = np.unique(np.concatenate([a, b]))
    if touched is not None:
        wanted = np.unique(label[np.array(sorted(touched), dtype=_I64)])
        keys = keys[np.isin(label[keys], wanted)]
    keys_list = keys.tolist()
    by_label: dict[int, list[int]] = {}
    for k in keys_list:
        by_label.setdefault(int(label[k]), []).append(k)
    memberships: list[tuple[int, str, str]] = []
    group: list[int] = []
    for members in by_label.values():
        group.extend(members)
        if len(group) >= 20_000:
            memberships.extend(_memberships(db, group))
            group = []
    if group:
        memberships.extend(_memberships(db, group))
    with store._transaction():
        if touched is None:
            db.execute("DELETE FROM copy_families")
        else:
            for part in range(0, len(keys_list), 900):
                chunk = keys_list[part: part + 900]
                db.execute(f"DELETE FROM copy_families WHERE seq IN ({','.join('?' * len(chunk))})", chunk)
        db.executemany("INSERT OR REPLACE INTO copy_families (seq, family, kind) VALUES (?, ?, ?)", memberships)
    return len(keys_list)


def _memberships(db, keys: list[int]) -> list[tuple[int, str, str]]:
    nodes = _nodes(db, keys)
    by_id = {n.id: k for k, n in nodes.items()}
    out = []
    for fam in build(nodes, _links(db, keys)):
        for m in fam["members"]:
            out.append((by_id[m["id"]], fam["family"], m["kind"]))
    return out


# -- reading ---------------------------------------------------------------------------------------------------------


def seq_of(db, article_id: str) -> int | None:
    row = db.execute("SELECT seq FROM articles WHERE id = ?", (article_id,)).fetchone()
    return None if row is None else row[0]


def families_of(store, article_id: str) -> list[dict[str, Any]]:
    """The families an article belongs to (as original, copy or partial copy), built from the stored pairs."""
    db = store.connection
    seq = seq_of(db, article_id)
    if seq is None:
        return []
    keys = connected(db, [seq], limit=MAX_COMPONENT)
    if keys is None:  # a very large web of relations: the article's families as the last update recorded them
        families = [r[0] for r in db.execute("SELECT family FROM copy_families WHERE seq = ?", (seq,))]
        keys = {r[0] for f in families for r in db.execute("SELECT seq FROM copy_families WHERE family = ?", (f,))}
        keys.add(seq)
    if len(keys) == 1:
        return []
    nodes = _nodes(db, keys)
    return [f for f in build(nodes, _links(db, keys)) if any(m["id"] == article_id for m in f["members"])]


def all_families(store) -> list[dict[str, Any]]:
    """Every family of the store (largest first)."""
    db = store.connection
    a, b = _all_edges(db)
    if not len(a):
        return []
    label = _components(a, b)
    keys = np.unique(np.concatenate([a, b]))
    by_label: dict[int, list[int]] = {}
    for k in keys.tolist():
        by_label.setdefault(int(label[k]), []).append(k)
    out: list[dict[str, Any]] = []
    group: list[int] = []
    for members in by_label.values():
        group.extend(members)
        if len(group) >= 20_000:
            out.extend(build(_nodes(db, group), _links(db, group)))
            group = []
    if group:
        out.extend(build(_nodes(db, group), _links(db, group)))
    out.sort(key=lambda f: (-len(f["members"]), f["family"]))
    return out


def relation(store, a_id: str, b_id: str) -> dict[str, Any] | None:
    """The stored record of a pair, seen with `a_id` as side a."""
    db = store.connection
    sa, sb = seq_of(db, a_id), seq_of(db, b_id)
    if sa is None or sb is None:
        return None
    row = db.execute("SELECT record FROM copy_pairs WHERE a = ? AND b = ?", (min(sa, sb), max(sa, sb))).fetchone()
    if row is None:
        return None
    rel = json.loads(row[0])
    return rel if sa < sb else flip(rel)


def export_columns(store) -> dict[str, dict[str, Any]]:
    """Per article id: `family` (the family it is the original or a copy in) and `family_kind`; `partial_of` lists
    the families it took passages from."""
    out: dict[str, dict[str, Any]] = {}
    for article_id, family, kind in store.connection.execute(
        "SELECT a.id, f.family, f.kind FROM copy_families f JOIN articles a ON a.seq = f.seq ORDER BY f.family"
    ):
        entry = out.setdefault(article_id, {"family": None, "family_kind": None, "partial_of": None})
        if kind == "partial":
            entry["partial_of"] = ",".join(filter(None, [entry["partial_of"], family]))
        else:
            entry["family"], entry["family_kind"] = family, kind
    return out
