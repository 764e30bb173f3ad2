"""The copies index in a store: fingerprints, aligned pairs and family membership, kept up to date incrementally.

Articles are indexed in `seq` order (the order they were stored), so "not yet indexed" is "seq above the highest
indexed one": finding the new articles costs one query. The first indexing of a store takes every article at once
(`bulk.py`: the in-memory run `detect.py` makes over a corpus read directly, its fingerprints written in index order).
Later ones match new articles among themselves in memory and against the stored fingerprints by lookups of the new
articles' fingerprints only, never by rebuilding anything; each chunk of new articles is one transaction:
fingerprints, pairs and the mark that they are indexed land together or not at all.

The fingerprints sit in two tiers of one layout: `copy_sketch`, written by the first indexing in order, and
`copy_sketch_recent`, where later articles' fingerprints land. Fingerprints are hashes, so a new article's land at
random places of the index: in one large table, 10,000 new articles (700,000 fingerprints) would rewrite most pages
of a million articles' index. The recent tier stays small, and is merged into the main one when it passes a share of
it (`COMPACT_SHARE`). Matching reads both. Families are refreshed only where new pairs landed (or everywhere, after
article metadata changed: dates decide first publishers).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from newsprobe.corpus.copies import candidates, sketch
from newsprobe.corpus.copies.detect import (
    BATCH,
    MAX_TEXT_CHARS,
    _chunks,
    _components,
    _pool,
    _sketch_batch,
    _verify_chunk,
    run_all,
)
from newsprobe.corpus.copies.families import Link, Node, build
from newsprobe.corpus.copies.relation import flip

CHUNK = 50_000  # new articles per transaction
MAX_COMPONENT = 5_000  # articles joined to one by relations, past which its families are read from copy_families
COMPACT_ROWS = 2_000_000  # the recent tier is merged into the main one past this many rows ...
COMPACT_SHARE = 1 / 16  # ... or this share of the main tier's rows, whichever is more (it stays in the page cache)
TIERS = ("copy_sketch", "copy_sketch_recent")
VERSION_KEY = "copies.sketch"
UPDATES_KEY = "copies.article_updates"  # the store's article_updates count when families were last refreshed
MAIN_ROWS_KEY = "copies.sketch_rows"  # rows of copy_sketch (counting 70 million rows to decide a merge takes seconds)
_I64 = np.int64


@dataclass
class UpdateStats:
    indexed: int = 0
    candidates: int = 0
    links: int = 0
    refreshed: int = 0  # articles whose family membership was recomputed
    seconds: dict[str, float] = field(default_factory=dict)  # wall-clock per stage
    cpu: dict[str, float] = field(default_factory=dict)  # CPU per stage

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
            for table in (*TIERS, "copy_indexed", "copy_pairs", "copy_families"):
                db.execute(f"DELETE FROM {table}")
            db.execute("DELETE FROM store_state WHERE key = ?", (MAIN_ROWS_KEY,))
        _set_state(db, VERSION_KEY, sketch.VERSION)


def update(store, progress: Callable[[str, int], None] | None = None, jobs: int = 1) -> UpdateStats:
    """Index the articles stored since the last update, find their copies, refresh the families they touch. `jobs`
    > 1 sketches, aligns and builds families in that many worker processes (the result is the same)."""
    from newsprobe.corpus.copies import bulk

    stats = UpdateStats()
    _check_version(store)
    db = store.connection
    db.execute("PRAGMA cache_size = -262144")  # 256 MB of page cache: the fingerprint B-tree is read at random
    touched: set[int] | None = set()
    pool = _pool(jobs) if pending(store) else None
    try:
        if last_indexed(db) == 0 and pending(store):
            t0 = time.perf_counter()
            bulk.build(store, stats, pool, progress)
            touched = None
            stats.seconds["index"] = time.perf_counter() - t0
        while True:
            t0 = time.perf_counter()
            rows = db.execute("SELECT seq, id, text FROM articles WHERE seq > ? ORDER BY seq LIMIT ?",
                              (last_indexed(db), CHUNK)).fetchall()
            if not rows:
                break
            with store._transaction():
                links = _index_chunk(store, rows, stats, pool)
            if touched is not None:
                touched.update(k for link in links for k in (link.a, link.b))
            stats.seconds["index"] = stats.seconds.get("index", 0.0) + time.perf_counter() - t0
            if progress:
                progress("indexed", stats.indexed)
        t0 = time.perf_counter()
        if compact_if_due(store):
            stats.seconds["merge"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        c0 = time.process_time()
        updates = _state(db, "article_updates", 0)
        if updates != _state(db, UPDATES_KEY, 0):
            stats.refreshed = refresh_families(store, None, pool)
            with store._transaction():
                _set_state(db, UPDATES_KEY, updates)
        elif touched is None or touched:
            stats.refreshed = refresh_families(store, touched, pool)
        stats.seconds["families"] = time.perf_counter() - t0
        stats.cpu["families"] = time.process_time() - c0
    finally:
        if pool:
            pool.terminate()
    return stats


def main_rows(db) -> int:
    """Rows of the main tier (kept in store_state; counted once for a store indexed before the tiers)."""
    rows = _state(db, MAIN_ROWS_KEY)
    if rows is None:
        rows = db.execute("SELECT COUNT(*) FROM copy_sketch").fetchone()[0]
    return int(rows)


def compact_if_due(store, force: bool = False) -> bool:
    """Merge the recent tier into the main one when it has grown past `COMPACT_ROWS` and `COMPACT_SHARE` of it (its
    rows go in in index order, one transaction). Returns whether it did."""
    db = store.connection
    recent = db.execute("SELECT COUNT(*) FROM copy_sketch_recent").fetchone()[0]
    main = main_rows(db)
    if not recent or (not force and recent <= max(COMPACT_ROWS, COMPACT_SHARE * main)):
        return False
    with store._transaction():
        db.execute("INSERT INTO copy_sketch (hash, key, seq) SELECT hash, key, seq FROM copy_sketch_recent")
        db.execute("DELETE FROM copy_sketch_recent")
        _set_state(db, MAIN_ROWS_KEY, main + recent)
    return True


def _index_chunk(store, rows: list, stats: UpdateStats, pool=None) -> list[Link]:
    db = store.connection
    clock = _Clock(stats)
    seqs = np.array([r["seq"] for r in rows], dtype=_I64)
    texts = [r["text"][:MAX_TEXT_CHARS] for r in rows]
    akeys = np.fromiter((candidates.anchor_key(r["id"]) for r in rows), dtype=_I64, count=len(rows))
    owners, values, words = [], [], []
    batches = (texts[i: i + BATCH] for i in range(0, len(texts), BATCH))
    for i, (owner_b, value_b, words_b) in enumerate(run_all(pool, _sketch_batch, batches, group=16)):
        owners.append(owner_b.astype(_I64) + i * BATCH)
        values.append(value_b)
        words.append(words_b)
    owner = np.concatenate(owners) if owners else np.zeros(0, dtype=_I64)
    value = np.concatenate(values) if values else np.zeros(0, dtype=np.uint64)
    word_counts = np.concatenate(words) if words else np.zeros(0, dtype=_I64)
    # Each (fingerprint, article) once, sorted by fingerprint.
    signed = value.view(_I64)
    order = np.argsort(signed, kind="stable")
    h, o = signed[order], owner[order]
    keep = np.ones(len(h), dtype=bool)
    keep[1:] = (h[1:] != h[:-1]) | (o[1:] != o[:-1])
    h, o = h[keep], o[keep]
    fp_count = np.bincount(o, minlength=len(rows))
    clock("sketch")
    pairs = _candidate_pairs(db, h, o, seqs, akeys, fp_count)
    stats.candidates += len(pairs)
    clock("candidates")
    # The chunk's fingerprints join the index only now, so the matching above saw stored articles alone.
    db.executemany("INSERT OR IGNORE INTO copy_sketch_recent (hash, key, seq) VALUES (?, ?, ?)",
                   zip(h.tolist(), akeys[o].tolist(), seqs[o].tolist(), strict=True))
    db.executemany("INSERT INTO copy_indexed (seq, words, fingerprints) VALUES (?, ?, ?)",
                   zip(seqs.tolist(), word_counts.tolist(), fp_count.tolist(), strict=True))
    stats.indexed += len(rows)
    clock("insert")
    new_text = dict(zip(seqs.tolist(), texts, strict=True))

    links: list[Link] = []
    if len(pairs):
        credits: dict[int, list] = {}

        def work():
            for x, y in _chunks(pairs[:, 0], pairs[:, 1], 1000):
                keys = sorted(set(x.tolist()) | set(y.tolist()))
                stored = texts_of(db, [k for k in keys if k not in new_text])
                yield x.tolist(), y.tolist(), {k: new_text[k] if k in new_text else stored[k] for k in keys}

        for found, found_credits in run_all(pool, _verify_chunk, work(), group=4):
            links.extend(found)
            credits.update(found_credits)
        db.executemany(
            "INSERT OR REPLACE INTO copy_pairs (a, b, kind, shared, record) VALUES (?, ?, ?, ?, ?)",
            [(x.a, x.b, x.rel["kind"], x.rel["shared_words"],
              json.dumps(x.rel, ensure_ascii=False, separators=(",", ":"))) for x in links],
        )
        _store_credits(db, credits)
    stats.links += len(links)
    clock("align")
    return links


class _Clock:
    """CPU seconds per stage of an update, added into `stats.cpu`."""

    def __init__(self, stats: UpdateStats) -> None:
        self.stats = stats
        self.last = time.process_time()

    def __call__(self, stage: str) -> None:
        now = time.process_time()
        self.stats.cpu[stage] = self.stats.cpu.get(stage, 0.0) + now - self.last
        self.last = now


def _candidate_pairs(db, h: np.ndarray, o: np.ndarray, seqs: np.ndarray, akeys: np.ndarray,
                     fp_count: np.ndarray) -> np.ndarray:
    """Candidate pairs (seq a < seq b) of the chunk's articles, among themselves and with the stored ones, under the
    rules of `candidates.pairs` applied to the stored and new articles together (group sizes counted over both,
    anchors by key over both, shared fingerprints counted over all of them). `h`/`o`: the chunk's fingerprints
    (signed) and the chunk index of their article, sorted by fingerprint, each pair once."""
    n = len(seqs)
    shared, n_old = _stored_groups(db, h)
    in_store = np.isin(h, shared)
    pos = np.searchsorted(shared, h[in_store])
    old_count = np.zeros(len(h), dtype=_I64)
    old_count[in_store] = n_old[pos]
    starts = np.flatnonzero(np.concatenate([[True], h[1:] != h[:-1]]))
    n_new = np.repeat(np.diff(np.concatenate([starts, [len(h)]])), np.diff(np.concatenate([starts, [len(h)]])))
    small = old_count + n_new <= candidates.MAX_GROUP
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (seq a, seq b, count)
    # Among new articles: groups that stay small with the stored members counted, or that have none stored.
    local = small | ~in_store
    keys, counts = candidates.pair_counts(o[local], h[local].view(np.uint64), akeys)
    parts.append((seqs[keys // n], seqs[keys % n], counts))
    # New with stored, small groups: every pair.
    small_shared = np.unique(h[in_store & small])
    if len(small_shared):
        found = _members(db, small_shared)
        if len(found):
            lo = np.searchsorted(h, found[:, 0], side="left")
            hi = np.searchsorted(h, found[:, 0], side="right")
            rep = hi - lo
            idx = np.repeat(lo, rep) + (np.arange(rep.sum()) - np.repeat(np.cumsum(rep) - rep, rep))
            parts.append((seqs[o[idx]], np.repeat(found[:, 1], rep), np.ones(len(idx), dtype=_I64)))
    # Large groups: every member with the anchors of old and new together.
    big = np.unique(h[in_store & ~small])
    for fp in big.tolist():
        news = o[h == fp]
        old_anchors = [tuple(row) for table in TIERS for row in db.execute(
            f"SELECT key, seq FROM {table} WHERE hash = ? ORDER BY key LIMIT ?", (fp, candidates.ANCHORS))]
        members = sorted(old_anchors + [(int(akeys[x]), int(seqs[x])) for x in news.tolist()])
        anchors = [s for _, s in members[: candidates.ANCHORS]]
        new_seqs = seqs[news]
        for anchor in anchors:
            parts.append((new_seqs, np.full(len(new_seqs), anchor), np.ones(len(new_seqs), dtype=_I64)))
            if anchor in set(new_seqs.tolist()):  # a new anchor pairs with every stored member too
                olds = np.array([r[0] for table in TIERS
                                 for r in db.execute(f"SELECT seq FROM {table} WHERE hash = ?", (fp,))], dtype=_I64)
                parts.append((olds, np.full(len(olds), anchor), np.ones(len(olds), dtype=_I64)))
    a = np.concatenate([p[0] for p in parts])
    b = np.concatenate([p[1] for p in parts])
    c = np.concatenate([p[2] for p in parts])
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    ok = lo != hi
    key = lo[ok] * (1 << 32) + hi[ok]
    if not len(key):
        return np.zeros((0, 2), dtype=_I64)
    uniq, inv = np.unique(key, return_inverse=True)
    total = np.bincount(inv, weights=c[ok]).astype(_I64)
    pa, pb = uniq >> 32, uniq & ((1 << 32) - 1)
    ends = np.unique(np.concatenate([pa, pb]))
    counts = _fingerprint_counts(db, ends, seqs, fp_count)
    fa, fb = counts[np.searchsorted(ends, pa)], counts[np.searchsorted(ends, pb)]
    need = np.minimum(candidates.MIN_SHARED, np.maximum(np.minimum(fa, fb), 1))
    chosen = total >= need
    return np.stack([pa[chosen], pb[chosen]], axis=1)


def _stored_groups(db, h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which of the fingerprints `h` the index holds (sorted), and how many articles hold each, counted up to
    MAX_GROUP + 1 in each tier (a larger group needs only its anchors)."""
    wanted = json.dumps(np.unique(h).tolist()) if len(h) else None
    found: dict[int, int] = {}
    for table in TIERS:
        if wanted is None or db.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is None:
            continue
        # The fingerprints go in as one JSON array (json_each): one parameter, parsed in C, no temporary table.
        for value, n in db.execute(
                f"SELECT j.value, (SELECT COUNT(*) FROM (SELECT 1 FROM {table} s WHERE s.hash = j.value LIMIT ?)) "
                "FROM json_each(?) j", (candidates.MAX_GROUP + 1, wanted)):
            if n:
                found[value] = found.get(value, 0) + n
    keys = np.array(sorted(found), dtype=_I64)
    return keys, np.array([found[k] for k in keys.tolist()], dtype=_I64)


