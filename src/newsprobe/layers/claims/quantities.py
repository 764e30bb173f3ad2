"""Numeric claims in one news sentence: "more than 3,200 militants have been killed in recent weeks".

A fact-checker wants each number in a sentence as a claim they can check: how much (value, or a low..high
range), how sure the writer is (qualifier), of what (counted), what happened to them (event), and when and
where. `parse_quantities` finds these with precompiled regexes and small word lists, so it needs no spaCy
Doc and runs in well under a millisecond per sentence. A spaCy `Span` may be passed instead of a string;
its part-of-speech tags then help to end the counted noun phrase at a verb, and its Doc's date and entity layers
give `when` and `where` (below), so that a claim and those layers never disagree about the same words.

Rules chosen for the ambiguous cases (the tests pin each of them down):

* value: `int` when whole, else `float`. "3,200" and "12 000" are 3200 and 12000. A dot followed by exactly
  three digits ("3.200") is a European thousands separator only when the number is followed directly by a
  plural noun ("3.200 refugees"), or when there are several such groups ("1.250.000"); otherwise it is a
  decimal point ("3.200 km" is 3.2 km). An attached "m" means million after a currency sign or before a
  plural noun ("$3m", "3m people"), metres otherwise ("a 300m tunnel").
* value/low/high: value is the number as stated; low/high are the bounds the sentence asserts. exactly N:
  low = high = N. more_than / at_least N: low = N. up_to / less_than N: high = N. about / nearly N: no bounds.
  Explicit ranges ("20 to 30", "20-30", "between 5 and 10", "from 5 to 10", "two or three"): value None,
  low/high set, qualifier "range"; a magnitude or currency written once applies to both ends ("$2-3bn").
  "rose from 45 to 60" is a change, not a range: two quantities.
* vague amounts ("dozens", "hundreds of thousands", "several hundred", "a few dozen"): value None, low/high
  from a fixed table (`_VAGUE_PLAIN`, `_FEW`), qualifier "about" unless a qualifier word says otherwise.
* no qualifier word means "exactly". "300 or more" is at_least, "300-odd" / "300 or so" about, "300+" more_than.
* text/start/end cover the qualifier, the number and its unit ("More than 3,200", "between $2bn and $3bn",
  "40 per cent"), not the counted noun.
* units: currencies as ISO codes (USD, EUR, GBP, SYP, ...; "pounds" is GBP, but "pounds of X" is "lb"),
  "percent", "percentage point", "km", "mile", "m", "ft", "sq km", "hectare", "ton", "kg", "lb", "barrel", "litre",
  "gallon", "kiloton", "megaton", "megawatt", "gigawatt", "kilowatt", "magnitude", and durations as the singular
  time noun ("day", "week", "year"; no event is looked for on a duration). A unit of measure is the unit, never what
  is counted ("about 10 kilotons": unit "kiloton"). Quantities with a unit have counted None, except "40% of voters"
  (counted "voters").
* not quantities: years (a bare 1900-2100 after in/since/by/of/the/... or not followed by a noun), dates,
  clock times, ordinals, phone numbers, ids of 7+ digits, numbers glued to letters ("G20", "COVID-19",
  "F-16"), numbers after a label or a capitalised word mid-sentence ("Resolution 2254", "Route 5"), ages
  ("5-year-old"), hyphen compounds other than units ("a 15-member team"), scores ("2-1"), a number that names
  or classifies a thing, right before a singular common noun ("a 911 hang-up call", "the 405 freeway", "a 12 gauge
  shotgun"; a count above one takes a plural), and numbers inside a time phrase ("over the past 24 hours", "three
  days ago", from the shared grammar `newsprobe.core.dates.time_phrases`) or inside a date the date layer resolved.
  A bare "one" with no noun, event, unit or qualifier is the pronoun ("the cheapest one") and is dropped;
  "zero" is not read as a number word ("zero tolerance").
* counted: up to 4 words after the number (after "of" for "dozens of", "40% of"), ending at a function word,
  a verb, punctuation, or a plural noun; "the death toll rose to 45" gives "death toll" (event "killed").
  "dead", "deaths" and "lost their lives" are "killed" too, as news casualty counts use them.
* event: an active verb right before the quantity ("killing 9 civilians"), else the first event word within
  12 words after it, not crossing the next quantity or ";". "5 soldiers and 12 civilians were killed": both.
* when/where: the time / place nearest to the quantity in its clause (clauses split at ";"), as a part of the
  text: `when = {start, end, text, value}`, `where = {start, end, text}` (offsets like the quantity's), or None.
  On a Span whose Doc has a `date` layer, `when` is one of its spans that names a time (not a length such as "three
  years"), with the value the layer resolved against the publication date ("on Sunday" gives the span "Sunday",
  value "2016-08-21"); vague ones ("recent weeks", "the past 24 hours") have value None. On a Doc with an `entity`
  layer, `where` is a GPE/LOC/FAC entity where something happened: the object of in/near/around/across/outside/
  inside/throughout/within or "north of" (through "the districts of" or "province"), not a subject ("Turkey
  deported 250 Syrians") nor a possessor ("the siege on Aleppo's districts"). On a plain string the shared date
  grammar finds the time phrase, preposition included ("in recent weeks"; value only for absolute dates), and a
  place is a capitalised name after those prepositions ("in Douma").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from newsprobe.core.dates import MONTH_NAMES, WEEKDAY_NAMES, is_point, parse_date, time_phrases

__all__ = ["parse_quantities"]

Number = int | float

# ---------------------------------------------------------------------------------------------------------
# Number words

_ONES = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SMALL_WORDS = {**_ONES, **_TEENS, **_TENS}
# "hundred" and "dozen" multiply the group being built; the others close a group ("two million five hundred").
_MULTIPLIERS = {"hundred": 100, "dozen": 12}
_GROUP_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}

_ONES_RE = "one|two|three|four|five|six|seven|eight|nine"
_SMALL = (
    rf"(?:(?:{'|'.join(_TENS)})(?:[- ](?:{_ONES_RE})\b)?|{'|'.join(_TEENS)}|{_ONES_RE})\b"
)
_SCALE = r"(?:hundred|thousand|million|billion|trillion|dozen)\b"
_FRACTION = r"(?:half\s+an?|a\s+half|(?:a|one|three)\s+quarters?\s+of\s+an?)"
_GROUP = rf"(?:{_SMALL}(?:\s+and\s+a\s+(?:half|quarter))?|an?|{_FRACTION})\s+{_SCALE}(?:\s+{_SCALE})*"
_GROUP_NO_A = rf"{_SMALL}\s+{_SCALE}(?:\s+{_SCALE})*"
_WORDNUM = (
    rf"(?i:\b(?:{_GROUP}(?:\s+{_GROUP_NO_A})*(?:\s+(?:and\s+)?{_SMALL}(?!\s+{_SCALE}))?|{_SMALL}))"
)

# ---------------------------------------------------------------------------------------------------------
# Digits, currencies, magnitudes, units

_DIGITS = (
    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,]\d)"  # 1,200 / 1,200.5
    r"|\d{1,3}(?:\.\d{3}){2,}(?![\d.]\d)"  # 1.250.000 (European)
    r"|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d.,]\d)"  # 12 000
    r"|\d+(?:\.\d+)?"
)
_CURRENCY_CODES = "USD|EUR|GBP|SYP|TRY|SAR|RUB|CNY|JPY|INR|IRR|EGP|LBP|IQD|AED|QAR|CHF|ILS|JOD|UAH"
_CURRENCY_SIGNS = {"US$": "USD", "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₺": "TRY", "₽": "RUB"}
_CUR_PRE = r"US\$|\$|€|£|¥|₹|₺|₽|(?:" + _CURRENCY_CODES + r")\s?"
_MAG = r"\s?(?i:bn|mn|mln|tn|trn)\b|(?:m|k|M|K)\b|\s+(?i:thousand|million|billion|trillion|hundred|dozen)\b"
_MAG_VALUES = {
    "bn": 10**9, "mn": 10**6, "mln": 10**6, "tn": 10**12, "trn": 10**12, "m": 10**6, "k": 10**3,
    "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12, "hundred": 100, "dozen": 12,
}  # fmt: skip

_AMOUNT_RE = re.compile(
    rf"(?<![\w.,:/#$€£¥₹₺₽'’\[])(?<![A-Za-z]-)"
    rf"(?:(?P<cur>{_CUR_PRE})?(?P<digits>{_DIGITS})(?P<mag>{_MAG})?|(?P<words>{_WORDNUM}))"
)

# (regex matched right after the amount, unit); first match wins, so longer forms come first.
_UNIT_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\s?%|\s+per\s?cent\b|\s+percent\b|\s+pct\b", re.I), "percent"),
    (re.compile(r"\s+percentage\s+points?\b", re.I), "percentage point"),
    (re.compile(r"\s+Syrian\s+pounds?\b"), "SYP"),
    (re.compile(r"\s+Egyptian\s+pounds?\b"), "EGP"),
    (re.compile(r"\s+Lebanese\s+pounds?\b"), "LBP"),
    (re.compile(r"\s+pounds?(?=\s+of\b)", re.I), "lb"),  # "125 pounds of marijuana": weight
    (re.compile(r"[\s-]pound(?=\s+(?!sterling\b|notes?\b|coins?\b)[a-z])"), "lb"),  # "a 2,000 pound bomb"
    (re.compile(r"\s+(?:(?:US|American)\s+)?dollars?\b", re.I), "USD"),
    (re.compile(r"\s+euros?\b", re.I), "EUR"),
    (re.compile(r"\s+(?:British\s+)?pounds?(?:\s+sterling)?\b", re.I), "GBP"),
    (re.compile(r"\s+(?:Turkish\s+)?liras?\b", re.I), "TRY"),
    (re.compile(r"\s+(?:Saudi\s+)?riyals?\b", re.I), "SAR"),
    (re.compile(r"\s+(?:Iranian\s+)?rials?\b", re.I), "IRR"),
    (re.compile(r"\s+(?:roubles?|rubles?)\b", re.I), "RUB"),
    (re.compile(r"\s+yuan\b", re.I), "CNY"),
    (re.compile(r"\s+yen\b", re.I), "JPY"),
    (re.compile(r"\s+rupees?\b", re.I), "INR"),
    (re.compile(rf"\s+(?P<code>{_CURRENCY_CODES})\b"), "code"),
    (re.compile(r"\s?(?:sq\.?\s?km|km2|km²)|\s+square\s+kilomet(?:re|er)s?\b", re.I), "sq km"),
    (re.compile(r"\s+square\s+miles?\b", re.I), "sq mile"),
    (re.compile(r"\s?(?:km|kms)\b|[\s-]kilomet(?:re|er)s?\b", re.I), "km"),
    (re.compile(r"[\s-]miles?\b", re.I), "mile"),
    (re.compile(r"[\s-](?:metres?|meters?)\b", re.I), "m"),
    (re.compile(r"[\s-](?:feet|foot)\b", re.I), "ft"),
    (re.compile(r"\s+hectares?\b", re.I), "hectare"),
    (re.compile(r"\s+acres?\b", re.I), "acre"),
    (re.compile(r"[\s-](?:metric\s+)?(?:tons?|tonnes?)\b", re.I), "ton"),
    (re.compile(r"\s?kg\b|\s+kilo(?:gram(?:me)?)?s?\b", re.I), "kg"),
    (re.compile(r"\s+barrels?\b", re.I), "barrel"),
    (re.compile(r"\s+lit(?:re|er)s?\b", re.I), "litre"),
    (re.compile(r"\s+gallons?\b", re.I), "gallon"),
    (re.compile(r"[\s-]kilotons?\b|\s?kt\b", re.I), "kiloton"),
    (re.compile(r"[\s-]megatons?\b", re.I), "megaton"),
    (re.compile(r"[\s-]megawatts?\b|\s?MW\b"), "megawatt"),
    (re.compile(r"[\s-]gigawatts?\b|\s?GW\b"), "gigawatt"),
    (re.compile(r"[\s-]kilowatts?\b|\s?kW\b"), "kilowatt"),
    (re.compile(r"[\s-]magnitude\b", re.I), "magnitude"),  # "a 6.2 magnitude earthquake"
    (re.compile(r"[\s-](?P<time>second|minute|hour|day|week|month|year|decade)s?\b(?!-old)", re.I), "time"),
]
_CURRENCY_AFTER_OF = re.compile(r"\s+of\s+(?:(?:US\s+)?dollars|euros|pounds)\b", re.I)
_CURRENCY_WORDS = {"dollars": "USD", "euros": "EUR", "pounds": "GBP"}

_POSTFIX_QUALIFIERS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\s+or\s+more\b", re.I), "at_least"),
    (re.compile(r"\s+or\s+(?:fewer|less)\b", re.I), "up_to"),
    (re.compile(r"\s+or\s+so\b", re.I), "about"),
    (re.compile(r"-odd\b", re.I), "about"),
    (re.compile(r"\+|-plus\b", re.I), "more_than"),
]

_QUALIFIER_WORDS = {
    "more_than": "more than|greater than|well over|just over|over|above|in excess of|upwards of",
    "at_least": "at least|no fewer than|no less than|not less than|a minimum of",
    "about": "about|around|approximately|approx\\.|roughly|some|an estimated|estimated|circa|an average of",
    "nearly": "nearly|almost|close to|just under|just shy of|just short of",
    "up_to": "up to|as many as|as much as|no more than|not more than|at most|a maximum of",
    "less_than": "less than|fewer than|under|below",
    "exactly": "exactly|precisely",
}
_QUALIFIER_OF = {w: q for q, words in _QUALIFIER_WORDS.items() for w in words.replace("\\", "").split("|")}
_QUALIFIER_RE = re.compile(
    r"\b(" + "|".join(sorted((w for ws in _QUALIFIER_WORDS.values() for w in ws.split("|")), key=len, reverse=True))
    + r")\s+$",
    re.I,
)

# ---------------------------------------------------------------------------------------------------------
# Vague amounts

_VAGUE_RE = re.compile(
    r"(?<![\w-])(?:(?P<mult>tens|hundreds)\s+of\s+(?P<base>thousands|millions|billions)"
    r"|(?P<few>several|a\s+few|a\s+couple\s+of)\s+(?P<unit>dozen|hundred|thousand|million|billion)"
    r"|(?P<plain>dozens|scores|hundreds|thousands|millions|billions))\b",
    re.I,
)
_VAGUE_PLAIN = {
    "dozens": (24, 99), "scores": (40, 99), "hundreds": (200, 999), "thousands": (2000, 9999),
    "millions": (2 * 10**6, 10**7 - 1), "billions": (2 * 10**9, 10**10 - 1),
}  # fmt: skip
_VAGUE_BASE = {"thousands": 10**3, "millions": 10**6, "billions": 10**9}
_FEW = {"several": (3, 9), "a few": (2, 5), "a couple of": (2, 3)}
_UNIT_VALUES = {"dozen": 12, "hundred": 100, "thousand": 10**3, "million": 10**6, "billion": 10**9}

# ---------------------------------------------------------------------------------------------------------
# Not quantities: clock times, ordinals, phone numbers... (time phrases come from the shared grammar,
# `newsprobe.core.dates.time_phrases`)

_NON_QUANTITY_RES = [
    re.compile(r"(?<![\d.])\d{1,2}(?::\d{2}){1,2}(?:\s*(?:a\.m\.|p\.m\.|am|pm)(?!\w))?"),  # 11:42
    re.compile(r"\b\d{1,2}(?:\.\d{2})?\s*(?:a\.m\.|p\.m\.|am|pm)(?!\w)", re.I),  # 3pm, 3.30 p.m.
    re.compile(r"\b\d{1,4}(?::\d{2})?\s*(?:GMT|UTC|hrs)\b"),
    re.compile(r"\b\d+(?:st|nd|rd|th)\b", re.I),  # ordinals
    re.compile(r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}\b"),  # 29/08/2016, 2016-08-29
    re.compile(r"\+\d[\d\s().-]{6,}\d|\(\d{2,4}\)\s*\d{3,4}[\s.-]?\d{3,4}|\b\d{3}[-.]\d{3}[-.]\d{4}\b|\b\d{3}-\d{4}\b"),
    re.compile(r"(?<!\d)\d{7,}(?!\d)"),  # ids, serial numbers, photo file names
    re.compile(r"§+\s*\d+"),  # sections of a law
    re.compile(r"\b\d+\s+(?:(?:[A-Z][\w.]*|\d+(?:st|nd|rd|th))\s+){1,3}"
               r"(?:Street|St\.|Avenue|Ave\.?|Road|Rd\.|Boulevard|Blvd\.?|Lane|Drive)\b"),  # "131 West 23rd Street"
    re.compile(r"\b\d{1,3}:\d{1,3}(?:[-–]\d{1,3})?\b"),  # chapter and verse, scores: "Acts 12:1-11"
    re.compile(
        r"\b(?:resolution|route|article|flight|room|highway|road|no\.|number|chapter|section|paragraph|page|"
        r"brigade|division|battalion|regiment|platform|gate|terminal|phase|version|model|id|code|channel|bus|pages?|"
        r"pp?\.|vol\.?|volume)"
        r"\s+#?\d[\w./-]*",
        re.I,
    ),
]

# Words before a bare 1900-2100 number that make it a year ("in 2016", "the 2011 uprising").
_YEAR_BEFORE = {
    "in", "since", "by", "of", "until", "till", "from", "to", "before", "after", "during", "through", "early",
    "late", "mid", "the", "a", "an", "year", "fiscal", "circa", "and", "spring", "summer", "autumn", "winter", "its",
}  # fmt: skip
# Capitalised words that may stand right before a number without making it part of a name.
_CAPS_OK = {
    "the", "some", "over", "about", "around", "approximately", "roughly", "nearly", "almost", "exactly", "under",
    "below", "above", "only", "just", "another", "between", "from", "with", "and", "but", "of", "in", "on", "all",
    "precisely", "estimated", "circa", "up", "to", "by", "for", "at", "than", "as", "killing",
}  # fmt: skip
_CHANGE_BEFORE_FROM = re.compile(
    r"\b(?:rose|risen|rising|rises|increased|increasing|jumped|climbed|fell|fallen|falling|dropped|declined|"
    r"decreased|grew|grown|up|down|doubled|went|gone|surged|soared|plunged|revised|raised|cut|reduced|lowered|"
    r"changed|moved|shrank)\s+$",
    re.I,
)

# ---------------------------------------------------------------------------------------------------------
# Events

_EVENTS: dict[str, str] = {
    "killed": r"killed|killing|kills|kill|slain|slaughtered|massacred|shot\s+dead|dead|deaths"
    r"|lost\s+(?:their|his|her|its)\s+lives?|death\s+tolls?",
    "injured": r"injured|injuring|injures|injuries|wounded|wounding|hurt",
    "displaced": r"displaced|displacing|uprooted|forced\s+from\s+their\s+homes",
    "arrested": r"arrested|arresting|arrests|detained|detaining|rounded\s+up|taken\s+into\s+custody",
    "fled": r"fled|fleeing|flee|flees",
    "died": r"died|dying|die|dies|perished|passed\s+away",
    "captured": r"captured|capturing|taken\s+prisoner",
    "evacuated": r"evacuated|evacuating",
    "missing": r"missing|unaccounted\s+for",
    "executed": r"executed|executing|executions|beheaded",
    "kidnapped": r"kidnapped|kidnapping|abducted|abducting|taken\s+hostage|held\s+hostage",
    "rescued": r"rescued|rescuing",
    "surrendered": r"surrendered|surrendering|laid\s+down\s+(?:their\s+)?arms",
    "released": r"released|releasing|freed|freeing",
    "destroyed": r"destroyed|destroying|razed|flattened",
    "damaged": r"damaged|damaging",
    "deported": r"deported|deporting|deportations|expelled",
    "infected": r"infected|infecting|infections|tested\s+positive",
}
_EVENT_RE = re.compile("|".join(rf"(?P<{name}>\b(?:{forms})\b)" for name, forms in _EVENTS.items()), re.I)

# ---------------------------------------------------------------------------------------------------------
# Places

_PLACE_TOKEN = r"(?:(?:al|el|ad|ar|as|ash|az|ez|ed|es|an)-)?[A-Z][\w’'-]*"
_PLACE_SEQ = rf"{_PLACE_TOKEN}(?:\s+(?:(?:al|el|de|ad|ar|as|bin|ibn|of)\s+)?{_PLACE_TOKEN})*"
_GEO_NOUN = (
    r"(?:provinces?|governorates?|city|cities|countryside|regions?|districts?|areas?|camps?|border|crossings?|"
    r"neighbou?rhoods?|outskirts|suburbs?|towns?|villages?|parts?|north|south|east|west|centre|center|"
    r"north-east|north-west|south-east|south-west|northeast|northwest|southeast|southwest|coast|valley)"
)
_WHERE_RE = re.compile(
    r"\b(?i:in|near|around|across|outside|inside|throughout|within|on\s+the\s+outskirts\s+of|"
    r"(?:north|south|east|west|northeast|northwest|southeast|southwest|north-east|north-west|south-east|"
    r"south-west)(?:ern)?\s+of)\s+"
    rf"(?P<place>(?:the\s+)?(?:{_PLACE_SEQ}\s+)?{_GEO_NOUN}\s+of\s+(?:the\s+)?{_PLACE_SEQ}"
    rf"|(?:the\s+)?{_PLACE_SEQ}(?:\s+{_GEO_NOUN}\b)?)"
)
# Months and weekdays are capitalised but are not places ("in March"), nor names before a number.
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_LOCATIVE_PREPS = frozenset("in near around across outside inside throughout within".split())
_DIRECTIONS = frozenset(
    "north south east west northeast northwest southeast southwest north-east north-west south-east south-west "
    "northern southern eastern western outskirts".split()
)
_NOT_PLACES = {name.capitalize() for name in (*MONTH_NAMES, *WEEKDAY_NAMES)} | {"The"}

# ---------------------------------------------------------------------------------------------------------
# The counted noun phrase

_TOKEN_RE = re.compile(r"(?:[A-Z]\.){2,}|[A-Za-z](?:[A-Za-z’'-]*[A-Za-z])?(?:[’']s)?|\d[\d,.]*|\S")
_STOP = set(
    """
    a an the this that these those its their his her our your my them they it he she we you i who whom whose which
    what where when how why there here is are was were be been being have has had do does did will would shall
    should can could may might must in on at of by for from with to into onto near across around inside outside
    during since until after before over under above below between among against along through throughout toward
    towards per via within without about amid amidst despite including like and or but nor while as if because
    although though so than whereas also still now reportedly allegedly apparently already yet just only most too
    very then again ever never not no all both each either neither some many much few ago respectively mostly
    mainly largely said says say told tell remain remains took take takes left leave came come went go got get
    made make saw see according each every whereby whom out up down off later earlier today yesterday last next
    or mr mrs ms dr per cent percent more less overnight tonight even currently actually together alone instead nearly
    almost roughly approximately maybe perhaps probably ought need needs want wants seem seems spent went gave
    paid lost won came kept held brought built bought sold sent met ran fought fell rose grew hit put set cut led
    became began stood thought found felt heard known shown seen given taken done gone
    """.split()
) | set(MONTH_NAMES) | set(WEEKDAY_NAMES)
_IRREGULAR_PLURALS = {
    "people", "children", "men", "women", "police", "personnel", "staff", "cattle", "livestock", "sheep",
    "infantry", "militia", "youth", "crew", "clergy", "aircraft", "fish", "deer", "refugees", "head",
}  # fmt: skip
_ING_NOUNS = {
    "building", "wedding", "bombing", "shooting", "meeting", "housing", "clothing", "training", "funding",
    "morning", "evening", "king", "ring", "thing", "wing", "spring", "uprising", "crossing", "sibling", "offspring",
}  # fmt: skip
_LY_NOUNS = {"family", "ally", "supply", "rally", "assembly", "anomaly", "monopoly", "bully", "belly", "butterfly"}
_ED_NOUNS = {"hundred", "red", "bed", "shed", "seed", "need", "feed", "speed", "creed", "breed", "reed", "steed"}
# Single-word event forms ("killed", "fled"): verbs that end the counted noun phrase.
_PHRASE_VERBS = {form for forms in _EVENTS.values() for form in forms.split("|") if form.isalpha()}
_PREFIX_TOKEN_RE = re.compile(r"[\w’']+|[^\w\s]")
_BEFORE_SKIP = {"a", "an", "the", "some", "total", "of"}  # "killed a total of 300"
_TIME_UNITS = {"second", "minute", "hour", "day", "week", "month", "year", "decade"}
_STOP_POS = {"AUX", "ADP", "SCONJ", "CCONJ", "PRON", "DET", "PART", "PUNCT", "NUM"}
_TOLL_RE = re.compile(
    r"\b(?:the\s+)?(?P<toll>(?:(?:death|casualty|civilian|overall|official)\s+)?toll)\b[^.;]{0,60}$"
    r"|\bnumber\s+of\s+(?P<np>[a-z])[^.;]{0,80}$",
    re.I,
)


@dataclass
class _Cand:
    """One quantity being assembled: its core span, then qualifier, unit and phrase bounds."""

    start: int
    end: int
    value: Decimal | None
    low: Decimal | None
    high: Decimal | None
    kind: str  # "single", "range" or "vague"
    currency: str | None = None
    unit: str | None = None
    scale: int = 1  # magnitude written after the number, so "2 to 3 million" can share it
    words: bool = False
    qualifier: str | None = None
    phrase_start: int = 0
    phrase_end: int = 0
    counted_of: bool = False  # "dozens of X": the counted noun follows "of"


# ---------------------------------------------------------------------------------------------------------
# Public API


def parse_quantities(sentence: Any, offset: int = 0) -> list[dict[str, Any]]:
    """Return every quantity claimed in `sentence`, in order, as dicts with the keys
    value, low, high, qualifier, counted, event, unit, when, where, text, start, end.

    `sentence` is a string, or a spaCy `Span` (then offsets are relative to its Doc, plus `offset`, its POS tags help
    to end the counted noun phrase, and `when`/`where` come from the Doc's date and entity layers when it has them).
    See the module docstring for the rules.
    """
    ctx = _context(sentence, offset)
    text = ctx.text
    if not any(ch.isdigit() for ch in text) and not _AMOUNT_RE.search(text) and not _VAGUE_RE.search(text):
        return []
    phrases = time_phrases(text)
    # Numbers inside a time phrase are part of it ("over the past 24 hours"), as are those in a date the date layer
    # resolved ("Aug. 29"); a vague date span NER made of a count ("a quarter of a million") blocks nothing.
    blocked = phrases + [(s, e) for s, e, value in ctx.dates or () if value] + [
        (m.start(), m.end()) for rx in _NON_QUANTITY_RES for m in rx.finditer(text)
    ]
    cands = _find_candidates(text, blocked)
    for cand in cands:
        _finish(text, cand)
    times = ctx.dates if ctx.dates is not None else [(s, e, parse_date(text[s:e])["value"]) for s, e in phrases]
    places = ctx.places if ctx.places is not None else _place_phrases(text)
    results, kept = [], []
    for i, cand in enumerate(cands):
        limit = len(text)
        if i + 1 < len(cands):
            nxt = cands[i + 1].phrase_start
            verb = _event_before(text, nxt)
            limit = verb[1] if verb and verb[1] >= cand.phrase_end else nxt
        counted = _counted(text, cand, ctx.tags)
        event = _event(text, cand, limit, counted)
        if _bare_one(text, cand) and not (counted or event or cand.unit or cand.qualifier != "exactly"):
            continue  # "the easiest one", "one – the first": a pronoun, not a count
        if _names_a_thing(text, cand, ctx.tags):
            continue  # "a 911 hang-up call", "the 405 freeway": a number as a name, not a count
        kept.append(cand)
        when, where = _nearest(text, times, cand), _nearest(text, places, cand)
        results.append(
            {
                "value": _num(cand.value),
                "low": _num(cand.low),
                "high": _num(cand.high),
                "qualifier": cand.qualifier,
                "counted": counted,
                "event": event,
                "unit": cand.unit,
                "when": _part(text, when, ctx.offset, "value"),
                "where": _part(text, where, ctx.offset),
                "text": text[cand.phrase_start : cand.phrase_end],
                "start": cand.phrase_start + ctx.offset,
                "end": cand.phrase_end + ctx.offset,
            }
        )
    _share_events(text, kept, results)
    return results


def _bare_one(text: str, cand: _Cand) -> bool:
    return cand.words and cand.kind == "single" and text[cand.start : cand.end].lower() == "one"


def _names_a_thing(text: str, cand: _Cand, tags: dict[int, tuple[str, str]]) -> bool:
    """A bare number right before a singular common noun names or classifies that thing instead of counting it: "a 911
    hang-up call", "the 405 freeway", "a 12 gauge shotgun" (a count of more than one is followed by a plural)."""
    if cand.kind != "single" or cand.words or cand.unit or cand.currency or cand.scale != 1 or cand.value == 1:
        return False
    if cand.qualifier != "exactly":
        return False  # "nearly 1,500 coal- and gas-fired plants": an estimate is a count
    if not text[cand.phrase_end : cand.phrase_end + 1].isspace():
        return False
    words = _noun_phrase(text, cand.phrase_end, tags)
    if not words:
        return False
    tokens = words.split()
    return all(t[:1].islower() for t in tokens) and not any(_is_plural(t) for t in tokens)


@dataclass
class _Context:
    """The sentence's text and where it sits, plus what its Doc already knows: the date layer's time spans and the
    entity layer's places (None: no such layer, so the shared grammar finds them in the text)."""

    text: str
    offset: int
    tags: dict[int, tuple[str, str]]
    dates: list[tuple[int, int, Any]] | None = None
    places: list[tuple[int, int, Any]] | None = None


def _context(sentence: Any, offset: int) -> _Context:
    """Accept a str or a spaCy Span; for a Span keep its tokens' POS tags by character offset, and the spans of its
    Doc's date and entity layers that lie inside it (offsets relative to the sentence)."""
    if isinstance(sentence, str):
        return _Context(sentence, offset, {})
    from newsprobe.core.spans import layer_items

    text, doc = sentence.text, sentence.doc
    base, end = sentence.start_char, sentence.end_char
    ctx = _Context(text, offset + base, {tok.idx - base: (tok.pos_, tok.tag_) for tok in sentence})
    if "date" in doc.spans:
        ctx.dates = [(sp.start_char - base, sp.end_char - base, attrs.get("value"))
                     for sp, attrs in layer_items(doc, "date")
                     if base <= sp.start_char and sp.end_char <= end and is_point(attrs)]
    if "entity" in doc.spans:
        phrases = _place_phrases(text)
        ctx.places = [(sp.start_char - base, sp.end_char - base, None) for sp in doc.spans["entity"]
                      if sp.label_ in _PLACE_LABELS and base <= sp.start_char and sp.end_char <= end
                      and (_locative(sp) or any(s <= sp.start_char - base and sp.end_char - base <= e
                                                for s, e, _ in phrases))]
    return ctx


def _part(text: str, found: tuple[int, int, Any] | None, offset: int, key: str | None = None) -> dict | None:
    """A `when`/`where` as {start, end, text} (offsets like the quantity's), with the date's value for `when`."""
    if found is None:
        return None
    start, end, extra = found
    part: dict[str, Any] = {"start": start + offset, "end": end + offset, "text": text[start:end]}
    if key:
        part[key] = extra
    return part


def _num(value: Decimal | None) -> Number | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


# ---------------------------------------------------------------------------------------------------------
# Finding the numbers


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def _find_candidates(text: str, blocked: list[tuple[int, int]]) -> list[_Cand]:
    """Vague amounts, then single amounts; adjacent singles joined by to/-/and/or become ranges."""
    vague = [c for m in _VAGUE_RE.finditer(text) if (c := _vague(text, m)) and not _overlaps(c.start, c.end, blocked)]
    vague_spans = [(c.start, c.end) for c in vague]
    singles = []
    for m in _AMOUNT_RE.finditer(text):
        if _overlaps(m.start(), m.end(), blocked) or _overlaps(m.start(), m.end(), vague_spans):
            continue
        cand = _single(text, m)
        if cand is not None:
            singles.append(cand)
    merged = _merge_ranges(text, singles)
    return sorted(merged + vague, key=lambda c: c.start)


def _vague(text: str, m: re.Match[str]) -> _Cand | None:
    if m["plain"]:
        word = m["plain"].lower()
        if word == "scores" and not re.match(r"\s+of\b", text[m.end() :], re.I):
            return None  # "test scores"
        low, high = _VAGUE_PLAIN[word]
    elif m["mult"]:
        base = _VAGUE_BASE[m["base"].lower()]
        low, high = (20 * base, 100 * base - 1) if m["mult"].lower() == "tens" else (200 * base, 1000 * base - 1)
    else:
        lo_f, hi_f = _FEW[re.sub(r"\s+", " ", m["few"].lower())]
        unit = _UNIT_VALUES[m["unit"].lower()]
        low, high = lo_f * unit, hi_f * unit
    # "dozens of civilians" vs "several hundred fighters": only the plural forms take "of" before the noun.
    return _Cand(m.start(), m.end(), None, Decimal(low), Decimal(high), "vague", counted_of=not m["few"])


def _single(text: str, m: re.Match[str]) -> _Cand | None:
    """Value of one amount, or None when the number is not a quantity (year, name, glued to letters...)."""
    start, end = m.start(), m.end()
    after = text[end:]
    if re.match(r"\w", after) and not re.match(r"(?:km²|km2|kms?|kg|kt|[MGk]W)\b", after):
        return None  # "19th", "4x4", "1990s"
    if re.match(r"[/.:]\d|\([a-z]\)", after):
        return None  # "9/11", version numbers, "401(k)"
    if re.match(r"-(?!odd\b|plus\b)[A-Za-z]", after) and not _hyphen_unit(after):
        return None  # "a 15-member team", "5-year-old"
    if _named(text, start):
        return None
    if _AGE_BEFORE_RE.search(text, max(0, start - 40), start) and _AGE_AFTER_RE.match(text, start):
        return None  # an age after a name: "Anthony Morelli, 54, was shot"
    if m["words"]:
        words = m["words"]
        if words.lower() == "one" and _lone_one_is_pronoun(text, start, end):
            return None
        value = _words_value(words)
        last = words.lower().split()[-1]
        scale = _MAG_VALUES.get(last, 1)
        return _Cand(start, end, value, value, value, "single", scale=scale, words=True)
    currency = None
    if m["cur"]:
        sign = m["cur"].strip()
        currency = _CURRENCY_SIGNS.get(sign, sign)
    mag = (m["mag"] or "").strip()
    plural_next = _next_word_plural(text, end)
    raw = m["digits"]
    digits = re.sub(r"[,\s\u00a0\u202f]", "", raw)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3}){2,}", digits) or (
        re.fullmatch(r"\d{1,3}\.\d{3}", digits) and not mag and not currency and plural_next
    ):
        digits = digits.replace(".", "")
    value = Decimal(digits)
    cand = _Cand(start, end, value, value, value, "single", currency=currency)
    if mag:
        if mag in ("m", "M") and not currency and not plural_next:
            cand.unit = "m"  # "a 300m tunnel": metres
        else:
            cand.scale = _MAG_VALUES[mag.lower()]
            cand.value = cand.low = cand.high = value * cand.scale
    elif not currency and _is_year(text, start, end, raw):
        return None
    return cand


