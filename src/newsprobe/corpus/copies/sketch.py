"""Words, shingles and the sketch of a text: the part of copy detection that touches every article.

Why not a MinHash: a MinHash estimates the Jaccard similarity of two whole texts, so an article that lifts three
paragraphs into a text of its own (a partial copy) looks unrelated to its source. What we keep instead is a
*winnowed* set of word 5-gram hashes (Schleimer, Wilkerson & Aiken 2003, the method of MOSS): the smallest shingle
hash of every window of `WINDOW` consecutive shingles. Two texts that share a run of WINDOW + SHINGLE - 1 words
(20 words: one sentence) are guaranteed to share a fingerprint, whatever else either text holds, and a 600-word
article has about 70 fingerprints. `bench/copies_sketch.py` measures this against MinHash (rensa, datasketch, numpy
over xxhash) on speed and on what the candidates miss.

Everything here is numpy over a whole batch of texts at once, because per-word Python is what would make a million
articles slow: words are found and hashed on the UTF-8 bytes (a polynomial hash from prefix sums, so every word's
hash is the same wherever it sits in the batch), and a batch gives exactly the per-text results. The hashes depend
on nothing but the text, so a Spark job, a later run and another machine all get the same ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

SHINGLE = 5  # words per shingle
WINDOW = 16  # shingles per winnowing window: a shared run of WINDOW + SHINGLE - 1 words always shares a fingerprint
VERSION = f"winnow-w{WINDOW}-k{SHINGLE}-v1"  # stored with the index; a change means a rebuild

_U64 = np.uint64
_MASK = (1 << 64) - 1
_BASE = 0x100000001B3  # odd, so it has an inverse modulo 2**64
_BASE_INV = pow(_BASE, -1, 1 << 64)
_MIX = tuple(_U64(m) for m in (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5,
                               0x85EBCA77C2B2AE63))

# A byte is part of a word when it is an ASCII letter or digit, or any byte of a non-ASCII character.
_WORD_BYTE = np.zeros(256, dtype=bool)
_WORD_BYTE[ord("0"): ord("9") + 1] = True
_WORD_BYTE[ord("a"): ord("z") + 1] = True
_WORD_BYTE[0x80:] = True
_powers: tuple[np.ndarray, np.ndarray] = (np.ones(1, dtype=_U64), np.ones(1, dtype=_U64))


def _power_tables(n: int) -> tuple[np.ndarray, np.ndarray]:
    """BASE**i and BASE**-i modulo 2**64 for i < n (grown on demand and kept)."""
    global _powers
    pw, inv = _powers
    if len(pw) < n:
        size = max(n, 2 * len(pw), 1 << 16)
        with np.errstate(over="ignore"):
            pw = np.cumprod(np.concatenate([[_U64(1)], np.full(size - 1, _BASE, dtype=_U64)]), dtype=_U64)
            inv = np.cumprod(np.concatenate([[_U64(1)], np.full(size - 1, _BASE_INV, dtype=_U64)]), dtype=_U64)
        _powers = (pw, inv)
    return pw[:n], inv[:n]


def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every input bit moves every output bit (the polynomial hash alone has weak low bits)."""
    with np.errstate(over="ignore"):
        x = x ^ (x >> _U64(30))
        x = x * _U64(0xBF58476D1CE4E5B9)
        x = x ^ (x >> _U64(27))
        x = x * _U64(0x94D049BB133111EB)
        return x ^ (x >> _U64(31))