def _members(db, fps: np.ndarray) -> np.ndarray:
    """(fingerprint, seq) of every stored article holding one of `fps` (small groups only), in either tier."""
    wanted = json.dumps(fps.tolist())
    rows = [row for table in TIERS for row in db.execute(
        f"SELECT s.hash, s.seq FROM json_each(?) j JOIN {table} s ON s.hash = j.value", (wanted,))]
    return np.array(rows, dtype=_I64).reshape(-1, 2)


def texts_of(db, seqs: Iterable[int]) -> dict[int, str]:
    """Stored texts by seq (cut as sketching cuts them)."""
    return {seq: text[:MAX_TEXT_CHARS] for seq, text in _in(db, "SELECT seq, text FROM articles WHERE seq IN ({})",
                                                             seqs)}


def _fingerprint_counts(db, keys: np.ndarray, seqs: np.ndarray, fp_count: np.ndarray) -> np.ndarray:
    """The number of fingerprints of each seq in `keys` (the chunk's from memory, stored ones from the index)."""
    table = dict(zip(seqs.tolist(), fp_count.tolist(), strict=True))
    missing = [k for k in keys.tolist() if k not in table]
    table.update(_in(db, "SELECT seq, fingerprints FROM copy_indexed WHERE seq IN ({})", missing))
    return np.array([table.get(k, 0) for k in keys.tolist()], dtype=_I64)