_AGE_BEFORE_RE = re.compile(r"[A-Z][\w’'-]+,\s$")
_AGE_AFTER_RE = re.compile(r"\d{1,3}(?:[,)]|\.?\s*$)")


def _hyphen_unit(after: str) -> bool:
    """ "3-day truce", "10-km convoy" are quantities with a unit; other hyphen compounds are not."""
    if re.match(r"-(?:year|month|week|day)s?-old\b", after, re.I):
        return False
    return bool(re.match(r"-(?:second|minute|hour|day|week|month|year|decade|km|kilomet(?:re|er)|mile|metre|meter"
                         r"|ton|tonne|pound|gallon|kiloton|megaton|megawatt|gigawatt|kilowatt|magnitude)s?\b",
                         after, re.I))


def _named(text: str, start: int) -> bool:
    """A number right after a capitalised word mid-sentence is part of a name ("Brigade 80", "Resolution 2254")."""
    m = re.search(r"([A-Za-z][\w.’'-]*)\s$", text[max(0, start - 40) : start])
    if not m:
        return False
    word = m.group(1)
    if not (word[0].isupper()) or word.lower() in _CAPS_OK or word in _NOT_PLACES:
        return False
    before = text[: start - len(m.group(0))].rstrip(" \t“\"‘'([")
    return bool(before) and before[-1] not in ".!?:"


