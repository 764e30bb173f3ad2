"""Candidate pairs from fingerprints: texts that share at least `MIN_SHARED` fingerprints.

Pairs come from an inverted index (fingerprint -> texts), built by sorting, not from hashing every pair: a
fingerprint held by at most `MAX_GROUP` texts pairs them all; one held by more (a story republished by hundreds of
sites, or a phrase every article of a site repeats) pairs each of them with the group's `ANCHORS` anchors only: the
members with the smallest `anchor_key`, a hash of the article id. That keeps a big family connected at a cost linear
in its size, and since the key depends on the id alone, a Spark job, the local command and the store's index pick
the same anchors (the store keeps the key beside each fingerprint, so it finds a group's anchors by an index range).
"""

from __future__ import annotations

import hashlib

import numpy as np

MIN_SHARED = 2  # fingerprints two texts must share to be compared (one, for a text that has only one)
MAX_GROUP = 50
ANCHORS = 3


def anchor_key(article_id: str) -> int:
    """A non-negative 56-bit integer from the id: the order of anchors (no tie in practice)."""
    return int.from_bytes(hashlib.blake2b(article_id.encode("utf-8"), digest_size=7).digest(), "big")


def pair_counts(owner: np.ndarray, value: np.ndarray, rank: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair the group rules make, as one integer `i * n + j` (i < j), with how many distinct fingerprints
    produced it. `rank[d]` orders text d for the anchor rule (its `anchor_key`)."""
    n_texts = len(rank)
    if len(owner) > 1 and not np.all(owner[1:] >= owner[:-1]):
        by_text = np.argsort(owner, kind="stable")
        owner, value = owner[by_text], value[by_text]
    # A stable sort keeps each group's texts in increasing order, so a fingerprint a text holds twice is adjacent to
    # itself and counted once.
    order = np.argsort(value, kind="stable")
    v, d = value[order], owner[order].astype(np.int64)
    del order
    repeat = np.zeros(len(v), dtype=bool)
    repeat[1:] = (v[1:] == v[:-1]) & (d[1:] == d[:-1])
    if repeat.any():
        v, d = v[~repeat], d[~repeat]
    start = np.flatnonzero(np.concatenate([[True], v[1:] != v[:-1]]))
    size = np.diff(np.concatenate([start, [len(v)]]))
    del v
    keys = []
    for s in range(2, MAX_GROUP + 1):
        at = start[size == s]
        if not len(at):
            continue
        members = d[at[:, None] + np.arange(s)]  # one row per group
        p, q = np.triu_indices(s, 1)
        keys.append(pair_key(members[:, p].ravel(), members[:, q].ravel(), n_texts))
    for at, s in zip(start[size > MAX_GROUP].tolist(), size[size > MAX_GROUP].tolist(), strict=True):
        members = d[at: at + s]
        anchors = members[np.argsort(rank[members], kind="stable")[:ANCHORS]]
        keys.append(pair_key(np.repeat(anchors, len(members)), np.tile(members, len(anchors)), n_texts))
    if not keys:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    all_keys = np.concatenate(keys)
    return np.unique(all_keys[all_keys >= 0], return_counts=True)


def select(keys: np.ndarray, counts: np.ndarray, n_texts: int, fp_count: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs (i, j, shared) that share enough fingerprints: `MIN_SHARED`, or all that the poorer text has."""
    i, j = keys // n_texts, keys % n_texts
    need = np.minimum(MIN_SHARED, np.maximum(np.minimum(fp_count[i], fp_count[j]), 1))
    ok = counts >= need
    return i[ok], j[ok], counts[ok]


def pairs(owner: np.ndarray, value: np.ndarray, rank: np.ndarray, fp_count: np.ndarray | None = None
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate pairs (i, j, shared fingerprints) with i < j, from fingerprints `value[n]` of text `owner[n]`.

    `rank[d]` orders texts for the anchor rule (`anchor_key` of their id); `fp_count[d]` is how many fingerprints
    text d has (computed from `owner` when not given)."""
    if fp_count is None:
        fp_count = np.bincount(owner, minlength=len(rank))
    keys, counts = pair_counts(owner, value, rank)
    return select(keys, counts, len(rank), fp_count)


def pair_key(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    """Pair (min, max) as one integer; -1 for a text paired with itself (a fingerprint it holds twice)."""
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    key = lo * n + hi
    key[lo == hi] = -1
    return key
