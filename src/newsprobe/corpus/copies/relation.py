"""What two aligned texts have in common and what each has alone, as plain JSON: the record kept for a pair.

The record is symmetric (sides "a" and "b"); which text is the copy is decided later, for the whole family, so the
edits ("intro added", "credit removed", ...) are read from the record in `edits` once the direction is known. The
record holds character offsets only, never text, except the few words of each swap, so it stays small in a store.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from newsprobe.corpus.copies.align import Text, compare, gaps

MAX_SWAPS = 12  # examples of swapped words kept per pair
MAX_SEGMENTS = 40
SWAP_WORDS = 5  # a gap of at most this many words in both texts is a swap; longer gaps are rewritten clauses
_LINE = re.compile(r"[^\n]+")
_LEADING = re.compile(r"[^\w\n]*$")
_TRAILING = re.compile(r"[^\w\n]*")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*\s*$")


def relate(a: Text, b: Text) -> dict[str, Any] | None:
    """The record of a pair, or None when the texts share no passage that counts as copying."""
    c = compare(a, b)
    if c.kind is None:
        return None
    passages = sorted(c.passages, key=lambda p: p.a0)
    swaps: list[dict[str, str]] = []
    swapped = 0
    for p in passages:
        for a0, a1, b0, b1 in gaps(p):
            if 0 < a1 - a0 <= SWAP_WORDS and 0 < b1 - b0 <= SWAP_WORDS:
                swapped += max(a1 - a0, b1 - b0)
                if len(swaps) < MAX_SWAPS:
                    swaps.append({"a": _words(a, a0, a1), "b": _words(b, b0, b1)})
    in_b_order = sorted(range(len(passages)), key=lambda i: passages[i].b0)
    moved = sum(1 for x, y in zip(in_b_order, in_b_order[1:], strict=False) if y < x)
    return {
        "kind": c.kind,
        "cover": [round(c.cover_a, 4), round(c.cover_b, 4)],
        "words": [c.words_a, c.words_b],
        "shared_words": c.shared_words,
        "passages": [
            {"a": [int(a.starts[p.a0]), int(a.ends[p.a1 - 1])], "b": [int(b.starts[p.b0]), int(b.ends[p.b1 - 1])],
             "words": p.a1 - p.a0, "quote": p.quote}
            for p in passages
        ],
        "reordered": moved,
        "swapped": swapped,
        "swaps": swaps,
        "only": {"a": _unaligned(a, [(p.a0, p.a1) for p in passages]),
                 "b": _unaligned(b, [(p.b0, p.b1) for p in passages])},
        "credits": {"a": a.credits, "b": b.credits},
    }


def _words(t: Text, w0: int, w1: int) -> str:
    return t.text[int(t.starts[w0]): int(t.ends[w1 - 1])][:80]


def _unaligned(t: Text, spans: list[tuple[int, int]]) -> list[dict[str, Any]]:
    """The stretches of a text outside every passage, line by line: where (start, middle, end), how many words, and
    whether they read as prose or as web debris (short lines that do not end a sentence: buttons, captions)."""
    if not t.words:
        return []
    covered = np.zeros(t.words + 1, dtype=bool)
    for w0, w1 in spans:
        covered[w0:w1] = True
    covered[t.words] = True
    edges = np.flatnonzero(np.diff(np.concatenate([[True], covered]).astype(np.int8)))
    first = min((w0 for w0, _ in spans), default=t.words)
    last = max((w1 for _, w1 in spans), default=0)
    out: list[dict[str, Any]] = []
    text = t.text
    for w0, w1 in zip(edges[0::2].tolist(), edges[1::2].tolist(), strict=False):
        where = "start" if w1 <= first else "end" if w0 >= last else "middle"
        start, end = int(t.starts[w0]), int(t.ends[w1 - 1])
        start -= _leading(text, start)  # an opening quote, a bullet
        end += len(_TRAILING.match(text, end).group())  # the full stop, a closing quote
        pos = start
        for line in text[start:end].split("\n"):
            line_start, pos = pos, pos + len(line) + 1
            n = len(line.split())
            if not n:
                continue
            debris = n <= 12 and not _SENTENCE_END.search(line)
            kind = "debris" if debris else "prose"
            if out and not debris and out[-1]["kind"] == kind and out[-1]["where"] == where:
                out[-1]["end"], out[-1]["words"] = line_start + len(line), out[-1]["words"] + n
                continue
            lead = len(line) - len(line.lstrip())
            out.append({"start": line_start + lead, "end": line_start + len(line.rstrip()), "words": n,
                        "where": where, "kind": kind})
            if len(out) >= MAX_SEGMENTS:
                return out
    return out


def _leading(text: str, end: int, window: int = 64) -> int:
    """`len(_LEADING.search(text, 0, end).group())`, without scanning the text from its start (that search tries
    every position before `end`: most of the cost of a pair's record). The positions where the pattern matches form
    one run ending at `end`, and whether it matches at a position depends on the text after it only, so a search
    from `end - window` finds the same match unless the run reaches that far back: then the whole search runs."""
    lo = max(0, end - window)
    m = _LEADING.search(text, lo, end)
    if lo and m.start() == lo:
        m = _LEADING.search(text, 0, end)
    return len(m.group())


def _inside(credit: dict, passages: list[dict], side: str) -> bool:
    return any(p[side][0] <= credit["start"] and credit["end"] <= p[side][1] for p in passages)


def edits(rel: dict[str, Any], source: str, titles: tuple[str | None, str | None] = (None, None)) -> list[dict]:
    """What the copy (the side that is not `source`) changed, read from the pair's record: each edit a dict with
    `edit` (its name) and details. `titles` are (a, b)."""
    copy = "b" if source == "a" else "a"
    out: list[dict[str, Any]] = []
    ts, tc = (titles[0], titles[1]) if source == "a" else (titles[1], titles[0])
    if ts and tc and _norm(ts) != _norm(tc):
        out.append({"edit": "title changed", "from": ts, "to": tc})
    only_copy, only_source = rel["only"][copy], rel["only"][source]
    intro = [s for s in only_copy if s["kind"] == "prose" and s["where"] == "start"]
    if intro:
        out.append({"edit": "intro added", "words": sum(s["words"] for s in intro),
                    "at": [intro[0]["start"], intro[-1]["end"]]})
    added = [s for s in only_copy if s["kind"] == "prose" and s["where"] != "start"]
    if added:
        out.append({"edit": "text added", "words": sum(s["words"] for s in added),
                    "at": [[s["start"], s["end"]] for s in added]})
    debris = [s for s in only_copy if s["kind"] == "debris"]
    if debris:
        out.append({"edit": "debris added", "lines": len(debris), "at": [[s["start"], s["end"]] for s in debris]})
    dropped = [s for s in only_source if s["kind"] == "prose"]
    if dropped:
        out.append({"edit": "paragraphs dropped", "words": sum(s["words"] for s in dropped),
                    "at": [[s["start"], s["end"]] for s in dropped]})
    if rel["reordered"]:
        out.append({"edit": "paragraphs reordered", "moved": rel["reordered"]})
    if rel["swapped"]:
        examples = [{"from": s[source], "to": s[copy]} for s in rel["swaps"]]
        out.append({"edit": "words swapped", "words": rel["swapped"], "examples": examples})
    passages = rel["passages"]
    # Credit lines are compared as phrases: "© 2016 Daily Courier" dropped and "Courtesy of Daily Courier" added are
    # one credit removed and one added, though both name the same outlet.
    copy_phrases = {c.get("phrase") or c["name"].lower() for c in rel["credits"][copy]}
    source_phrases = {c.get("phrase") or c["name"].lower() for c in rel["credits"][source]}
    removed = [c for c in rel["credits"][source] if not _inside(c, passages, source)
               and (c.get("phrase") or c["name"].lower()) not in copy_phrases]
    if removed:
        out.append({"edit": "credit removed", "credits": [{"name": c["name"], "at": [c["start"], c["end"]]}
                                                          for c in removed]})
    added_credits = [c for c in rel["credits"][copy] if not _inside(c, passages, copy)
                     and (c.get("phrase") or c["name"].lower()) not in source_phrases]
    if added_credits:
        out.append({"edit": "credit added", "credits": [{"name": c["name"], "at": [c["start"], c["end"]]}
                                                        for c in added_credits]})
    return out


def _norm(title: str) -> str:
    return " ".join(re.findall(r"\w+", title.lower()))


def flip(rel: dict[str, Any]) -> dict[str, Any]:
    """The same record with sides a and b exchanged."""
    out = dict(rel)
    out["cover"] = rel["cover"][::-1]
    out["words"] = rel["words"][::-1]
    out["passages"] = [{**p, "a": p["b"], "b": p["a"]} for p in rel["passages"]]
    out["swaps"] = [{"a": s["b"], "b": s["a"]} for s in rel["swaps"]]
    out["only"] = {"a": rel["only"]["b"], "b": rel["only"]["a"]}
    out["credits"] = {"a": rel["credits"]["b"], "b": rel["credits"]["a"]}
    return out