_ONE_PRONOUN_NEXT = {
    "of", "another", "day", "time", "way", "side", "thing", "hand", "by", "who", "that", "which", "can", "could",
    "must", "should", "would", "might", "may", "will", "is", "has", "does",
}  # fmt: skip


def _lone_one_is_pronoun(text: str, start: int, end: int) -> bool:
    """ "one of them", "no one", "the one who": the pronoun, not a count."""
    prev = re.search(r"(\w+)\s+$", text[:start])
    nxt = re.match(r"\s+(\w+)", text[end:])
    if prev and prev.group(1).lower() in {"no", "the", "any", "every", "each", "which", "this", "that", "if", "when"}:
        return True
    return not nxt or nxt.group(1).lower() in _ONE_PRONOUN_NEXT


def _next_word_plural(text: str, end: int) -> bool:
    m = re.match(r"\s+([A-Za-z][\w’'-]*)", text[end:])
    return bool(m) and _is_plural(m.group(1)) and m.group(1).lower() not in _STOP


def _is_year(text: str, start: int, end: int, raw: str) -> bool:
    """A bare 1900-2100 is a year after "in", "since", "the"...; or when no noun follows ("2016 was hard")."""
    if not re.fullmatch(r"\d{4}", raw) or not 1900 <= int(raw) <= 2100:
        return False
    prev = re.search(r"([\w’']+)\s+$", text[max(0, start - 30) : start])
    if prev and (prev.group(1).lower() in _YEAR_BEFORE or prev.group(1).endswith(("’s", "'s"))):
        return True  # "in 2016", "a 2015 warning", "the administration’s 2010 approval"
    if _QUALIFIER_RE.search(text[max(0, start - 40) : start]):
        return False
    nxt = re.match(r"\s+([a-z][\w’'-]*)", text[end:])
    return not nxt or nxt.group(1) in _STOP or _verbish(nxt.group(1))


