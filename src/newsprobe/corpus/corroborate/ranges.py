"""When do two numeric claims report the same figure? Pure functions over the claims layer's quantities.

A quantity (`attrs.quantities[i]` of a claim span) becomes three things:

* its **kind**: what was counted and what happened to it. The event word the claims layer normalised ("killed",
  "injured", "displaced", ...) when there is one, otherwise the head noun of what was counted ("homes" -> "home");
  the unit is part of the kind ("killed|" and "|percent" never meet). A quantity with neither an event nor a counted
  noun ("$3bn", "40 percent" alone) has no kind and is not corroborated: there is nothing to tell one such figure
  from another.
* its **interval**: the values the sentence is consistent with, from value/low/high/qualifier with a tolerance for
  rounding (the rule is `interval`'s docstring and docs/corroborate.md);
* its **window**: the days the figure can refer to (`window`).

Two quantities match when their kinds are equal, their intervals overlap and their windows overlap (an unknown window
overlaps every window).
"""

from __future__ import annotations

import math
import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

BUCKETS_PER_DECADE = 20  # log-scale buckets of the index: each about 12% wide
MAX_BUCKETS = 60  # an interval over three decades wide ("dozens to thousands") is too vague to index
PUBLICATION_WINDOW_DAYS = 30  # a figure without a resolved date refers to the month before publication
# A day or week the date layer resolved is often the day the figure was *said* ("a source said on Monday"), and a
# running toll is repeated day after day: such a window reaches a week either side.
DAY_SLACK = 7
_GRANULARITY_DAYS = {"day": 1, "week": 7}


def unit_of(value: float) -> float:
    """The rounding unit of a stated figure: the largest power of ten it is a whole multiple of (3,200 -> 100,
    3,000 -> 1,000, 3.5 -> 0.1). What a writer who rounded could have rounded to."""
    if value == 0:
        return 1.0
    d = Decimal(repr(float(abs(value)))).normalize()
    exponent = d.as_tuple().exponent
    return float(Decimal(1).scaleb(int(exponent)))


def interval(q: dict[str, Any]) -> tuple[float, float] | None:
    """[lo, hi] of the values a quantity is consistent with; None when it is too vague to match (no number, or only
    one open bound without a value).

    With N the stated value, g its rounding unit (`unit_of`), r = min(g, N/10) (rounding slack, at most 10% of N) and
    w = min(g, N/2) (the reach of an open bound):
    - exactly N: [N - r/2, N + r/2]          ("3,200" -> 3,150..3,250; "3,000" -> 2,850..3,150)
    - more_than / at_least N: [N, N + w]     ("more than 3,200" -> 3,200..3,300; "over 3,000" -> 3,000..4,000)
    - up_to / less_than / nearly N: [N - w, N]
    - about N: [0.9 N, 1.1 N]
    - a range low..high ("20 to 30", "between 5 and 10"): [low - r(low)/2, high + r(high)/2]
    Vague amounts ("dozens", "hundreds") and bounds without a value are not matched.
    """
    value, qualifier = q.get("value"), q.get("qualifier") or "exactly"
    if value is None:
        low, high = q.get("low"), q.get("high")
        if qualifier != "range" or not _number(low) or not _number(high):
            return None
        return float(low) - _slack(low) / 2, float(high) + _slack(high) / 2
    if not _number(value):
        return None
    n = float(value)
    g = unit_of(n)
    r, w = _slack(n), min(g, abs(n) / 2)
    if qualifier in ("more_than", "at_least"):
        return n, n + w
    if qualifier in ("up_to", "less_than", "nearly"):
        return n - w, n
    if qualifier == "about":
        return n - abs(n) / 10, n + abs(n) / 10
    return n - r / 2, n + r / 2


def _number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _slack(value: float) -> float:
    n = float(value)
    return min(unit_of(n), abs(n) / 10) if n else 0.0


def overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


_WORD = re.compile(r"[a-z][a-z'-]*")


def head(counted: str | None) -> str | None:
    """The head noun of what was counted, singular: "Syrian refugees" -> "refugee", "homes" -> "home"."""
    if not counted:
        return None
    words = _WORD.findall(counted.lower())
    if not words:
        return None
    word = words[-1]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def kind(q: dict[str, Any]) -> str | None:
    """"killed|" (event), "home|" (counted noun), "killed|percent"...; None when there is nothing to match on."""
    base = q.get("event") or head(q.get("counted"))
    if not base:
        return None
    return f"{base}|{q.get('unit') or ''}"


def buckets(span: tuple[float, float]) -> range | None:
    """The index buckets an interval covers (log scale); None when it is too wide to index."""
    lo, hi = _bucket(span[0]), _bucket(span[1])
    if hi - lo + 1 > MAX_BUCKETS:
        return None
    return range(lo, hi + 1)


def _bucket(x: float) -> int:
    if x <= 0:
        return -10_000
    return math.floor(math.log10(x) * BUCKETS_PER_DECADE)


def window(when: dict[str, Any] | None, granularity: str | None, published: str | None
           ) -> tuple[str, str] | None:
    """The days (first, last, ISO) a figure can refer to.

    A `when` the date layer resolved gives its period: a day or a week widened by `DAY_SLACK` days each side (it is
    often the day the figure was said, and running tolls are repeated day after day), a month, a year, a decade, a
    century; otherwise the publication date gives the month before it (news figures without a date are recent);
    without either the window is unknown (None) and matches any."""
    value = when.get("value") if isinstance(when, dict) else None
    start = _day(value)
    if start is not None:
        gran = granularity or "day"
        if gran in _GRANULARITY_DAYS:
            days = _GRANULARITY_DAYS[gran]
            return ((start - timedelta(days=DAY_SLACK)).isoformat(),
                    (start + timedelta(days=days - 1 + DAY_SLACK)).isoformat())
        if gran == "month":
            nxt = date(start.year + start.month // 12, start.month % 12 + 1, 1)
            return start.isoformat(), (nxt - timedelta(days=1)).isoformat()
        years = {"decade": 10, "century": 100}.get(gran, 1)
        return start.isoformat(), date(start.year + years - 1, 12, 31).isoformat()
    day = _day(published)
    if day is None:
        return None
    return (day - timedelta(days=PUBLICATION_WINDOW_DAYS)).isoformat(), (day + timedelta(days=1)).isoformat()


def _day(value: object) -> date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def same_window(a: tuple[str, str] | None, b: tuple[str, str] | None) -> bool:
    if a is None or b is None:
        return True
    return a[0] <= b[1] and b[0] <= a[1]
