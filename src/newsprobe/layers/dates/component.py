"""Layer `date`: every date expression, resolved to a calendar date where the text allows.

News dates things relative to the day of publication ("said Monday", "yesterday", "two days ago"), so a
date is only checkable once it is anchored. Spans are spaCy's DATE entities (and TIME entities that name a
day, "Monday night"), plus ISO dates spaCy missed. Each gets
`span._.attrs = {"value", "granularity", "relative", "resolved", "anchor"}`:

- value: ISO "YYYY-MM-DD" of the day, or the first day of the week/month/year/decade meant; None if unknown;
- granularity: "day", "week", "month", "year", "decade" or None;
- relative: the value depends on the publication date (weekdays, "yesterday", "last week", "Aug. 29"
  without a year, vague "recent weeks");
- resolved: a value was found; anchor: the publication date used, or None.

Conventions (newswire): a bare weekday ("said Monday", "on Sunday") is the most recent such day on or before
publication, the publication weekday itself meaning that day; "last Friday" is strictly before, "next Friday"
strictly after; a bare weekday governed by "will"/"shall"/"to" looks forward instead. A day and month without
a year take the publication year, a month alone too, except that (unless the sentence looks forward) a month
after the publication month, or a day over 30 days after publication, is taken from the year before. "last
October" is the latest October before the publication month. "last week/month/year" is the previous calendar
period (a week starts on Monday); "the past week", "recent weeks" are vague (value None). Lengths, ages and
frequencies ("three years", "38-year-old", "daily") are not points in time: relative False, value None. A
range ("2005-2006") gets its start. Our own small parser, a few regexes per expression; no dateparser (slow,
and too eager).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from spacy.language import Language
from spacy.tokens import Doc, Span

from newsprobe.core.spans import write_layer

WEEKDAYS = {
    name: i for i, name in enumerate("monday tuesday wednesday thursday friday saturday sunday".split())
}
WEEKDAYS.update(
    {"mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3, "fri": 4, "sat": 5, "sun": 6}
)
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
NUMBERS = {
    w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())
}
NUMBERS.update({"a": 1, "an": 1, "a couple of": 2, "couple of": 2, "fifteen": 15, "twenty": 20, "thirty": 30})

_MON = r"(?P<mon>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
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
_MONTH = re.compile(
    rf"^(?:(?:early|mid|late|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of|the\s+middle\s+of)"
    rf"[\s-]+)?{_MON}$"
)
_YEAR_ONLY = re.compile(
    r"^(?:(?:early|mid|late|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of)[\s-]+)?"
    r"(?P<year>\d{4})$"
)
_DECADE = re.compile(r"^(?:(?:early|mid|late)[\s-]+)?(?P<dec>\d{3}0)['’]?s$")
_NUM = r"(?P<n>\d+|" + "|".join(sorted(NUMBERS, key=len, reverse=True)) + r")"
_AGO = re.compile(rf"^{_NUM}\s+(?P<unit>day|week|month|year|decade)s?\s+ago$")
_PERIOD = re.compile(
    r"^(?P<rel>last|previous|this|next|earlier\s+this|later\s+this|the\s+previous|the\s+next"
    r"|the\s+coming|the\s+last)\s+(?P<unit>week|month|year)$"
)
_WEEKDAY = re.compile(
    r"^(?:(?P<rel>last|this\s+past|this\s+coming|coming|next|this|past)\s+)?(?P<wd>[a-z]+)"
    r"(?:\s+(?:morning|afternoon|evening|night))?$"
)
_DURATION = re.compile(
    rf"^(?:the\s+)?(?:past\s+|last\s+|next\s+|coming\s+)?{_NUM}\s+(?:more\s+)?"
    r"(?:hour|day|week|month|year|decade)s?(?:\s+old|\s+later|\s+earlier)?$"
)
# Lengths, ages and frequencies, not points in time: "years", "more than 50 years", "38-year-old", "daily".
_NOT_A_POINT = re.compile(
    r"^(?:(?:more\s+than|up\s+to|nearly|almost|about|around|over|just|only|another|some|a\s+whole|so\s+many|"
    r"many|several|a\s+few|few|for|at\s+least)\s+)*(?:[\d,]+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"twelve|twenty|thirty|forty|fifty|hundreds\s+of|thousands\s+of)?[\s-]*(?:hour|day|week|month|year|decade|"
    r"centur(?:y|ie))s?(?:[\s-]+(?:old|long))?$"
    r"|^(?:daily|weekly|monthly|yearly|annual|annually|nightly|(?:almost\s+)?(?:every|each)\s+\w+)$|^\d{1,3}$"
)
_LEAD = re.compile(r"^(?:on|in|since|until|till|by|from|during|as\s+of|the|of)\s+")
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
_FUTURE_AUX = frozenset({"will", "'ll", "’ll", "shall", "wo", "to"})
_DAYISH = re.compile(r"\b(?:" + "|".join(list(WEEKDAYS)[:7]) + r"|today|tonight|yesterday|tomorrow)\b", re.I)
_CALENDAR_WORDS = frozenset(MONTHS) | frozenset(WEEKDAYS)
_ISO_IN_TEXT = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def parse_published(value: str | None) -> date | None:
    """`doc._.published` is an ISO date or date-time; only the calendar day matters here."""
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


def _result(value: date | None, gran: str | None, relative: bool, anchor: date | None) -> dict:
    return {
        "value": value.isoformat() if value else None,
        "granularity": gran if value else None,
        "relative": relative,
        "resolved": value is not None,
        "anchor": anchor.isoformat() if (relative and value is not None and anchor) else None,
    }


def parse_date(text: str, anchor: date | None = None, future: bool = False) -> dict:
    """Attrs for one date expression. `future` says the sentence looks forward ("will meet Monday")."""
    t = " ".join(text.lower().replace("’", "'").split()).strip(" .,;:()\"'")
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
        return _result(d, "day", True, anchor)
    m = _YEAR_ONLY.match(t)
    if m and 1000 <= int(m.group("year")) <= 2200:
        return _result(date(int(m.group("year")), 1, 1), "year", False, anchor)
    m = _DECADE.match(t)
    if m:
        return _result(date(int(m.group("dec")), 1, 1), "decade", False, anchor)
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
    m = _MONTH.match(t)
    if m:
        if anchor is None:
            return _result(None, None, True, None)
        month = MONTHS[m.group("mon")]
        year = anchor.year - 1 if (month > anchor.month and not future) else anchor.year
        return _result(date(year, month, 1), "month", True, anchor)
    return _relative(t, anchor, future)


def _relative(t: str, anchor: date | None, future: bool) -> dict:
    """Expressions that only mean something from the publication date."""
    offset = _DAY_WORDS.get(t)
    if offset is None and _PART_OF_DAY.search(t):
        offset = _DAY_WORDS.get(_PART_OF_DAY.sub("", t))
    if offset is not None:
        return _result(anchor + timedelta(days=offset) if anchor else None, "day", True, anchor)
    m = _WEEKDAY.match(t)
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
        n = int(m.group("n")) if m.group("n").isdigit() else NUMBERS[m.group("n")]
        unit = m.group("unit")
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
    if _DURATION.match(t) or _NOT_A_POINT.match(t):
        return _result(None, None, False, None)
    years = _ANY_YEAR.findall(t)
    if years:  # "fiscal year 2016", "the summer of 2015", "2005-2006" (a range: its start)
        return _result(date(int(years[0]), 1, 1), "year", False, anchor)
    return _result(None, None, True, None)  # "recent weeks", "the past few days": relative, vague


def _looks_forward(span: Span) -> bool:
    """Is the verb the date hangs on marked future ("will meet on Monday", "plans to vote Sunday")?"""
    tok = span.root
    for _ in range(4):
        if tok.pos_ in ("VERB", "AUX"):
            return any(c.dep_ == "aux" and c.lower_ in _FUTURE_AUX for c in tok.children)
        if tok.head is tok:
            return False
        tok = tok.head
    return False


def _expressions(doc: Doc) -> list[Span]:
    """DATE entities (split where one holds several full dates), TIME entities that name a day, and
    ISO dates spaCy missed."""
    spans: list[Span] = []
    for ent in doc.ents:
        if ent.label_ == "DATE":
            parts = [m for rx in _FULL for m in rx.finditer(ent.text)]
            if len(parts) > 1:
                for m in sorted(parts, key=lambda m: m.start()):
                    sp = doc.char_span(
                        ent.start_char + m.start(),
                        ent.start_char + m.end(),
                        label="DATE",
                        alignment_mode="expand",
                    )
                    if sp is not None and (not spans or sp.start >= spans[-1].end):
                        spans.append(sp)
                continue
            start = ent.start
            floor = spans[-1].end if spans else 0  # never back into the date before ("Monday Monday")
            while start > floor and doc[start - 1].lower_.rstrip(".") in _CALENDAR_WORDS:
                start -= 1  # "Tue Mar 14, 2017": NER sometimes leaves the month out
            spans.append(Span(doc, start, ent.end, label="DATE"))
        elif ent.label_ == "TIME" and _DAYISH.search(ent.text):
            spans.append(Span(doc, ent.start, ent.end, label="DATE"))
    text = doc.text
    if "-" in text:
        # Only ISO dates that are whole tokens and in no other entity: span attrs are keyed by character
        # offsets alone, so a date span on the offsets of an entity would overwrite that entity's attrs.
        taken = [(sp.start_char, sp.end_char) for sp in spans] + [
            (e.start_char, e.end_char) for e in doc.ents
        ]
        for m in _ISO_IN_TEXT.finditer(text):
            if not any(s < m.end() and m.start() < e for s, e in taken):
                sp = doc.char_span(m.start(), m.end(), label="DATE", alignment_mode="strict")
                if sp is not None:
                    spans.append(sp)
    return spans


def add_dates(doc: Doc) -> Doc:
    anchor = parse_published(doc._.published)
    items = [(sp, parse_date(sp.text, anchor, future=_looks_forward(sp))) for sp in _expressions(doc)]
    write_layer(doc, "date", items)
    return doc


@Language.factory("newsprobe/dates", assigns=["doc.spans"], requires=["doc.ents"])
def make_dates(nlp: Language, name: str):
    return add_dates