def _store_credits(db, text_credits: dict[int, list]) -> None:
    """The credit phrases of each article that has a relation (its text's and its removed lines'), kept for the
    family logic, which runs without texts."""
    from newsprobe.corpus.copies.credits import find_credits

    have = {r[0] for r in _in(db, "SELECT seq FROM copy_indexed WHERE credits IS NOT NULL AND seq IN ({})",
                              text_credits)}
    todo = [k for k in text_credits if k not in have]
    removed = dict(_in(db, "SELECT seq, removed FROM articles WHERE seq IN ({})", todo))
    rows = []
    for seq in todo:
        credits = list(text_credits[seq])
        for item in json.loads(removed.get(seq) or "[]"):
            credits.extend({**c.to_dict(), "start": -1, "end": -1, "removed": True}
                           for c in find_credits(item.get("text", "")))
        rows.append((json.dumps(credits), seq))
    db.executemany("UPDATE copy_indexed SET credits = ? WHERE seq = ?", rows)


def _in(db, sql: str, keys: Iterable[int], extra: tuple = ()) -> list:
    """Rows of `sql` (one `{}` for the list) for keys given in chunks under SQLite's parameter limit."""
    keys = list(keys)
    out: list = []
    for i in range(0, len(keys), 900):
        part = keys[i: i + 900]
        out.extend(db.execute(sql.format(",".join("?" * len(part))), (*extra, *part)).fetchall())
    return out