_FRACTION_OF = {"a quarter": Decimal("0.25"), "one quarter": Decimal("0.25"), "three quarters": Decimal("0.75"),
                "half": Decimal("0.5"), "a half": Decimal("0.5")}
_AND_A = {"+half": Decimal("0.5"), "+quarter": Decimal("0.25")}


def _words_value(words: str) -> Decimal:
    """ "one hundred and twenty" -> 120, "half a million" -> 500000, "a quarter of a million" -> 250000."""
    spelled = re.sub(r"\s+", " ", words.lower())
    factor = Decimal(1)
    m = re.match(r"(a quarter|one quarter|three quarters|a half|half)(?: of)? ", spelled)
    if m:
        factor, spelled = _FRACTION_OF[m.group(1)], spelled[m.end() :]
    spelled = re.sub(r"\band a (half|quarter)\b", r"+\1", spelled)  # "one and a half million"
    total, current = Decimal(0), Decimal(0)
    for tok in re.split(r"[\s-]+", spelled):
        if tok in ("a", "an"):
            current = current or Decimal(1)
        elif tok in _AND_A:
            current += _AND_A[tok]
        elif tok in _SMALL_WORDS:
            current += _SMALL_WORDS[tok]
        elif tok in _MULTIPLIERS:
            current = (current or Decimal(1)) * _MULTIPLIERS[tok]
        elif tok in _GROUP_SCALES:
            total += (current or Decimal(1)) * _GROUP_SCALES[tok]
            current = Decimal(0)
    return (total + current) * factor


