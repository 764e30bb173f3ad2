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
    groups = _Groups(owner, value, rank)
    return groups.counts(0, len(rank))


def _pair_parts(groups: _Groups, n_texts: int, budget: int) -> list[tuple[int, int]]:
    """Ranges of the first text of a pair, each making about `budget` pair keys at most (one range for all when they
    fit): the keys of a range are counted alone, so memory follows the budget, not the corpus."""
    total = groups.estimate()
    parts = min(max(1, -(-total // budget)), max(1, n_texts // 64))
    if parts == 1:
        return [(0, n_texts)]
    edges = np.linspace(0, n_texts, parts + 1).astype(np.int64)
    return list(zip(edges[:-1].tolist(), edges[1:].tolist(), strict=True))


class _Groups:
    """Fingerprint groups (the texts holding each fingerprint), from which pair keys are made for a range of first
    texts at a time."""

    def __init__(self, owner: np.ndarray | list[np.ndarray], value: np.ndarray | list[np.ndarray],
                 rank: np.ndarray) -> None:
        """From the fingerprints as arrays, or as lists of arrays: those are joined and emptied, so that the
        fingerprints are freed as soon as they are sorted (at a million articles, 70 million of them)."""
        self.n = len(rank)
        self.rank = rank
        if isinstance(owner, list):
            owner, value = _joined(owner), _joined(value)  # type: ignore[arg-type]
        if len(owner) > 1 and not np.all(owner[1:] >= owner[:-1]):
            by_text = np.argsort(owner, kind="stable")
            owner, value = owner[by_text], value[by_text]
        # A stable sort keeps each group's texts in increasing order, so a fingerprint a text holds twice is adjacent
        # to itself and counted once.
        order = np.argsort(value, kind="stable")
        v = value[order]
        del value
        d = owner[order].astype(np.int32 if self.n < 2**31 else np.int64)
        del owner, order
        repeat = np.zeros(len(v), dtype=bool)
        repeat[1:] = (v[1:] == v[:-1]) & (d[1:] == d[:-1])
        if repeat.any():
            v, d = v[~repeat], d[~repeat]
        start = np.flatnonzero(np.concatenate([[True], v[1:] != v[:-1]]))
        size = np.diff(np.concatenate([start, [len(v)]]))
        del v
        shared = size >= 2  # most fingerprints belong to one text: they make no pair
        self.d, self.start, self.size = d, start[shared], size[shared].astype(np.int32)
        self.big = [(at, s) for at, s in zip(start[size > MAX_GROUP].tolist(), size[size > MAX_GROUP].tolist(),
                                             strict=True)]

    def estimate(self) -> int:
        """How many pair keys all groups make (with repeats)."""
        small = self.size[(self.size >= 2) & (self.size <= MAX_GROUP)].astype(np.int64)
        return int((small * (small - 1) // 2).sum()) + sum(ANCHORS * s for _, s in self.big)

    def counts(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        """Pair keys whose first text is in [lo, hi), with their counts, sorted."""
        d, n = self.d, self.n
        keys = []
        for s in range(2, MAX_GROUP + 1):
            at = self.start[self.size == s]
            if not len(at):
                continue
            members = d[at[:, None] + np.arange(s)]  # one row per group, texts in increasing order
            if lo > 0 or hi < n:  # only groups with a member in range can make a pair with its first text there
                members = members[((members >= lo) & (members < hi))[:, :-1].any(axis=1)]
            p, q = np.triu_indices(s, 1)
            a, b = members[:, p].ravel(), members[:, q].ravel()
            if lo > 0 or hi < n:
                inside = (a >= lo) & (a < hi)
                a, b = a[inside], b[inside]
            keys.append(pair_key(a, b, n))
        for at, s in self.big:
            members = d[at: at + s].astype(np.int64)
            anchors = members[np.argsort(self.rank[members], kind="stable")[:ANCHORS]]
            key = pair_key(np.repeat(anchors, len(members)), np.tile(members, len(anchors)), n)
            if lo > 0 or hi < n:
                first = key // n
                key = key[(key >= 0) & (first >= lo) & (first < hi)]
            keys.append(key)
        if not keys:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        all_keys = np.concatenate(keys)
        del keys
        return np.unique(all_keys[all_keys >= 0], return_counts=True)


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    out = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    parts.clear()
    return out


def select(keys: np.ndarray, counts: np.ndarray, n_texts: int, fp_count: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs (i, j, shared) that share enough fingerprints: `MIN_SHARED`, or all that the poorer text has."""
    i, j = keys // n_texts, keys % n_texts
    need = np.minimum(MIN_SHARED, np.maximum(np.minimum(fp_count[i], fp_count[j]), 1))
    ok = counts >= need
    return i[ok], j[ok], counts[ok]


def pairs(owner: np.ndarray | list[np.ndarray], value: np.ndarray | list[np.ndarray], rank: np.ndarray,
          fp_count: np.ndarray | None = None, budget: int = 20_000_000) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate pairs (i, j, shared fingerprints) with i < j, from fingerprints `value[n]` of text `owner[n]` (or
    lists of arrays to join: they are emptied, see `_Groups`).

    `rank[d]` orders texts for the anchor rule (`anchor_key` of their id); `fp_count[d]` is how many fingerprints
    text d has (computed from `owner` when not given). Pair keys are counted for one range of first texts at a time,
    each making about `budget` keys (the peak memory of the stage: common phrases make many pairs that share one
    fingerprint only); the result is the same, in the same order."""
    if fp_count is None:
        fp_count = _fp_count(owner, len(rank))
    groups = _Groups(owner, value, rank)
    found = [select(*groups.counts(lo, hi), len(rank), fp_count)
             for lo, hi in _pair_parts(groups, len(rank), budget)]
    return tuple(np.concatenate([f[k] for f in found]) for k in range(3))  # type: ignore[return-value]


def _fp_count(owner: np.ndarray | list[np.ndarray], n: int) -> np.ndarray:
    return np.bincount(np.concatenate(owner) if isinstance(owner, list) else owner, minlength=n)


def pair_key(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    """Pair (min, max) as one integer; -1 for a text paired with itself (a fingerprint it holds twice)."""
    lo, hi = np.minimum(a, b).astype(np.int64), np.maximum(a, b).astype(np.int64)
    key = lo * n + hi
    key[lo == hi] = -1
    return key
