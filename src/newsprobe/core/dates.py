"""The one date grammar: month and weekday names, date expressions and what they mean, in plain Python (no spaCy).

Four places read dates and must agree on what one is: cleaning (a line that is only a dateline is metadata, not
body), metadata (`normalize_published`: a publication date in any shape to ISO), the date layer (which expressions
spaCy's NER finds, plus the time phrases below it misses, and `parse_date` on each) and quantities (a number inside a
time phrase, "over the past 24 hours", is not a count, and on text without a Doc the phrase is the quantity's `when`).
They all import this module, so a month spelling or a time phrase added here is known to all four; it imports nothing
heavier than `re`, so the cheap steps (cleaning, metadata) stay cheap.

`parse_date(text, anchor)` gives `{"value", "granularity", "relative", "resolved", "anchor"}` for one expression:

- value: ISO "YYYY-MM-DD" of the day, or the first day of the week/month/year/decade meant; None if unknown;
- granularity: "day", "week", "month", "year", "decade" or None;
- relative: the value depends on the publication date (weekdays, "yesterday", "last week", "Aug. 29"
  without a year, vague "recent weeks", "the past 24 hours");
- resolved: a value was found; anchor: the publication date used, or None.

Conventions (newswire): a bare weekday ("said Monday", "on Sunday") is the most recent such day on or before
publication, the publication weekday itself meaning that day; "last Friday" is strictly before, "next Friday"
strictly after; a bare weekday in a sentence that looks forward (`future`) looks forward instead. A day and month
without a year take the publication year, a month alone too, except that (unless the sentence looks forward) a month
after the publication month, or a day over 30 days after publication, is taken from the year before. "last October"
is the latest October before the publication month. "last week/month/year" is the previous calendar period (a week
starts on Monday); "the past week", "the past 24 hours", "recent weeks" are vague (relative, value None). Lengths,
ages and frequencies ("three years", "38-year-old", "daily") are not points in time: relative False, value None
(`is_point` tells them apart). A range ("2005-2006") gets its start. Our own small parser, a few regexes per
expression; no dateparser (slow, and too eager).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta

# ---------------------------------------------------------------------------------------------------------------
# Tables

WEEKDAYS: dict[str, int] = {
    name: i for i, name in enumerate("monday tuesday wednesday thursday friday saturday sunday".split())
}
WEEKDAYS.update(
    {"mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3, "fri": 4, "sat": 5, "sun": 6}
)
MONTHS: dict[str, int] = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
MONTH_NAMES: tuple[str, ...] = tuple(name.lower() for name in calendar.month_name if name)
WEEKDAY_NAMES: tuple[str, ...] = tuple(list(WEEKDAYS)[:7])

_ONES = "one two three four five six seven eight nine".split()
_TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
# Number words as dates use them ("two days ago", "the past twenty-four hours"): 0..99, plus "a", "a couple of".
NUMBERS: dict[str, int] = {"zero": 0}
NUMBERS.update({w: i + 1 for i, w in enumerate(_ONES)})
NUMBERS.update({w: i + 10 for i, w in enumerate(_TEENS)})
for _i, _ten in enumerate(_TENS):
    NUMBERS[_ten] = 20 + 10 * _i
    for _j, _one in enumerate(_ONES):
        NUMBERS[f"{_ten}-{_one}"] = NUMBERS[f"{_ten} {_one}"] = 21 + 10 * _i + _j
NUMBERS.update({"a": 1, "an": 1, "a couple of": 2, "couple of": 2})


def _alternation(words: Iterable[str]) -> str:
    """Longest first, so that "september" wins over "sep"."""
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


# Regex pieces, for case-insensitive use ("AUG. 29", "Mon"); in running text months and weekdays must be capitalised
# (MONTH_NAME / WEEKDAY_NAME), or "may", "march" and "sun" would be dates.
MONTH = rf"(?:{_alternation(MONTHS)})\.?"
WEEKDAY = rf"(?:{_alternation(WEEKDAYS)})\.?"
MONTH_NAME = (
    rf"(?-i:(?:{_alternation(m.capitalize() for m in MONTH_NAMES)})\b"
    rf"|(?:{_alternation(m.capitalize() for m in MONTHS if m not in MONTH_NAMES)})\b\.?)"
)
WEEKDAY_NAME = rf"(?-i:(?:{_alternation(name.capitalize() for name in WEEKDAY_NAMES)})\b)"
DAY = r"\d{1,2}(?:st|nd|rd|th)?"
YEAR = r"(?:1[89]|20)\d\d\b"
NUMBER_WORD = rf"(?:{_alternation(w for w in NUMBERS if w not in ('a', 'an', 'a couple of', 'couple of'))})\b"
TIME_NOUN = r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?)\b"

# ---------------------------------------------------------------------------------------------------------------
# One expression -> its meaning

_MON = rf"(?P<mon>{_alternation(MONTHS)})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_FULL = [
    re.compile(r"\b(?P<year>\d{4})-(?P<m>\d{1,2})-(?P<day>\d{1,2})\b"),
    re.compile(rf"\b{_DAY}(?:\s+of)?\s+{_MON},?\s+{_YEAR}\b"),
    re.compile(rf"\b{_MON}\s+{_DAY},?\s+{_YEAR}\b"),
]
_NUMERIC = re.compile(r"\b(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<year>\d{4})\b")
_MONTH_YEAR = re.compile(rf"\b{_MON},?\s+(?:of\s+|in\s+)?{_YEAR}\b")
_MONTH_REL = re.compile(rf"^(?P<rel>last|next|this)\s+{_MON}$")
_MONTH_REL_YEAR = re.compile(rf"^{_MON}\s+(?P<rel2>last|next|this)\s+year$")
_ANY_YEAR = re.compile(r"(?<![\d,.])(?P<year>1[89]\d\d|20\d\d)(?![\d,.]|['’]?s\b)")
_DAY_MONTH = re.compile(rf"\b{_DAY}(?:\s+of)?\s+{_MON}(?!\w)")
_MONTH_DAY = re.compile(rf"\b{_MON}\s+{_DAY}\b(?!\s*\d)")
_MONTH_ALONE = re.compile(
    rf"^(?:(?:early|mid|late|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of|the\s+middle\s+of)"
    rf"[\s-]+)?{_MON}$"
)
_YEAR_ONLY = re.compile(
    r"^(?:(?:early|mid|late|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of)[\s-]+)?"
    r"(?P<year>\d{4})$"
)
_DECADE = re.compile(r"^(?:(?:early|mid|late)[\s-]+)?(?P<dec>\d{3}0)['’]?s$")
_CENTURY = re.compile(r"^(?:(?:early|mid|late)[\s-]+)?(?P<n>\d{1,2})(?:st|nd|rd|th)[\s-]+century$")
_NUM = rf"(?P<n>\d+|{_alternation(NUMBERS)})"
_AGO = re.compile(rf"^{_NUM}\s+(?P<unit>day|week|month|year|decade)s?\s+ago$")
_PERIOD = re.compile(
    r"^(?P<rel>last|previous|this|next|earlier\s+this|later\s+this|the\s+previous|the\s+next"
    r"|the\s+coming|the\s+last)\s+(?P<unit>week|month|year)$"
)
_WEEKDAY_EXPR = re.compile(
    r"^(?:(?P<rel>last|this\s+past|this\s+coming|coming|next|this|past)\s+)?(?:(?:early|late)\s+)?(?P<wd>[a-z]+)"
    r"(?:\s+(?:morning|afternoon|evening|night))?$"
)
# "the past 24 hours", "the last three years", "the next few days": a stretch of time that ends (or starts) at
# publication: relative, and too vague for one value.
_RECENT_STRETCH = re.compile(
    rf"^(?:past|last|previous|next|coming|first)\s+(?:{_NUM}\s+|few\s+|several\s+|couple\s+of\s+)?(?:more\s+)?"
    r"(?:hour|day|week|month|year|decade)s?$"
)
_DURATION = re.compile(
    rf"^(?:the\s+)?{_NUM}\s+(?:more\s+)?(?:hour|day|week|month|year|decade)s?(?:\s+old|\s+later|\s+earlier)?$"
)
# Lengths, ages and frequencies, not points in time: "years", "more than 50 years", "38-year-old", "daily".
_NOT_A_POINT = re.compile(
    r"^(?:(?:more\s+than|up\s+to|nearly|almost|about|around|over|just|only|another|some|a\s+whole|so\s+many|"
    r"many|several|a\s+few|few|for|at\s+least)\s+)*(?:[\d,]+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"twelve|twenty|thirty|forty|fifty|hundreds\s+of|thousands\s+of)?[\s-]*(?:hour|day|week|month|year|decade|"
    r"centur(?:y|ie))s?(?:[\s-]+(?:old|long))?$"
    r"|^(?:daily|weekly|monthly|yearly|annual|annually|nightly|(?:almost\s+)?(?:every|each)\s+\w+)$|^\d{1,3}$"
)
# Words in front of an expression that do not change the day it names.
_LEAD = re.compile(r"^(?:on|in|at|over|during|within|throughout|since|until|till|by|from|as\s+of|the|of)\s+")
_DAY_WORDS = {
    "today": 0,
    "tonight": 0,
    "yesterday": -1,
    "tomorrow": 1,
    "day before yesterday": -2,
    "day after tomorrow": 2,
    "this morning": 0,
    "this afternoon": 0,
    "this evening": 0,
    "earlier today": 0,
    "later today": 0,
    "last night": -1,
}
_PART_OF_DAY = re.compile(r"\s+(?:morning|afternoon|evening|night)$")


def parse_published(value: str | None) -> date | None:
    """A publication date (ISO date or date-time, as `normalize_published` stores it) as a calendar day."""
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _shift_months(d: date, months: int) -> date:
    idx = d.year * 12 + d.month - 1 + months
    return date(idx // 12, idx % 12 + 1, 1)


def _number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBERS[" ".join(word.split())]


def _result(value: date | None, gran: str | None, relative: bool, anchor: date | None) -> dict:
    return {
        "value": value.isoformat() if value else None,
        "granularity": gran if value else None,
        "relative": relative,
        "resolved": value is not None,
        "anchor": anchor.isoformat() if (relative and value is not None and anchor) else None,
    }


def parse_date(text: str, anchor: date | None = None, future: bool = False) -> dict:
    """What one date expression means. `anchor` is the publication day; `future` says the sentence looks forward
    ("will meet Monday")."""
    t = " ".join(text.lower().replace("’", "'").split()).strip(" .,;:()\"'")
    t = t.removesuffix("'s").removesuffix("'")  # "last week's forum", "the 1990s'"
    # Absolute dates first: they may sit inside longer expressions ("on 29 August 2016").
    for rx in _FULL:
        m = rx.search(t)
        if m:
            month = int(m.group("m")) if "m" in rx.groupindex else MONTHS[m.group("mon")]
            return _result(_safe_date(int(m.group("year")), month, int(m.group("day"))), "day", False, anchor)
    m = _NUMERIC.search(t)
    if m:
        a, b, y = int(m.group("a")), int(m.group("b")), int(m.group("year"))
        if a > 12 >= b:
            return _result(_safe_date(y, b, a), "day", False, anchor)
        if b > 12 >= a:
            return _result(_safe_date(y, a, b), "day", False, anchor)
        return _result(None, None, False, anchor)  # 03/04/2016: day-month order unknown
    m = _MONTH_YEAR.search(t)
    if m:
        return _result(date(int(m.group("year")), MONTHS[m.group("mon")], 1), "month", False, anchor)
    while True:
        stripped = _LEAD.sub("", t)
        if stripped == t:
            break
        t = stripped
    m = _DAY_MONTH.search(t) or _MONTH_DAY.search(t)
    if m:
        if anchor is None:
            return _result(None, None, True, None)
        d = _safe_date(anchor.year, MONTHS[m.group("mon")], int(m.group("day")))
        if d and not future and d > anchor + timedelta(days=30):
            d = _safe_date(anchor.year - 1, d.month, d.day)
        elif d and future and d < anchor - timedelta(days=30):  # "the law takes effect on March 1", in November
            d = _safe_date(anchor.year + 1, d.month, d.day)
        return _result(d, "day", True, anchor)
    m = _YEAR_ONLY.match(t)
    if m and 1000 <= int(m.group("year")) <= 2200:
        return _result(date(int(m.group("year")), 1, 1), "year", False, anchor)
    m = _DECADE.match(t)
    if m:
        return _result(date(int(m.group("dec")), 1, 1), "decade", False, anchor)
    m = _CENTURY.match(t)
    if m and 1 <= int(m.group("n")) <= 22:  # "the mid-17th century": the 1600s, as "the 1990s" is 1990
        return _result(date(max(1, (int(m.group("n")) - 1) * 100), 1, 1), "century", False, anchor)
    m = _MONTH_REL.match(t) or _MONTH_REL_YEAR.match(t)
    if m:  # "last October": the latest one before this month; "December last year"
        if anchor is None:
            return _result(None, None, True, None)
        by_year = "rel2" in m.re.groupindex
        month, rel = MONTHS[m.group("mon")], m.group("rel2" if by_year else "rel")
        if by_year:
            year = anchor.year + {"last": -1, "next": 1}.get(rel, 0)
        elif rel == "last":
            year = anchor.year if month < anchor.month else anchor.year - 1
        elif rel == "next":
            year = anchor.year if month > anchor.month else anchor.year + 1
        else:
            year = anchor.year
        return _result(date(year, month, 1), "month", True, anchor)
    m = _MONTH_ALONE.match(t)
    if m:
        if anchor is None:
            return _result(None, None, True, None)
        month = MONTHS[m.group("mon")]  # the latest such month, or the next one when the sentence looks forward
        year = anchor.year + (month < anchor.month) if future else anchor.year - (month > anchor.month)
        return _result(date(year, month, 1), "month", True, anchor)
    return _relative(t, anchor, future)


def _relative(t: str, anchor: date | None, future: bool) -> dict:
    """Expressions that only mean something from the publication date."""
    offset = _DAY_WORDS.get(t)
    if offset is None and _PART_OF_DAY.search(t):
        offset = _DAY_WORDS.get(_PART_OF_DAY.sub("", t))
    if offset is not None:
        return _result(anchor + timedelta(days=offset) if anchor else None, "day", True, anchor)
    m = _WEEKDAY_EXPR.match(t)
    if m and m.group("wd") in WEEKDAYS:
        if anchor is None:
            return _result(None, None, True, None)
        wd, rel = WEEKDAYS[m.group("wd")], (m.group("rel") or "")
        back = (anchor.weekday() - wd) % 7
        ahead = (wd - anchor.weekday()) % 7 or 7
        if rel in ("next", "coming", "this coming") or (future and rel in ("", "this")):
            return _result(anchor + timedelta(days=ahead), "day", True, anchor)
        if rel in ("last", "past", "this past"):
            back = back or 7
        return _result(anchor - timedelta(days=back), "day", True, anchor)
    m = _AGO.match(t)
    if m:
        n, unit = _number(m.group("n")), m.group("unit")
        if anchor is None:
            return _result(None, None, True, None)
        if unit == "day":
            return _result(anchor - timedelta(days=n), "day", True, anchor)
        if unit == "week":
            return _result(anchor - timedelta(weeks=n), "week", True, anchor)
        if unit == "month":
            return _result(_shift_months(anchor, -n), "month", True, anchor)
        years = n * (10 if unit == "decade" else 1)
        return _result(date(anchor.year - years, 1, 1), "year", True, anchor)
    m = _PERIOD.match(t)
    if m:
        if anchor is None:
            return _result(None, None, True, None)
        rel, unit = m.group("rel"), m.group("unit")
        if rel in ("the last", "the coming", "the next"):  # "the last year" is usually the last 12 months
            return _result(None, None, True, None)
        step = -1 if rel in ("last", "previous", "the previous") else 1 if rel == "next" else 0
        if unit == "week":
            start = anchor - timedelta(days=anchor.weekday()) + timedelta(weeks=step)
            return _result(start, "week", True, anchor)
        if unit == "month":
            return _result(_shift_months(anchor, step), "month", True, anchor)
        return _result(date(anchor.year + step, 1, 1), "year", True, anchor)
    if _RECENT_STRETCH.match(t):
        return _result(None, None, True, None)
    if _DURATION.match(t) or _NOT_A_POINT.match(t):
        return _result(None, None, False, None)
    years = _ANY_YEAR.findall(t)
    if years:  # "fiscal year 2016", "the summer of 2015", "2005-2006" (a range: its start)
        return _result(date(int(years[0]), 1, 1), "year", False, anchor)
    return _result(None, None, True, None)  # "recent weeks", "the past few days": relative, vague


_FULL_ANY_CASE = [re.compile(rx.pattern, re.I) for rx in _FULL]


def full_dates(text: str) -> list[tuple[int, int]]:
    """Spans of the complete dates (day, month and year) in `text`, in order, without overlaps: where NER ran
    "between 3 March 2016 and 5 April 2016" together, each is a date of its own."""
    found = sorted({(m.start(), m.end()) for rx in _FULL_ANY_CASE for m in rx.finditer(text)})
    out: list[tuple[int, int]] = []
    for start, end in found:
        if not out or start >= out[-1][1]:
            out.append((start, end))
    return out


def is_point(attrs: dict) -> bool:
    """Does `parse_date`'s answer name a time (a day, a period, "recent weeks") rather than a length, an age or a
    frequency ("three years", "38-year-old", "daily")? Only a time can say when something happened."""
    return bool(attrs.get("value") or attrs.get("relative"))


# ---------------------------------------------------------------------------------------------------------------
# Is this a date expression at all?

_TIME_WORDS = re.compile(
    rf"\b(?:{_alternation(MONTHS)}|{_alternation(WEEKDAYS)}|"
    r"(?:second|minute|hour|day|week|month|year|decade)s?|centur(?:y|ies)|weekends?|today|tonight|tomorrow|"
    r"yesterday|overnight|morning|afternoon|evening|night|spring|summer|autumn|fall|winter|"
    r"seasons?|(?:first|second|third|fourth|last|next|this|previous|fiscal)\s+quarter|fiscal|annual(?:ly)?|daily|weekly|monthly|yearly|nightly|holidays?|christmas|easter|"
    r"ramadan|eid|thanksgiving|hanukkah|passover|halloween|new\s+year|election|era|period|now|recent(?:ly)?)\b"
    r"|\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b|(?<!\d)(?:1[0-9]|20|21)\d\d(?!\d)|\d0['’]?s\b|['’]\d0s\b"
    r"|\bthe\s+\d{1,2}(?:st|nd|rd|th)\b|\b\d{1,2}(?:st|nd|rd|th)\s+of\b|\bago\b",
    re.I,
)
# "her years as secretary", "his days in office": a stretch of someone's life, not a time something happened.
_POSSESSED = re.compile(r"^(?:her|his|their|its|our|my|your)\s", re.I)


def is_date_expression(text: str) -> bool:
    """Does the text hold anything that names a time: a month, a weekday, a time noun, a year, a date in digits?
    NER sometimes labels a bare number DATE ("Forty migrants died", "Between 5 and 10 soldiers"); those are counts,
    and "her years as secretary" is part of a life, not a date."""
    return bool(_TIME_WORDS.search(text)) and not _POSSESSED.match(text)


# ---------------------------------------------------------------------------------------------------------------
# Time phrases in running text

_NUM_TOKEN = rf"(?:\d+|{NUMBER_WORD}|a\s+few|several|couple\s+of|few)"
_TIME_PHRASE = re.compile(
    "|".join(
        [
            rf"\b(?:on\s+)?(?:{WEEKDAY_NAME},?\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH_NAME}(?:,?\s+{YEAR})?",
            rf"\b(?:on\s+)?(?:{WEEKDAY_NAME},?\s+)?{MONTH_NAME}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+{YEAR})?",
            rf"\b(?:between|from)\s+{YEAR}\s+(?:and|to)\s+{YEAR}",
            rf"\b{YEAR}\s*[-–]\s*(?:19|20)?\d\d\b",
            rf"\b(?:(?:in|since|until|till|by|before|after|during|from|through|of|on)\s+)?"
            rf"(?:(?:early|late|mid)[-\s])?{MONTH_NAME}(?:\s+\d{{1,2}}(?:st|nd|rd|th)?\b)?(?:,?\s+{YEAR})?",
            r"\b(?:in|since|until|till|by|before|after|during|from|through|throughout)\s+"
            r"(?:(?:early|late|mid)[-\s])?(?:the\s+)?(?:19|20)\d\d(?:s\b|\b)",
            rf"\b(?:(?:on|last|this|next|early|late)\s+)?{WEEKDAY_NAME}(?:\s+(?:morning|afternoon|evening|night)\b)?",
            rf"\b(?:in|over|during|within|for|throughout)\s+the\s+(?:past|last|previous|coming|next|first)\s+"
            rf"(?:{_NUM_TOKEN}\s+)?{TIME_NOUN}",
            rf"\b(?:in|over)\s+recent\s+{TIME_NOUN}",
            r"\b(?:(?:earlier|later)\s+)?(?:so\s+far\s+)?(?:last|this|next)\s+"
            r"(?:week|month|year|weekend|morning|afternoon|evening|night|spring|summer|autumn|fall|winter)\b",
            rf"\b(?:{_NUM_TOKEN}|an?)\s+{TIME_NOUN}\s+ago\b",
            r"\b(?:yesterday|today|tonight|overnight)\b",
            r"\bsince\s+the\s+(?:start|beginning|outbreak|end)\s+of\s+(?:the\s+)?(?:\w+\s+)?"
            r"(?:war|conflict|year|crisis)\b",
            r"\b(?:at|over|during)\s+the\s+weekend\b",
        ]
    ),
    re.I,
)
# A preposition in front of a time phrase that only places it in time ("in recent weeks", "on Sunday"); the date
# layer's span starts after it, as spaCy's DATE entities do. "since", "until", "by", "before" change what is meant and
# stay.
_LOCATING = re.compile(r"(?:on|in|at|over|during|within|throughout|for|of)\s+", re.I)


def time_phrases(text: str) -> list[tuple[int, int]]:
    """Character spans of the time phrases in running text ("in recent weeks", "on Sunday", "three days ago",
    "over the past 24 hours", "since the start of the war"), each with the preposition that leads it. The grammar for
    text without a parse: the date layer adds what NER missed from it, and quantities use it on plain strings."""
    return [(m.start(), m.end()) for m in _TIME_PHRASE.finditer(text)]


def without_preposition(text: str, start: int, end: int) -> int:
    """Where the expression itself begins inside the time phrase `text[start:end]`: after "in", "on", "over"..."""
    m = _LOCATING.match(text, start, end)
    return m.end() if m and m.end() < end else start


# ---------------------------------------------------------------------------------------------------------------
# Publication dates and datelines

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def normalize_published(value: str | None) -> str | None:
    """Publication dates arrive in many shapes; store ISO `YYYY-MM-DD` (with time when given) or nothing."""
    if not value:
        return None
    value = str(value).strip()
    if m := _ISO.search(value):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
        if _valid(y, mo, d):
            if m[4]:
                try:
                    return datetime(y, mo, d, int(m[4]), int(m[5]), int(m[6] or 0)).isoformat()
                except ValueError:  # "2016-08-29T25:61": the day is good, the time is not (found by fuzzing)
                    pass
            return date(y, mo, d).isoformat()
    # Anything else ("Mon Aug 29, 2016 1:31", "29 August 2016"): with no anchor, only absolute dates come back.
    day = parse_date(value, None)
    return day["value"] if day["granularity"] == "day" else None


def _valid(y: int, mo: int, d: int) -> bool:
    try:
        date(y, mo, d)
    except ValueError:
        return False
    return 1900 <= y <= 2100


_DATE_TEXT = (
    rf"(?:{DAY}\s+{MONTH},?\s+\d{{4}}|{MONTH}\s+{DAY},?\s+\d{{4}}"
    r"|\d{4}-\d{1,2}-\d{1,2}(?:T\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"|\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}/\d{1,2}/\d{1,2})"
)
_CLOCK = r"(?:\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*(?:[a-z]{2,5}|[+-]\d{2}:?\d{2}))?)"
_DATE_LABEL = (
    r"(?:(?:published|updated|posted|last updated|last modified|date|created)\s*(?:on|at)?\s*[:\-–—]?\s*)"
)
_DATELINE = re.compile(
    rf"^{_DATE_LABEL}?(?:{WEEKDAY}\s*,?\s*)?(?:{_CLOCK}\s*[,|\-–—]?\s*)?{_DATE_TEXT}"
    rf"(?:\s*(?:[,|\-–—/]|at)?\s*{_CLOCK})?$",
    re.I,
)
_DATE_LABEL_RE = re.compile(rf"^{_DATE_LABEL}", re.I)


def dateline(line: str) -> str | None:
    """The date of a line that is nothing but a dateline ("Published: Tuesday, 14 May 2024 09:30 GMT"), its label
    removed, for `normalize_published`; None for any other line."""
    if not _DATELINE.match(line):
        return None
    return _DATE_LABEL_RE.sub("", line).strip()