_RANGE_GAP_RE = re.compile(
    r"(?P<pct>\s?%|\s+per\s?cent|\s+percent)?(?:\s*(?P<dash>[-–—])\s*|\s+(?P<word>to|and|or)\s+)$", re.I
)


def _merge_ranges(text: str, singles: list[_Cand]) -> list[_Cand]:
    """Join "20 to 30", "20-30", "between 5 and 10", "two or three" into one range quantity."""
    out: list[_Cand] = []
    i = 0
    while i < len(singles):
        a = singles[i]
        b = singles[i + 1] if i + 1 < len(singles) else None
        rng = _as_range(text, a, b) if b is not None else None
        if rng == "drop":
            i += 2  # "2-1": a score
            continue
        if isinstance(rng, _Cand):
            out.append(rng)
            i += 2
            continue
        out.append(a)
        i += 1
    return out


def _as_range(text: str, a: _Cand, b: _Cand) -> _Cand | str | None:
    gap = _RANGE_GAP_RE.fullmatch(text, a.end, b.start)
    if not gap or (gap["pct"] and b.currency) or (a.currency and b.currency and a.currency != b.currency):
        return None  # "fell 1.3 percent to $191.6 million" is two quantities
    before = text[max(0, a.start - 40) : a.start]
    joiner = (gap["word"] or "").lower()
    start = a.start
    if joiner == "and":
        pre = re.search(r"\bbetween\s+$", before, re.I)
        if not pre:
            return None
        start = a.start - (len(before) - pre.start())
    elif joiner == "to":
        pre = re.search(r"\bfrom\s+$", before, re.I)
        if pre:
            if _CHANGE_BEFORE_FROM.search(before[: pre.start()]):
                return None  # "rose from 45 to 60": a change, two quantities
            start = a.start - (len(before) - pre.start())
    low, high = a.value, b.value
    if a.scale == 1 and b.scale > 1 and low * b.scale <= high:
        low = low * b.scale  # "2 to 3 million", "$2-3bn"
    if low is None or high is None or low >= high:
        return "drop" if gap["dash"] else None
    unit = "percent" if gap["pct"] else None
    return _Cand(
        start, b.end, None, low, high, "range", currency=a.currency or b.currency, unit=unit or b.unit,
        scale=b.scale, words=a.words and b.words, qualifier="range",
    )


