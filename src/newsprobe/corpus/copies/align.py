"""Align two texts: the passages they share, in any order, with light rewording inside them.

passim (Smith et al.) aligns candidate pairs with Smith-Waterman, which finds matches only in increasing order: a
copy that moves paragraphs around comes back as one passage and loses the rest. Here the unit is the *seed*, a word
5-gram found once in each text. Seeds on one diagonal (the same shift between the texts) with consecutive positions
form exact runs; runs are chained into a passage while the gaps between them stay small in both texts and the shift
drifts little (a swapped word leaves a gap of one in both, an inserted one a gap in one text only). A paragraph moved
elsewhere is on another diagonal, so it becomes a passage of its own, wherever it went.

Two independent reports of one event share names, places, figures and short phrases, never a long run of words: a
passage must hold `MIN_PASSAGE_WORDS` words, most of them in exact runs. Reports that quote the same statement do
share a long run, inside quotation marks in both texts: such a passage is kept as `quote` and is no evidence of
copying on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from newsprobe.corpus.copies import sketch

MIN_PASSAGE_WORDS = 20  # one sentence: shorter shared runs are phrases, names, figures
MIN_DENSITY = 0.6  # share of a passage's words inside exact runs
MIN_RUN = 12  # words of the longest exact run of a passage: long names and figures ("the Operation Room for Conquest of
# Aleppo", "at least 22 militant groups") make runs of 6 to 10 words in independent reports; copied prose, even
# lightly reworded, has longer ones
MAX_GAP = 12  # words between two runs of one passage, in either text
MIN_EDGE_RUN = 8  # a passage neither starts nor ends with a shorter run set apart by a gap (a name after a rewrite)
MAX_DRIFT = 8  # change of shift between two runs of one passage (words inserted on one side)
COPY_COVER = 0.4  # a copy: the shared passages cover this share of each text; less of one of them: a partial copy
QUOTE_SLACK = 0.05  # a passage is a shared quotation when at most this share of it (or 3 words) is outside quotes
_QUOTES = re.compile(r"“[^”\n]{1,4000}”|\"[^\"\n]{1,4000}\"|«[^»\n]{1,4000}»|„[^“”\n]{1,4000}[“”]")


@dataclass
class Text:
    """A text ready for alignment: its words (hashes, character offsets), which words sit inside quotation marks,
    and its word 5-grams that occur once (the seeds), sorted, with the word where each starts."""

    text: str
    hashes: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    quoted: np.ndarray
    seeds: np.ndarray
    seed_at: np.ndarray
    _credits: list | None = None

    @property
    def words(self) -> int:
        return len(self.hashes)

    @property
    def credits(self) -> list:
        """The text's credit phrases (found once, on first use)."""
        if self._credits is None:
            from newsprobe.corpus.copies.credits import find_credits

            self._credits = [c.to_dict() for c in find_credits(self.text)]
        return self._credits


def prepare(text: str) -> Text:
    return prepare_many([text])[0]


def prepare_many(texts: list[str]) -> list[Text]:
    """Texts ready for alignment, the words of all of them found and hashed in one numpy pass (what makes aligning
    hundreds of thousands of pairs affordable)."""
    w = sketch.words(texts, chars=True)
    sh, sb = sketch.shingles(w.hashes, w.bounds)
    owner = np.repeat(np.arange(len(texts)), np.diff(sb))
    # Seeds occur once in their text: sort by value, then (stably: a radix sort on small integers) by text, and drop
    # values seen twice in a text.
    order = np.argsort(sh)
    small = np.int16 if len(texts) < 2**15 else np.int32
    order = order[np.argsort(owner.astype(small)[order], kind="stable")]
    val, own = sh[order], owner[order]
    same = (val[1:] == val[:-1]) & (own[1:] == own[:-1])
    once = np.ones(len(val), dtype=bool)
    once[1:] &= ~same
    once[:-1] &= ~same
    local = order - sb[owner[order]]  # word index of each shingle's start, within its text
    out = []
    for d, text in enumerate(texts):
        lo, hi = sb[d], sb[d + 1]
        keep = once[lo:hi]
        hashes = w.hashes[w.bounds[d]: w.bounds[d + 1]]
        starts, ends = w.chars_of(d)
        out.append(Text(text, hashes, starts, ends, _quoted_words(text, starts), val[lo:hi][keep], local[lo:hi][keep]))
    return out


def _quoted_words(text: str, starts: np.ndarray) -> np.ndarray:
    spans = [(m.start(), m.end()) for m in _QUOTES.finditer(text)]
    if not spans or not len(starts):
        return np.zeros(len(starts), dtype=bool)
    qs = np.array([s for s, _ in spans])
    qe = np.array([e for _, e in spans])
    k = np.searchsorted(qs, starts, side="right") - 1
    return (k >= 0) & (starts < qe[np.maximum(k, 0)])


@dataclass
class Passage:
    """Words [a0, a1) of text A and [b0, b1) of text B, shared; `runs` are the exact runs inside it (word spans in A
    and B), `quote` marks a shared quotation."""

    a0: int
    a1: int
    b0: int
    b1: int
    runs: list[tuple[int, int, int, int]] = field(default_factory=list)
    quote: bool = False

    @property
    def matched(self) -> int:
        return sum(r[1] - r[0] for r in self.runs)


@dataclass
class Comparison:
    """How two texts relate: `kind` is "copy" (the shared passages cover at least COPY_COVER of each), "partial"
    (less of at least one of them) or None; `cover_a`/`cover_b` the share of each text's words inside the passages."""

    kind: str | None
    passages: list[Passage]
    cover_a: float
    cover_b: float
    words_a: int
    words_b: int

    @property
    def shared_words(self) -> int:
        return sum(p.a1 - p.a0 for p in self.passages if not p.quote)


