"""Candidate pairs from fingerprints: texts that share at least `MIN_SHARED` fingerprints.

Pairs come from an inverted index (fingerprint -> texts), built by sorting, not from hashing every pair: a
fingerprint held by a few texts pairs them all; one held by more than `MAX_GROUP` texts (a story republished by
hundreds of sites, or a phrase every article of a site repeats) pairs each of them with the group's `ANCHORS`
anchors only (the smallest article ids), which keeps a big family connected at a cost linear in its size; one held
by more than `MAX_DF` texts is boilerplate and ignored. The anchor rule uses ids, not input order, so a Spark job and
the local command pick the same anchors.
"""

from __future__ import annotations

import numpy as np

MIN_SHARED = 2  # fingerprints two texts must share to be compared (one, for a text that has only one)
MAX_GROUP = 50
ANCHORS = 3
MAX_DF = 20_000


def pairs(owner: np.ndarray, value: np.ndarray, rank: np.ndarray, fp_count: np.ndarray | None = None
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate pairs (i, j, shared fingerprints) with i < j, from fingerprints `value[n]` of text `owner[n]`.

    `rank[d]` orders texts for the anchor rule (the rank of their id); `fp_count[d]` is how many fingerprints text d
    has (for the one-fingerprint case; computed from `owner` when not given).
    """
    n_texts = len(rank)
    if fp_count is None:
        fp_count = np.bincount(owner, minlength=n_texts)
    order = np.argsort(value)
    v, d = value[order], owner[order].astype(np.int64)
    del order
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
        a, b = members[:, p].ravel(), members[:, q].ravel()
        keys.append(_key(a, b, n_texts))
    for at, s in zip(start[(size > MAX_GROUP) & (size <= MAX_DF)], size[(size > MAX_GROUP) & (size <= MAX_DF)],
                     strict=True):
        members = np.unique(d[at: at + s])
        anchors = members[np.argsort(rank[members])[:ANCHORS]]
        a = np.repeat(anchors, len(members))
        b = np.tile(members, len(anchors))
        keys.append(_key(a, b, n_texts))
    if not keys:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    all_keys = np.concatenate(keys)
    all_keys = all_keys[all_keys >= 0]
    uniq, counts = np.unique(all_keys, return_counts=True)
    i, j = uniq // n_texts, uniq % n_texts
    need = np.minimum(MIN_SHARED, np.maximum(np.minimum(fp_count[i], fp_count[j]), 1))
    ok = counts >= need
    return i[ok], j[ok], counts[ok]


def _key(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    """Pair (min, max) as one integer; -1 for a text paired with itself (a fingerprint it holds twice)."""
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    key = lo * n + hi
    key[lo == hi] = -1
    return key