# ---------------------------------------------------------------------------------------------------------
# Qualifier, unit, phrase bounds


def _finish(text: str, cand: _Cand) -> None:
    """Attach the qualifier and unit, and set the phrase bounds."""
    start, end = cand.start, cand.end
    post = _postfix_qualifier(text, end)
    if post:
        end = post[1]
    unit_end = _attach_unit(text, cand, end)
    if unit_end != end:
        end = unit_end
        post = post or _postfix_qualifier(text, end)
        if post:
            end = post[1]
    if cand.kind == "vague" and cand.unit is None:
        m = _CURRENCY_AFTER_OF.match(text, end)
        if m:
            cand.unit = _CURRENCY_WORDS[m.group(0).split()[-1].lower()]
            cand.counted_of = False
    if cand.currency and cand.unit is None:
        cand.unit = cand.currency
    qualifier = None
    if cand.kind != "range":
        m = _QUALIFIER_RE.search(text, max(0, start - 40), start)
        if m:
            qualifier = _QUALIFIER_OF[re.sub(r"\s+", " ", m.group(1).lower())]
            start = m.start()
        elif post:
            qualifier = post[0]
    cand.qualifier = cand.qualifier or qualifier or ("about" if cand.kind == "vague" else "exactly")
    _bounds(cand)
    cand.phrase_start, cand.phrase_end = start, end


