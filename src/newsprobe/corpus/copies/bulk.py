"""The first indexing of a store: every article at once, in memory, as `detect.py` treats a corpus read directly.

Indexing a large store chunk by chunk matches each chunk against the fingerprints stored before it, one lookup per
fingerprint, and inserts its own at random places of the index: at a million articles that is hours. When nothing
is indexed yet there is nothing to look up: the articles are sketched (in worker processes), paired by
`candidates.pairs` over all of them, aligned, and written in one transaction, the fingerprints sorted by hash, so
that the index B-tree is built by appending. The pairs found are those of `newsprobe families` over the same texts
in the same order, so the families are the same too.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import numpy as np

from newsprobe.corpus.copies import candidates
from newsprobe.corpus.copies.detect import BATCH, MAX_TEXT_CHARS, _chunks, _sketch_batch, _verify_chunk, run_all
from newsprobe.corpus.copies.index import (
    MAIN_ROWS_KEY,
    UpdateStats,
    _Clock,
    _set_state,
    _store_credits,
    texts_of,
)

_I64 = np.int64


def build(store, stats: UpdateStats, pool=None, progress: Callable[[str, int], None] | None = None) -> None:
    """Index every stored article (the index must be empty) and store its pairs; families are left to the caller."""
    db = store.connection
    clock = _Clock(stats)
    seqs_read: list[int] = []
    ids: list[str] = []

    def batches() -> Iterator[list[str]]:
        last = 0
        while rows := db.execute("SELECT seq, id, text FROM articles WHERE seq > ? ORDER BY seq LIMIT ?",
                                 (last, 16 * BATCH)).fetchall():
            last = rows[-1][0]
            for i in range(0, len(rows), BATCH):
                part = rows[i: i + BATCH]
                seqs_read.extend(r[0] for r in part)
                ids.extend(r[1] for r in part)
                yield [r[2][:MAX_TEXT_CHARS] for r in part]

    owners, values, words = [], [], []
    done = 0
    for owner, value, counts in run_all(pool, _sketch_batch, batches(), group=16):
        owners.append(owner + done)
        values.append(value)
        words.append(counts)
        done += len(counts)
        if progress:
            progress("sketch", done)
    if not done:
        return
    seqs = np.array(seqs_read, dtype=_I64)
    akeys = np.fromiter((candidates.anchor_key(i) for i in ids), dtype=_I64, count=len(ids))
    ids.clear()
    owner, value = np.concatenate(owners), np.concatenate(values)  # kept: they are stored below
    word_counts = np.concatenate(words)
    owners.clear()
    values.clear()
    clock("sketch")
    ci, cj, _ = candidates.pairs(owner, value, akeys)
    stats.candidates += len(ci)
    clock("candidates")
    # Each (fingerprint, article) once, in index order: by fingerprint (then article, as the stable sort leaves them).
    signed = value.view(_I64)
    order = np.argsort(signed, kind="stable")
    h, o = signed[order], owner[order]
    del order, owner, value, signed
    keep = np.ones(len(h), dtype=bool)
    keep[1:] = (h[1:] != h[:-1]) | (o[1:] != o[:-1])
    h, o = h[keep], o[keep]
    del keep
    fp_count = np.bincount(o, minlength=len(seqs))
    clock("sort")
    with store._transaction():
        step = 1_000_000
        for s in range(0, len(h), step):
            part = o[s: s + step]
            db.executemany("INSERT INTO copy_sketch (hash, key, seq) VALUES (?, ?, ?)",
                           zip(h[s: s + step].tolist(), akeys[part].tolist(), seqs[part].tolist(), strict=True))
        _set_state(db, MAIN_ROWS_KEY, len(h))
        del h, o
        db.executemany("INSERT INTO copy_indexed (seq, words, fingerprints) VALUES (?, ?, ?)",
                       zip(seqs.tolist(), word_counts.tolist(), fp_count.tolist(), strict=True))
        stats.indexed += len(seqs)
        clock("insert")

        def work() -> Iterator[tuple[list[int], list[int], dict[int, str]]]:
            for a, b in _chunks(ci, cj, 1000):
                yield seqs[a].tolist(), seqs[b].tolist(), texts_of(db, seqs[np.union1d(a, b)].tolist())

        pairs: list[tuple[int, int, str, int, str]] = []
        credits: dict[int, list] = {}
        for found, found_credits in run_all(pool, _verify_chunk, work(), group=4):
            pairs.extend((x.a, x.b, x.rel["kind"], x.rel["shared_words"],
                          json.dumps(x.rel, ensure_ascii=False, separators=(",", ":"))) for x in found)
            credits.update(found_credits)
            if progress:
                progress("aligned", len(pairs))
        pairs.sort()  # appended to the (a, b) B-tree in order
        db.executemany("INSERT INTO copy_pairs (a, b, kind, shared, record) VALUES (?, ?, ?, ?, ?)", pairs)
        stats.links += len(pairs)
        _store_credits(db, credits)
        clock("align")
