"""Where a text quotes someone: the regions inside quotation marks, paragraph by paragraph.

Layers need this to tell an outlet's own voice from the words it reports ("phony polls" in a newspaper's quotation
of a candidate is the candidate's technique, not the paper's) and "I" inside a quotation from "I" outside one.
Rules, per paragraph (a quotation never runs over a line break; news style reopens it in the next paragraph):
straight double quotes pair up in order; “ opens and ” closes; « opens and » closes; ‘ opens a scare quote that a
’ not followed by a letter closes (the ’ in "don’t" is an apostrophe). An unclosed quotation runs to the end of its
paragraph.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache

from newsprobe.core.model import word_count


@lru_cache(maxsize=64)
def quoted_regions(text: str) -> tuple[tuple[int, int], ...]:
    """`(start, end)` of the text inside quotation marks, marks excluded, in order."""
    regions: list[tuple[int, int]] = []
    pos = 0
    for para in text.split("\n"):
        opened: int | None = None
        closer = ""
        for i, ch in enumerate(para):
            at = pos + i
            if opened is None:
                if ch == '"':
                    opened, closer = at + 1, '"'
                elif ch in "“«":
                    opened, closer = at + 1, "”" if ch == "“" else "»"
                elif ch == "‘" and (i == 0 or not para[i - 1].isalnum()):
                    opened, closer = at + 1, "’"
            elif ch == closer and not (closer == "’" and para[i + 1 : i + 2].isalpha()):
                regions.append((opened, at))
                opened = None
        if opened is not None and opened < pos + len(para):
            regions.append((opened, pos + len(para)))
        pos += len(para) + 1
    return tuple(regions)


def inside_quotes(text: str, pos: int) -> bool:
    """Whether the character at `pos` lies inside a quotation."""
    regions = quoted_regions(text)
    k = bisect_right(regions, (pos, len(text) + 1)) - 1
    return k >= 0 and regions[k][0] <= pos < regions[k][1]


def quoted_share(text: str, start: int, end: int) -> float:
    """Share of the characters of `[start, end)` inside quotations (a span wrapped in quote marks counts whole)."""
    if end <= start:
        return 0.0
    inside = sum(max(0, min(end, e) - max(start, s)) for s, e in quoted_regions(text))
    return inside / (end - start)


def words_inside_quotes(text: str) -> tuple[int, int]:
    """(words in the text's own voice, words inside quotations), counted as `model.word_count` counts."""
    quoted = sum(word_count(text[s:e]) for s, e in quoted_regions(text))
    return word_count(text) - quoted, quoted