def _postfix_qualifier(text: str, pos: int) -> tuple[str, int] | None:
    for rx, qualifier in _POSTFIX_QUALIFIERS:
        m = rx.match(text, pos)
        if m:
            return qualifier, m.end()
    return None


def _attach_unit(text: str, cand: _Cand, pos: int) -> int:
    if cand.unit is not None and cand.kind != "range":
        return pos  # metres from an attached "m"
    for rx, unit in _UNIT_PATTERNS:
        m = rx.match(text, pos)
        if not m:
            continue
        if unit == "code":
            cand.currency = m["code"]
        elif unit == "time":
            cand.unit = m["time"].lower()
        elif unit.isupper():
            cand.currency = unit
        else:
            cand.unit = unit
        return m.end()
    return pos


def _bounds(cand: _Cand) -> None:
    """Set low/high from the qualifier: they are the bounds the sentence asserts."""
    q = cand.qualifier
    if cand.kind == "single":
        n = cand.value
        cand.low, cand.high = {
            "exactly": (n, n), "more_than": (n, None), "at_least": (n, None), "up_to": (None, n),
            "less_than": (None, n), "about": (None, None), "nearly": (None, None),
        }[q]  # fmt: skip
    elif cand.kind == "vague":
        if q in ("more_than", "at_least"):
            cand.high = None
        elif q in ("up_to", "less_than"):
            cand.low = None


# ---------------------------------------------------------------------------------------------------------
# Counted noun, event, when, where


def _verbish(word: str) -> bool:
    lw = word.lower()
    return lw in _PHRASE_VERBS or (lw.endswith("ed") and lw not in _ED_NOUNS)


def _is_plural(word: str) -> bool:
    lw = word.lower()
    if lw in _IRREGULAR_PLURALS or lw.endswith("men"):
        return True  # "gunmen", "policemen"
    return len(lw) > 3 and lw.endswith("s") and not lw.endswith(("ss", "us", "is", "’s", "'s"))


def _adverb(tok: str) -> bool:
    return tok.islower() and len(tok) > 4 and tok.endswith("ly") and tok not in _LY_NOUNS


def _noun_like(tok: str) -> bool:
    lw = tok.lower()
    return (
        tok[:1].isalpha() and lw not in _STOP and not _verbish(tok) and not _adverb(tok)
        and not (lw.endswith("ing") and lw not in _ING_NOUNS)
    )


def _counted(text: str, cand: _Cand, tags: dict[int, tuple[str, str]]) -> str | None:
    """The head noun phrase after the number ("22 militant groups" -> "militant groups"), up to 4 words."""
    if cand.unit == "percent" or cand.counted_of:
        m = re.match(r"\s+of\s+(?:the\s+|these\s+|those\s+|its\s+|their\s+)?", text[cand.phrase_end :], re.I)
        if not m:
            return None if cand.unit else _toll(text, cand, tags)
        pos = cand.phrase_end + m.end()
    elif cand.unit is not None:
        return None
    else:
        pos = cand.phrase_end
        m = re.match(r"\s+of\s+(?:the|these|those|its|their)\s+", text[pos:], re.I)
        if m:
            pos += m.end()  # "two of the soldiers"
    words = _noun_phrase(text, pos, tags)
    if words:
        return words
    return None if cand.unit else _toll(text, cand, tags)