# -- families ----------------------------------------------------------------------------------------------------


def _node_rows(db, keys: Iterable[int]) -> list[tuple]:
    sql = ("SELECT a.seq, a.id, a.outlet, a.url, a.published, a.title, i.credits, a.source FROM articles a "
           "LEFT JOIN copy_indexed i ON i.seq = a.seq WHERE a.seq IN ({})")
    return [tuple(r) for r in _in(db, sql, keys)]


def _link_rows(db, keys: Iterable[int]) -> list[tuple[int, int, str]]:
    """Every stored pair among `keys`, its record as stored (JSON), in (a, b) order."""
    keyset = set(keys)
    found = {}
    for sql in ("SELECT a, b, record FROM copy_pairs WHERE a IN ({})",
                "SELECT a, b, record FROM copy_pairs WHERE b IN ({})"):
        for a, b, record in _in(db, sql, keyset):
            if a in keyset and b in keyset:
                found[(a, b)] = record
    return [(a, b, r) for (a, b), r in sorted(found.items())]


def _nodes_from(rows: list[tuple]) -> dict[int, Node]:
    return {r[0]: Node(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6] or "[]"), r[7]) for r in rows}


def _links_from(rows: list[tuple[int, int, str]]) -> list[Link]:
    return [Link(a, b, json.loads(r)) for a, b, r in rows]