def _runs(a: Text, b: Text, k: int) -> list[tuple[int, int, int, int]]:
    """Exact runs: maximal stretches of seeds on one diagonal at consecutive positions, as word spans (a0, a1, b0,
    b1), sorted by a0."""
    if not len(a.seeds) or not len(b.seeds):
        return []
    ib = np.searchsorted(b.seeds, a.seeds)
    ib[ib == len(b.seeds)] = 0
    ia = np.flatnonzero(b.seeds[ib] == a.seeds)
    if not len(ia):
        return []
    pa, pb = a.seed_at[ia], b.seed_at[ib[ia]]
    diag = pb - pa
    order = np.argsort((diag + (1 << 31)) * (1 << 31) + pa)  # by diagonal, then position (one key: no lexsort)
    pa, diag = pa[order], diag[order]
    cut = np.flatnonzero((np.diff(diag) != 0) | (np.diff(pa) != 1)) + 1
    first = np.concatenate([[0], cut])
    last = np.concatenate([cut, [len(pa)]]) - 1
    a0, a1, d = pa[first], pa[last] + k, diag[first]
    order = np.argsort(a0, kind="stable")
    return [(int(x0), int(x1), int(x0 + dd), int(x1 + dd)) for x0, x1, dd in zip(a0[order], a1[order], d[order],
                                                                               strict=True)]


def _chain(runs: list[tuple[int, int, int, int]]) -> list[Passage]:
    """Runs into passages: a run joins the open passage it follows closely in both texts, else starts one."""
    passages: list[Passage] = []
    active: list[Passage] = []
    for run in runs:
        a0, a1, b0, b1 = run
        active = [p for p in active if a0 - p.a1 <= MAX_GAP]
        best, best_gap = None, None
        for p in active:
            ga, gb = a0 - p.a1, b0 - p.b1
            if -4 <= ga <= MAX_GAP and -4 <= gb <= MAX_GAP and abs(ga - gb) <= MAX_DRIFT:
                gap = abs(ga) + abs(gb)
                if best_gap is None or gap < best_gap:
                    best, best_gap = p, gap
        if best is None:
            best = Passage(a0, a1, b0, b1)
            passages.append(best)
            active.append(best)
        else:
            best.a1, best.b1 = max(best.a1, a1), max(best.b1, b1)
        best.runs.append(run)
    return passages


def _trim(p: Passage) -> Passage:
    """Drop short runs at either end of a passage that a gap sets apart: a name ("the Syrian Arab Red Crescent") a few
    words after a shared sentence is the next sentence rewritten, not more of the copy."""
    runs = sorted(p.runs)
    while len(runs) > 1 and runs[0][1] - runs[0][0] < MIN_EDGE_RUN and runs[1][0] - runs[0][1] > 2:
        runs.pop(0)
    while len(runs) > 1 and runs[-1][1] - runs[-1][0] < MIN_EDGE_RUN and runs[-1][0] - runs[-2][1] > 2:
        runs.pop()
    return Passage(min(r[0] for r in runs), max(r[1] for r in runs), min(r[2] for r in runs),
                   max(r[3] for r in runs), runs)


def _is_quote(a: Text, b: Text, p: Passage) -> bool:
    """Whether the words the two texts have exactly in common here lie inside quotation marks in both: reports that
    quote one statement, each framing it its own way ("Trump said Monday" / "Trump said at a campaign stop")."""
    out_a = sum(int((~a.quoted[r[0]: r[1]]).sum()) for r in p.runs)
    out_b = sum(int((~b.quoted[r[2]: r[3]]).sum()) for r in p.runs)
    slack = max(3, QUOTE_SLACK * p.matched)
    return out_a <= slack and out_b <= slack


def compare(a: Text, b: Text, k: int = sketch.SHINGLE) -> Comparison:
    """The passages A and B share and what that makes B to A (or A to B: the relation is symmetric)."""
    passages = []
    for p in map(_trim, _chain(_runs(a, b, k))):
        length = p.a1 - p.a0
        if length < MIN_PASSAGE_WORDS or p.matched < MIN_DENSITY * length:
            continue
        if max(r[1] - r[0] for r in p.runs) < MIN_RUN:
            continue
        p.quote = _is_quote(a, b, p)
        passages.append(p)
    cover_a = cover_b = 0.0
    kind = None
    if passages:
        in_a = np.zeros(a.words, dtype=bool)
        in_b = np.zeros(b.words, dtype=bool)
        for p in passages:
            in_a[p.a0: p.a1] = True
            in_b[p.b0: p.b1] = True
        cover_a, cover_b = float(in_a.mean()), float(in_b.mean())
        if any(not p.quote for p in passages):
            kind = "copy" if min(cover_a, cover_b) >= COPY_COVER else "partial"
    return Comparison(kind, passages, cover_a, cover_b, a.words, b.words)


def char_span(t: Text, w0: int, w1: int) -> tuple[int, int]:
    """Characters of words [w0, w1) of a text."""
    return int(t.starts[w0]), int(t.ends[w1 - 1])


def gaps(p: Passage) -> list[tuple[int, int, int, int]]:
    """The stretches between consecutive runs of a passage (word spans in A and B, either may be empty): where the
    two versions of the passage differ."""
    out = []
    runs = sorted(p.runs)
    a_end, b_end = runs[0][1], runs[0][3]
    for a0, a1, b0, b1 in runs[1:]:
        if a0 > a_end or b0 > b_end:
            out.append((a_end, max(a0, a_end), b_end, max(b0, b_end)))
        a_end, b_end = max(a_end, a1), max(b_end, b1)
    return out