def _noun_phrase(text: str, pos: int, tags: dict[int, tuple[str, str]]) -> str | None:
    """Up to 4 words from `pos`, ending at a verb, a function word, punctuation, or after a plural noun
    (unless another plural noun follows: "police officers")."""
    toks = [(t.group(0), t.start()) for t in _TOKEN_RE.finditer(text, pos, min(len(text), pos + 120))]
    words: list[str] = []
    i = 0
    while i < len(toks) and len(words) < 4:
        tok, tpos = toks[i]
        nxt = toks[i + 1][0] if i + 1 < len(toks) else ""
        if tok.lower() == "more" and not words and _noun_like(nxt):
            i += 1  # "five more soldiers"
            continue
        tag = tags.get(tpos)
        if tag and (tag[0] in _STOP_POS or (tag[0] == "VERB" and tag[1] not in ("VBN", "VBD", "VBG"))):
            break
        if not tok[:1].isalpha() or tok.lower() in _STOP or _adverb(tok):
            break
        if _verbish(tok):
            if _noun_like(nxt) and _is_plural(nxt):
                words.append(tok)  # "displaced people", "armed men"
                i += 1
                continue
            break
        if tok.lower().endswith("ing") and tok.lower() not in _ING_NOUNS:
            break
        words.append(tok)
        if _is_plural(tok) and not (_noun_like(nxt) and _is_plural(nxt)):
            break
        i += 1
    while words and _verbish(words[-1]):
        words.pop()
    return " ".join(words) or None


def _toll(text: str, cand: _Cand, tags: dict[int, tuple[str, str]]) -> str | None:
    """No noun after the number: "the death toll rose to 45", "the number of displaced people reached 6 million"."""
    clause_start = text.rfind(";", 0, cand.phrase_start) + 1
    m = _TOLL_RE.search(text, clause_start, cand.phrase_start)
    if not m:
        return None
    return m["toll"].lower() if m["toll"] else _noun_phrase(text, m.start("np"), tags)


def _event_name(m: re.Match[str]) -> str:
    return next(name for name, value in m.groupdict().items() if value)


def _event_before(text: str, start: int) -> tuple[str, int] | None:
    """An active event verb right before the quantity ("killing 9", "wounded at least 20"): name and position."""
    for m in reversed(list(_PREFIX_TOKEN_RE.finditer(text, max(0, start - 60), start))[-4:]):
        tok = m.group(0)
        event = _EVENT_RE.fullmatch(tok)
        if event:
            return _event_name(event), m.start()
        if not tok[0].isalnum() or (tok.lower() in _STOP and tok.lower() not in _BEFORE_SKIP):
            return None
    return None


def _event(text: str, cand: _Cand, limit: int, counted: str | None) -> str | None:
    """What happened to the counted things: an active verb just before ("killing 9"), else the first event
    word in the next ~12 words of the clause ("3,200 militants have been killed"). `limit` is where the
    next quantity, or the verb in front of it, begins."""
    if counted and counted.endswith("toll"):
        return "killed"
    if cand.unit in _TIME_UNITS:
        return None
    before = _event_before(text, cand.phrase_start)
    if before:
        return before[0]
    semi = text.find(";", cand.phrase_end, limit)
    window_end = semi if semi >= 0 else limit
    words = list(re.finditer(r"\S+", text[cand.phrase_end : window_end]))
    if len(words) > 12:
        window_end = cand.phrase_end + words[11].end()
    m = _EVENT_RE.search(text, cand.phrase_end, window_end)
    return _event_name(m) if m else None


def _share_events(text: str, cands: list[_Cand], results: list[dict[str, Any]]) -> None:
    """ "5 soldiers and 12 civilians were killed": the first quantity shares the event of the second."""
    for i in range(len(results) - 2, -1, -1):
        if results[i]["event"] is None and results[i + 1]["event"] and results[i]["counted"]:
            gap = text[cands[i].phrase_end : cands[i + 1].phrase_start]
            if re.fullmatch(r"[\w\s’'-]*(?:\band|,)\s*", gap) and len(gap.split()) <= 5:
                results[i]["event"] = results[i + 1]["event"]


def _place_ok(place: str) -> bool:
    """Months and weekdays are capitalised but are not places ("in March")."""
    first = re.search(r"[A-Z][\w’'-]*", place)
    return bool(first) and first.group(0) not in _NOT_PLACES


def _place_phrases(text: str) -> list[tuple[int, int, Any]]:
    """Place phrases in plain text ("in Douma", "north of Hama", "in the Eastern districts of Aleppo")."""
    out: list[tuple[int, int, Any]] = []
    for m in _WHERE_RE.finditer(text):
        if _place_ok(m["place"]):
            chunk = m.group(0)
            start = m.start() + len(chunk) - len(chunk.lstrip())
            out.append((start, m.start() + len(chunk.rstrip()), None))
    return out


def _locative(ent: Any) -> bool:
    """Does the parse put this place entity where something happened: the object of "in", "near", "across"..., maybe
    through "the districts of", a compound ("Deir ez-Zor province") or a list ("in Aleppo and Idlib")? Not a subject
    ("Turkey deported 250 Syrians") nor a possessor ("the siege on Aleppo's districts")."""
    tok = ent.root
    for _ in range(5):
        head = tok.head
        if head is tok:
            return False
        if tok.dep_ == "pobj":
            word = head.lower_
            if word in _LOCATIVE_PREPS:
                return True
            if word != "of":
                return False
            if head.head.lower_ in _DIRECTIONS:
                return True  # "north of Hama"
            tok = head.head  # "the districts of Aleppo": go on from "districts"
        elif tok.dep_ in ("compound", "amod", "nmod", "appos", "conj"):
            tok = head
        else:
            return False
    return False


def _nearest(text: str, spans: list[tuple[int, int, Any]], cand: _Cand) -> tuple[int, int, Any] | None:
    """The span nearest to the quantity within its clause (split at ";"), preferring one after it on ties."""
    lo = text.rfind(";", 0, cand.phrase_start) + 1
    hi = text.find(";", cand.phrase_end)
    hi = len(text) if hi < 0 else hi
    best: tuple[int, int, tuple[int, int, Any]] | None = None
    for span in spans:
        s, e = span[0], span[1]
        if s < lo or e > hi or (s < cand.phrase_end and cand.phrase_start < e):
            continue
        dist = cand.phrase_start - e if e <= cand.phrase_start else s - cand.phrase_end
        key = (dist, 0 if s >= cand.phrase_end else 1, span)
        if best is None or key[:2] < best[:2]:
            best = key
    return best[2] if best else None