def _nodes(db, keys: Iterable[int]) -> dict[int, Node]:
    return _nodes_from(_node_rows(db, keys))


def _links(db, keys: Iterable[int]) -> list[Link]:
    """Every stored pair among `keys`."""
    return _links_from(_link_rows(db, keys))


def _build_rows(job: tuple[list[tuple], list[tuple], bool]) -> list:
    """A worker's unit: the families of a group of components from their stored rows (the records are parsed here,
    not in the process that reads the store); as (seq, family, kind) memberships when `members` is set."""
    node_rows, link_rows, members = job
    nodes = _nodes_from(node_rows)
    families = build(nodes, _links_from(link_rows))
    if not members:
        return families
    by_id = {n.id: k for k, n in nodes.items()}
    return [(by_id[m["id"]], fam["family"], m["kind"]) for fam in families for m in fam["members"]]


def _by_component(db, keys: np.ndarray, label: np.ndarray, pool, members: bool, size: int = 20_000) -> list:
    """`_build_rows` over groups of whole components (about `size` articles each), in the pool when there is one."""
    by_label: dict[int, list[int]] = {}
    for k in keys.tolist():
        by_label.setdefault(int(label[k]), []).append(k)

    def jobs() -> Iterator[tuple[list[tuple], list[tuple], bool]]:
        group: list[int] = []
        for part in by_label.values():
            group.extend(part)
            if len(group) >= size:
                yield _node_rows(db, group), _link_rows(db, group), members
                group = []
        if group:
            yield _node_rows(db, group), _link_rows(db, group), members

    out: list = []
    for found in run_all(pool, _build_rows, jobs(), group=4):
        out.extend(found)
    return out


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


def refresh_families(store, touched: set[int] | None, pool=None) -> int:
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
    # Components of up to 20,000 articles per job: a few thousand SQL lookups at once, bounded memory.
    memberships = _by_component(db, keys, label, pool, members=True, size=5_000 if pool else 20_000)
    keys_list = keys.tolist()
    with store._transaction():
        if touched is None:
            db.execute("DELETE FROM copy_families")
        else:
            for part in range(0, len(keys_list), 900):
                chunk = keys_list[part: part + 900]
                db.execute(f"DELETE FROM copy_families WHERE seq IN ({','.join('?' * len(chunk))})", chunk)
        db.executemany("INSERT OR REPLACE INTO copy_families (seq, family, kind) VALUES (?, ?, ?)", memberships)
    return len(keys_list)


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


def all_families(store, jobs: int = 1) -> list[dict[str, Any]]:
    """Every family of the store (largest first); `jobs` > 1 builds them in that many worker processes."""
    db = store.connection
    a, b = _all_edges(db)
    if not len(a):
        return []
    label = _components(a, b)
    keys = np.unique(np.concatenate([a, b]))
    pool = _pool(jobs) if len(a) > 1000 else None
    try:
        out = _by_component(db, keys, label, pool, members=False, size=5_000 if pool else 20_000)
    finally:
        if pool:
            pool.terminate()
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