@dataclass
class Words:
    """The words of a batch of texts, concatenated: hash, byte start and end of each, and where each text's start.

    `starts`/`ends` are offsets into that text's own UTF-8 bytes (see `char_offsets` for characters); `bounds[d]` to
    `bounds[d + 1]` are text d's words.
    """

    hashes: np.ndarray  # uint64
    starts: np.ndarray  # int64
    ends: np.ndarray  # int64
    bounds: np.ndarray  # int64, len(texts) + 1
    char_starts: np.ndarray | None = None  # the same offsets in characters (`words(..., chars=True)`)
    char_ends: np.ndarray | None = None

    def of(self, d: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        a, b = self.bounds[d], self.bounds[d + 1]
        return self.hashes[a:b], self.starts[a:b], self.ends[a:b]

    def chars_of(self, d: int) -> tuple[np.ndarray, np.ndarray]:
        a, b = self.bounds[d], self.bounds[d + 1]
        return self.char_starts[a:b], self.char_ends[a:b]


def text_bytes(text: str) -> bytes:
    """The bytes words are read from: UTF-8 with ASCII lower-cased, one byte sequence per character of `text`, so byte
    offsets map back to character offsets."""
    return text.encode("utf-8", "surrogatepass").lower()


def _word_bytes(buf: np.ndarray) -> np.ndarray:
    """Which bytes belong to words: ASCII letters and digits and non-ASCII characters, except the non-ASCII characters
    that are punctuation or space (typographic quotes and dashes, no-break spaces, bullets, guillemets), which would
    otherwise glue `“Aleppo` into one word. Those are U+0080-U+00BF (two bytes C2 xx), U+2000-U+207F (E2 80 xx,
    E2 81 xx), U+3000-U+303F (E3 80 xx) and the byte-order mark (EF BB BF)."""
    is_word = _WORD_BYTE[buf]
    lead = np.flatnonzero(buf[:-2] >= 0xC2)  # lead bytes of non-ASCII characters (few, in most news text)
    if len(lead):
        first, second = buf[lead], buf[lead + 1]
        two = lead[(first == 0xC2) & (second < 0xC0)]
        three = lead[((first == 0xE2) & ((second == 0x80) | (second == 0x81)))
                     | ((first == 0xE3) & (second == 0x80)) | ((first == 0xEF) & (second == 0xBB))]
        is_word[two] = is_word[two + 1] = False
        is_word[three] = is_word[three + 1] = is_word[three + 2] = False
    return is_word


def words(texts: Sequence[str], chars: bool = False) -> Words:
    """Every word of every text with its hash; one pass of numpy over the batch. With `chars`, the offsets in
    characters too (what `char_offsets` gives for each text, for the whole batch at once)."""
    blobs = [text_bytes(t) for t in texts]
    lengths = np.fromiter((len(b) for b in blobs), dtype=np.int64, count=len(blobs))
    text_start = np.concatenate([[0], np.cumsum(lengths + 1)])  # a separator byte after each text
    buf = np.frombuffer(b"\n".join(blobs) + b"\n", dtype=np.uint8)
    is_word = _word_bytes(buf)
    edges = np.diff(is_word.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    pw, inv = _power_tables(len(buf) + 1)
    with np.errstate(over="ignore"):
        prefix = np.zeros(len(buf) + 1, dtype=_U64)
        np.cumsum(buf.astype(_U64) * pw[: len(buf)], dtype=_U64, out=prefix[1:])
        hashes = mix64((prefix[ends] - prefix[starts]) * inv[starts])
    owner = np.searchsorted(text_start, starts, side="right") - 1
    bounds = np.searchsorted(owner, np.arange(len(texts) + 1), side="left").astype(np.int64)
    offset = text_start[owner]
    out = Words(hashes, starts - offset, ends - offset, bounds)
    if chars:  # a character starts at every byte that is not a UTF-8 continuation byte
        char_at = np.zeros(len(buf) + 1, dtype=np.int64)
        np.cumsum((buf & 0xC0) != 0x80, out=char_at[1:])
        base = char_at[offset]
        out.char_starts, out.char_ends = char_at[starts] - base, char_at[ends] - base
    return out


def shingles(hashes: np.ndarray, bounds: np.ndarray, k: int = SHINGLE) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of every run of k consecutive words inside one text, and the bounds of each text's shingles.

    A text of fewer than k words has no shingle (it is too short to call anything in it a copy)."""
    n = len(hashes)
    if n < k:
        return np.zeros(0, dtype=_U64), np.zeros(len(bounds), dtype=np.int64)
    with np.errstate(over="ignore"):
        acc = hashes[: n - k + 1].copy()
        for j in range(1, k):
            acc = acc + hashes[j: n - k + 1 + j] * _MIX[j - 1]
        acc = mix64(acc)
    # Shingle i starts at word i; it belongs to a text when its last word is in the same text.
    owner = np.repeat(np.arange(len(bounds) - 1), np.diff(bounds))
    keep = owner[: n - k + 1] == owner[k - 1:]
    counts = np.maximum(np.diff(bounds) - (k - 1), 0)
    sb = np.concatenate([[0], np.cumsum(counts)])
    return acc[keep], sb.astype(np.int64)


def winnow(values: np.ndarray, bounds: np.ndarray, w: int = WINDOW) -> tuple[np.ndarray, np.ndarray]:
    """The minimum of every window of w consecutive values inside one text (of the whole text when it is shorter):
    each text's fingerprints as (text index, value) pairs in text order. Neighbouring windows that share their minimum
    give it once; a value may still come twice for one text (a repeated phrase), which every user of this tolerates."""
    n = len(values)
    texts = len(bounds) - 1
    sizes = np.diff(bounds)
    owner = np.repeat(np.arange(texts), sizes)
    m = n - w + 1
    if m > 0:
        window_min = values[:m].copy()
        for j in range(1, w):  # w shifted minima: faster in numpy than the O(n) block algorithms for w this small
            np.minimum(window_min, values[j: j + m], out=window_min)
        inside = owner[:m] == owner[w - 1:]
        win_owner, win_value = owner[:m][inside], window_min[inside]
    else:
        win_owner, win_value = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=_U64)
    short = np.flatnonzero((sizes > 0) & (sizes < w))
    if len(short):  # texts shorter than a window: their smallest value, in text order with the rest
        win_owner = np.concatenate([win_owner, short])
        win_value = np.concatenate([win_value, _segment_min(values, bounds, short)])
        order = np.argsort(win_owner, kind="stable")
        win_owner, win_value = win_owner[order], win_value[order]
    new = np.ones(len(win_owner), dtype=bool)
    new[1:] = (win_owner[1:] != win_owner[:-1]) | (win_value[1:] != win_value[:-1])
    return win_owner[new].astype(np.int64), win_value[new]


def _segment_min(values: np.ndarray, bounds: np.ndarray, which: np.ndarray) -> np.ndarray:
    """Minimum of values[bounds[d]:bounds[d+1]] for each d in `which` (non-empty segments), vectorised."""
    starts, ends = bounds[which], bounds[which + 1]
    pairs = np.empty(2 * len(which), dtype=np.int64)
    pairs[0::2], pairs[1::2] = starts, ends
    if pairs[-1] == len(values):
        pairs = pairs[:-1]
    return np.minimum.reduceat(values, pairs)[0::2]


@dataclass
class Sketch:
    """Fingerprints of a batch: `owner[i]` is the index (in the batch) of the text holding fingerprint `value[i]`;
    `words[d]` is text d's number of words."""

    owner: np.ndarray
    value: np.ndarray
    words: np.ndarray


def sketch(texts: Sequence[str]) -> Sketch:
    """The fingerprints of each text of a batch (the same as sketching each text alone)."""
    w = words(texts)
    sh, sb = shingles(w.hashes, w.bounds)
    owner, value = winnow(sh, sb)
    return Sketch(owner, value, np.diff(w.bounds))


def fingerprints(text: str) -> np.ndarray:
    """One text's fingerprints, sorted and unique (uint64); the unit a Spark job maps over."""
    return np.unique(sketch([text]).value)


def char_offsets(text: str, *byte_offsets: np.ndarray) -> tuple[np.ndarray, ...]:
    """Character offsets in `text` of offsets into `text_bytes(text)` (one array out per array in)."""
    if text.isascii():
        return byte_offsets
    raw = np.frombuffer(text_bytes(text), dtype=np.uint8)
    # A character starts at every byte that is not a UTF-8 continuation byte.
    char_at = np.concatenate([[0], np.cumsum((raw & 0xC0) != 0x80)])
    return tuple(char_at[b] for b in byte_offsets)
